package jewel.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import jewel.api.ByteRange;
import jewel.api.Digests;
import jewel.api.FileHealth;
import jewel.api.FileName;
import jewel.api.Progress;
import jewel.api.SchemeSpec;
import jewel.api.UploadParts;
import jewel.node.gateway.Gateway;
import jewel.node.s3.GatewayObjectStore;
import jewel.node.s3.ObjectStore;
import jewel.node.s3.ObjectStore.Body;
import jewel.node.s3.ObjectStore.ObjectInfo;
import jewel.node.s3.ObjectStore.ObjectMeta;
import jewel.node.s3.ObjectStore.PartChoice;
import jewel.node.s3.S3Exception;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GatewayObjectStore} on real nodes in this JVM (one cluster for the class): buckets and
 * their rules, objects with metadata and MD5 ETags, ranges, listings by prefix in pages, a body of
 * another SHA-256 refused with nothing stored, and multipart uploads completed (a range across two
 * parts) and aborted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayObjectStoreTest {
  private static final SchemeSpec NAIVE = SchemeSpec.parse("naive n=2");
  private static final ObjectMeta PLAIN = new ObjectMeta(null, Map.of(), null);

  private Path home;
  private InJvmCluster cluster;
  private Gateway gateway;
  private ObjectStore store;

  @BeforeAll
  void start(@TempDir Path home) throws Exception {
    this.home = home;
    cluster = InJvmCluster.start(home, 2);
    gateway = cluster.client().gateway();
    store = new GatewayObjectStore(gateway);
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** The S3 error code {@code stage} fails with. */
  private static String refusal(CompletionStage<?> stage) {
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> stage.toCompletableFuture().get(60, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof S3Exception, () -> "not an S3 refusal: " + e.getCause());
    return ((S3Exception) e.getCause()).code();
  }

  private static Body body(byte[] bytes) {
    return new Body(bytes.length, null, Source.single(ByteString.fromArray(bytes)));
  }

  private byte[] bytesOf(ObjectStore.ObjectRead read) throws Exception {
    return await(
            read.bytes()
                .runWith(
                    Sink.fold(ByteString.emptyByteString(), ByteString::concat),
                    cluster.client().system()))
        .toArray();
  }

  private static String md5(byte[]... chunks) throws Exception {
    MessageDigest md5 = Digests.md5();
    for (byte[] c : chunks) {
      md5.update(c);
    }
    return HexFormat.of().formatHex(md5.digest());
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(Digests.sha256().digest(bytes));
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  @Test
  void objectsLiveInBucketsWithTheirMetadataAndAreListedByPrefix() throws Exception {
    assertEquals("InvalidBucketName", refusal(store.createBucket("No_Such", null)));
    assertEquals(
        "InvalidArgument", refusal(store.createBucket("photos", SchemeSpec.parse("naive n=0"))));
    await(store.createBucket("photos", NAIVE));
    assertEquals("BucketAlreadyOwnedByYou", refusal(store.createBucket("photos", null)));
    assertEquals("NoSuchBucket", refusal(store.put("nowhere", "x", PLAIN, body(new byte[1]))));

    byte[] bytes = random(300_000, 1);
    ObjectMeta meta = new ObjectMeta("image/jpeg", Map.of("camera", "x100"), null);
    ObjectInfo put = await(store.put("photos", "2024/a.jpg", meta, body(bytes)));
    assertEquals("\"" + md5(bytes) + "\"", put.etag());
    ObjectInfo head = await(store.head("photos", "2024/a.jpg"));
    assertEquals(put.etag(), head.etag());
    assertEquals("image/jpeg", head.meta().contentType());
    assertEquals(Map.of("camera", "x100"), head.meta().userMetadata());
    assertEquals(NAIVE, head.meta().scheme()); // the bucket's scheme
    assertArrayEquals(bytes, bytesOf(await(store.get("photos", "2024/a.jpg", null))));
    assertArrayEquals(
        Arrays.copyOfRange(bytes, 1000, 2001),
        bytesOf(await(store.get("photos", "2024/a.jpg", new ByteRange(1000, 2000)))));
    assertEquals(
        "InvalidRange",
        refusal(store.get("photos", "2024/a.jpg", new ByteRange(bytes.length, bytes.length + 5))));
    assertEquals("NoSuchKey", refusal(store.get("photos", "2024/none", null)));

    // A body of another SHA-256 than announced: refused, nothing stored.
    byte[] other = random(1000, 2);
    assertEquals(
        "BadDigest",
        refusal(
            store.put(
                "photos",
                "bad",
                PLAIN,
                new Body(
                    other.length, sha256(bytes), Source.single(ByteString.fromArray(other))))));
    assertEquals("NoSuchKey", refusal(store.head("photos", "bad")));
    ObjectInfo good =
        await(
            store.put(
                "photos",
                "good",
                PLAIN,
                new Body(other.length, sha256(other), Source.single(ByteString.fromArray(other)))));
    assertEquals(other.length, good.size());

    // A file stored by the CLI whose first segment names a bucket is an object of that bucket.
    Path local =
        Files.write(home.resolve("cli.txt"), "from the cli".getBytes(StandardCharsets.UTF_8));
    gateway.store(local, new FileName("photos/2024/cli.txt"), null, false, null, Progress.NONE);
    for (String key : List.of("2024/b.jpg", "2024/c.jpg", "2025/d.jpg")) {
      await(store.put("photos", key, PLAIN, body(key.getBytes(StandardCharsets.UTF_8))));
    }
    ObjectStore.ObjectPage first = await(store.list("photos", "2024/", null, 3));
    assertEquals(
        List.of("2024/a.jpg", "2024/b.jpg", "2024/c.jpg"),
        first.objects().stream().map(ObjectInfo::key).toList());
    assertTrue(first.truncated());
    ObjectStore.ObjectPage second = await(store.list("photos", "2024/", "2024/c.jpg", 3));
    assertEquals(List.of("2024/cli.txt"), second.objects().stream().map(ObjectInfo::key).toList());
    assertFalse(second.truncated());
    assertEquals(6, await(store.list("photos", null, null, 100)).objects().size());

    ObjectInfo copied = await(store.copy("photos", "2024/a.jpg", "photos", "copy.jpg", null));
    assertEquals(put.etag(), copied.etag());
    assertEquals("image/jpeg", copied.meta().contentType());
    assertArrayEquals(bytes, bytesOf(await(store.get("photos", "copy.jpg", null))));

    assertEquals("BucketNotEmpty", refusal(store.deleteBucket("photos")));
    for (ObjectInfo o : await(store.list("photos", null, null, 100)).objects()) {
      await(store.delete("photos", o.key()));
    }
    await(store.delete("photos", "2024/a.jpg")); // gone already: still a success
    assertEquals("NoSuchKey", refusal(store.head("photos", "2024/a.jpg")));
    await(store.deleteBucket("photos"));
    assertEquals("NoSuchBucket", refusal(store.bucket("photos")));
  }

  @Test
  void aMultipartObjectIsReadAcrossItsPartsAndTakesThemWhenDeleted() throws Exception {
    await(store.createBucket("big", NAIVE));
    ObjectMeta meta = new ObjectMeta("application/x-tar", Map.of("k", "v"), null);
    ObjectStore.Upload upload = await(store.createUpload("big", "backup.tar", meta));
    assertEquals("NoSuchUpload", refusal(store.parts("big", "other", upload.uploadId())));
    int mib5 = 5 << 20;
    byte[][] parts = {
      random(mib5, 11), random(mib5, 12), random(mib5, 13), random(1234, 14), random(100, 15)
    };
    String[] etags = new String[parts.length];
    for (int i = 0; i < parts.length; i++) {
      etags[i] =
          await(store.putPart("big", "backup.tar", upload.uploadId(), i + 1, body(parts[i])))
              .etag();
      assertEquals("\"" + md5(parts[i]) + "\"", etags[i]);
    }
    assertEquals(5, await(store.parts("big", "backup.tar", upload.uploadId())).size());
    assertEquals(
        List.of("backup.tar"),
        await(store.uploads("big", "back")).stream().map(ObjectStore.Upload::key).toList());
    assertEquals("BucketNotEmpty", refusal(store.deleteBucket("big")));

    List<PartChoice> outOfOrder = List.of(new PartChoice(2, etags[1]), new PartChoice(1, etags[0]));
    assertEquals(
        "InvalidPartOrder",
        refusal(store.completeUpload("big", "backup.tar", upload.uploadId(), outOfOrder)));
    List<PartChoice> tooSmall = List.of(new PartChoice(4, etags[3]), new PartChoice(5, etags[4]));
    assertEquals(
        "EntityTooSmall",
        refusal(store.completeUpload("big", "backup.tar", upload.uploadId(), tooSmall)));
    assertEquals(
        "InvalidPart",
        refusal(
            store.completeUpload(
                "big", "backup.tar", upload.uploadId(), List.of(new PartChoice(1, etags[1])))));

    // Parts 1 to 4; part 5 is not chosen, and goes.
    List<PartChoice> chosen = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      chosen.add(new PartChoice(i + 1, etags[i]));
    }
    ObjectInfo done = await(store.completeUpload("big", "backup.tar", upload.uploadId(), chosen));
    MessageDigest etagOfEtags = Digests.md5();
    for (int i = 0; i < 4; i++) {
      etagOfEtags.update(HexFormat.of().parseHex(md5(parts[i])));
    }
    assertEquals("\"" + HexFormat.of().formatHex(etagOfEtags.digest()) + "-4\"", done.etag());
    assertEquals(3L * mib5 + 1234, done.size());
    assertEquals("application/x-tar", await(store.head("big", "backup.tar")).meta().contentType());
    assertTrue(await(store.uploads("big", null)).isEmpty());
    assertEquals(4, gateway.filesPage(UploadParts.prefix(upload.uploadId()), null).files().size());
    assertEquals(4, gateway.ls(UploadParts.prefix(upload.uploadId())).size(), "asked for: listed");
    assertTrue(
        gateway.ls("").stream().noneMatch(e -> UploadParts.hidden(e.name())),
        "ls leaves the parts out");

    byte[] whole = new byte[3 * mib5 + 1234];
    for (int i = 0; i < 4; i++) {
      System.arraycopy(parts[i], 0, whole, i * mib5, parts[i].length);
    }
    assertArrayEquals(whole, bytesOf(await(store.get("big", "backup.tar", null))));
    ByteRange across = new ByteRange(mib5 - 100, mib5 + 99);
    assertArrayEquals(
        Arrays.copyOfRange(whole, mib5 - 100, mib5 + 100),
        bytesOf(await(store.get("big", "backup.tar", across))));
    ByteRange tail = new ByteRange(3L * mib5 + 1000, 4L * mib5);
    assertArrayEquals(
        Arrays.copyOfRange(whole, 3 * mib5 + 1000, whole.length),
        bytesOf(await(store.get("big", "backup.tar", tail))));

    FileHealth health = gateway.check(new FileName("big/backup.tar")).get(0);
    assertEquals(FileHealth.State.HEALTHY, health.state());
    assertEquals(4, health.blocks().size());

    // Deleting the object takes its parts.
    await(store.delete("big", "backup.tar"));
    assertTrue(gateway.filesPage(UploadParts.prefix(upload.uploadId()), null).files().isEmpty());

    // An aborted upload's parts go.
    ObjectStore.Upload aborted = await(store.createUpload("big", "tmp", PLAIN));
    await(store.putPart("big", "tmp", aborted.uploadId(), 1, body(parts[3])));
    await(store.abortUpload("big", "tmp", aborted.uploadId()));
    assertTrue(gateway.filesPage(UploadParts.prefix(aborted.uploadId()), null).files().isEmpty());
    assertEquals("NoSuchUpload", refusal(store.abortUpload("big", "tmp", aborted.uploadId())));
    await(store.deleteBucket("big"));
  }
}
