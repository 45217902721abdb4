package jewel.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

  @Test
  void blockIdIsTheLowercaseHexOfASha256() throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest("abc".getBytes(StandardCharsets.UTF_8));
    BlockId id = BlockId.of(digest);
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", id.hex());
    assertEquals("ba", id.prefix());
    assertEquals("ba7816bf8f01", id.shortHex());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "abc",
        "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
        "../../etc/passwd"
      })
  void blockIdRefusesAnythingButSixtyFourLowercaseHex(String bad) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new BlockId(bad));
    assertTrue(e.getMessage().contains("64 lowercase hex"), e.getMessage());
  }

  @Test
  void blockIdOfAWrongLengthDigestIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> BlockId.of(new byte[31]));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "photo.jpg",
        "a",
        "with space.txt",
        "ünïcödé",
        ".hidden",
        "a.b.c",
        "a..b",
        "bucket/photos/2026/x.jpg",
        "b/&+-é\" q"
      })
  void goodFileNames(String good) {
    assertNull(FileName.problem(good));
    assertEquals(good, new FileName(good).value());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/a",
        "a/",
        "a//b",
        "a/./b",
        "a/../b",
        "a\\b",
        "..",
        ".",
        "tab\there",
        "nul\u0000",
        "bell\u0007",
        "del\u007f"
      })
  void badFileNamesSayWhy(String bad) {
    String problem = FileName.problem(bad);
    assertTrue(problem != null && !problem.isBlank());
    assertEquals(
        problem,
        assertThrows(IllegalArgumentException.class, () -> new FileName(bad)).getMessage());
  }

  @Test
  void segmentsAreLimitedTo255AndNamesTo1088Utf8Bytes() {
    assertNull(FileName.problem("x".repeat(255)));
    assertTrue(FileName.problem("x".repeat(256)).contains("255"));
    // 128 two-byte characters are 256 bytes although only 128 chars
    assertTrue(FileName.problem("é".repeat(128)).contains("256 bytes"));
    String bucketAndLongKey = "b/" + ("y".repeat(254) + "/").repeat(4) + "z".repeat(66);
    assertEquals(1088, bucketAndLongKey.length());
    assertNull(FileName.problem(bucketAndLongKey));
    assertTrue(FileName.problem(bucketAndLongKey + "z").contains("1089 bytes"));
    assertEquals(List.of("b", "c", "d"), new FileName("b/c/d").segments());
  }

  @Test
  void peerNamesSortByTheirNumber() {
    List<PeerId> peers =
        new ArrayList<>(
            List.of(
                new PeerId("peer-10"),
                new PeerId("peer-2"),
                new PeerId("peer-1"),
                new PeerId("seed")));
    peers.sort(null);
    assertEquals(
        List.of("peer-1", "peer-2", "peer-10", "seed"), peers.stream().map(PeerId::name).toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Peer-1", "peer 1", "-peer", "peer/1"})
  void badPeerNamesAreRefused(String bad) {
    assertThrows(IllegalArgumentException.class, () -> new PeerId(bad));
  }

  @Test
  void schemeSpecsParseAsPeopleTypeThem() {
    SchemeSpec s = SchemeSpec.parse("reedsolomon k=4 n=6");
    assertEquals("reedsolomon", s.id());
    assertEquals(Map.of("k", "4", "n", "6"), s.params());
    assertEquals(4, s.intParam("k", 0));
    assertEquals(9, s.intParam("m", 9));
    assertEquals("reedsolomon k=4 n=6", s.toString());
    assertEquals(SchemeSpec.parse("naive n=3"), SchemeSpec.parse("naive").with("n", "3"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Naive", "naive n", "naive =3", "naive n=", "naive N=3"})
  void badSchemeSpecsAreRefused(String bad) {
    assertThrows(IllegalArgumentException.class, () -> SchemeSpec.parse(bad));
  }

  @Test
  void aNonNumericParameterIsReportedWhenRead() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SchemeSpec.parse("naive n=three").intParam("n", 2));
    assertTrue(e.getMessage().contains("n=three"));
  }
}
