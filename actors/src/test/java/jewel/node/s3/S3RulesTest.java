package jewel.node.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import jewel.api.Digests;
import org.junit.jupiter.api.Test;

/** S3's rules for names, ETags and completing an upload, each refusal with S3's code. */
class S3RulesTest {
  private static final long MIB = 1024 * 1024;

  private static String code(Runnable r) {
    return assertThrows(S3Exception.class, r::run).code();
  }

  @Test
  void bucketNamesFollowS3() {
    for (String ok : List.of("abc", "my-bucket.2026", "a".repeat(63), "0bucket9")) {
      S3Rules.checkBucketName(ok);
    }
    for (String bad :
        List.of(
            "ab",
            "a".repeat(64),
            "Upper",
            "under_score",
            "-start",
            "end-",
            "two..dots",
            "dot.-dash",
            "192.168.1.1",
            "xn--punycode",
            "name-s3alias")) {
      assertEquals("InvalidBucketName", code(() -> S3Rules.checkBucketName(bad)), bad);
    }
  }

  @Test
  void keysAreAtMost1024BytesOfUtf8() {
    S3Rules.checkKey("é".repeat(512));
    assertEquals("KeyTooLongError", code(() -> S3Rules.checkKey("é".repeat(513))));
    assertEquals("InvalidArgument", code(() -> S3Rules.checkKey("")));
  }

  @Test
  void keysAreOrderedAsTheirUtf8Bytes() {
    String bmpLast = "\uFFFF";
    String emoji = "\uD83D\uDE00"; // U+1F600, four bytes in UTF-8, two surrogates in Java
    assertTrue(bmpLast.compareTo(emoji) > 0, "String's own order is UTF-16's");
    assertTrue(S3Rules.KEY_ORDER.compare(bmpLast, emoji) < 0);
    assertTrue(S3Rules.KEY_ORDER.compare("a/", "a/b") < 0);
    assertEquals(0, S3Rules.KEY_ORDER.compare("é", "é"));
  }

  @Test
  void aMultipartEtagIsTheMd5OfThePartsBinaryMd5s() {
    byte[] one = Digests.md5().digest("one".getBytes(StandardCharsets.UTF_8));
    byte[] two = Digests.md5().digest("two".getBytes(StandardCharsets.UTF_8));
    var md5 = Digests.md5();
    md5.update(one);
    md5.update(two);
    String expected = "\"" + HexFormat.of().formatHex(md5.digest()) + "-2\"";
    assertEquals(
        expected,
        S3Rules.multipartEtag(
            List.of(
                new ObjectStore.Part(1, 3, S3Rules.etag(one), 0),
                new ObjectStore.Part(2, 3, S3Rules.etag(two), 0))));
  }

  @Test
  void anUploadIsCompletedFromPartsItHasInOrderAndLargeEnough() {
    var big = new ObjectStore.Part(1, 5 * MIB, "\"aa\"", 0);
    var small = new ObjectStore.Part(2, 10, "\"bb\"", 0);
    var last = new ObjectStore.Part(3, 10, "\"cc\"", 0);
    Map<Integer, ObjectStore.Part> uploaded = Map.of(1, big, 2, small, 3, last);
    assertEquals(
        List.of(big, last),
        S3Rules.completion(
            List.of(new ObjectStore.PartChoice(1, "aa"), new ObjectStore.PartChoice(3, "\"cc\"")),
            uploaded),
        "quotes optional; a part left out is not used");
    assertEquals("InvalidRequest", code(() -> S3Rules.completion(List.of(), uploaded)));
    assertEquals(
        "InvalidPartOrder",
        code(
            () ->
                S3Rules.completion(
                    List.of(
                        new ObjectStore.PartChoice(3, "cc"), new ObjectStore.PartChoice(1, "aa")),
                    uploaded)));
    assertEquals(
        "InvalidPart",
        code(() -> S3Rules.completion(List.of(new ObjectStore.PartChoice(1, "bb")), uploaded)));
    assertEquals(
        "InvalidPart",
        code(() -> S3Rules.completion(List.of(new ObjectStore.PartChoice(4, "dd")), uploaded)));
    assertEquals(
        "EntityTooSmall",
        code(
            () ->
                S3Rules.completion(
                    List.of(
                        new ObjectStore.PartChoice(2, "bb"), new ObjectStore.PartChoice(3, "cc")),
                    uploaded)));
  }
}
