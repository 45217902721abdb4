package jewel.schemes.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MerkleTreeTest {
  private static final int C = MerkleTree.CHUNK;

  @Test
  void aOneChunkBlocksRootIsTheHashOfItsBytes() throws Exception {
    byte[] b = "hello".getBytes(StandardCharsets.UTF_8);
    assertEquals(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)),
        MerkleTree.rootHex(b));
    assertEquals(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[0])),
        MerkleTree.rootHex(new byte[0]));
  }

  @Test
  void threeChunksHashAsTheDefinitionSays() throws Exception {
    byte[] b = bytes(2 * C + 10);
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    byte[] l0 = d.digest(Arrays.copyOfRange(b, 0, C));
    byte[] l1 = d.digest(Arrays.copyOfRange(b, C, 2 * C));
    byte[] l2 = d.digest(Arrays.copyOfRange(b, 2 * C, b.length));
    d.update(l0);
    d.update(l1);
    byte[] p01 = d.digest();
    d.update(p01);
    d.update(l2); // l2 has no sibling: it moves up unchanged
    assertEquals(HexFormat.of().formatHex(d.digest()), MerkleTree.rootHex(b));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 65535, 65536, 65537, 3 * 65536, 5 * 65536 + 7, 9 * 65536 - 1})
  void everyChunksPathVerifiesAndATamperedOneDoesNot(int size) {
    byte[] b = bytes(size);
    MerkleTree.Builder builder = new MerkleTree.Builder();
    // fed in odd pieces, as a stream delivers them
    for (int off = 0; off < size; off += 7777) {
      builder.update(ByteBuffer.wrap(b, off, Math.min(7777, size - off)));
    }
    List<byte[]> leaves = builder.leaves();
    assertEquals(MerkleTree.chunks(size), leaves.size());
    String root = HexFormat.of().formatHex(MerkleTree.root(leaves));
    assertEquals(MerkleTree.rootHex(b), root);
    for (int i = 0; i < leaves.size(); i++) {
      byte[] chunk = Arrays.copyOfRange(b, i * C, Math.min(size, (i + 1) * C));
      List<String> path = MerkleTree.path(leaves, i);
      assertTrue(MerkleTree.verify(root, size, i, chunk, path), "chunk " + i);
      if (chunk.length > 0) {
        byte[] bad = chunk.clone();
        bad[bad.length / 2] ^= 1;
        assertFalse(MerkleTree.verify(root, size, i, bad, path));
      }
      assertFalse(MerkleTree.verify(root, size, i + 1, chunk, path), "the wrong index fails");
    }
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }
}
