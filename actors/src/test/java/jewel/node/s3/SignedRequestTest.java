package jewel.node.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The signature of whole requests against the examples AWS publishes in the S3 API reference
 * ("Signature Calculations for the Authorization Header: Transferring Payload in a Single Chunk",
 * and "Authenticating Requests: Using Query Parameters"), and the refusals around them.
 */
class SignedRequestTest {
  static final String KEY = "AKIAIOSFODNN7EXAMPLE";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  static final Instant EXAMPLE_TIME = Instant.parse("2013-05-24T00:00:00Z");
  static final String SCOPE = KEY + "/20130524/us-east-1/s3/aws4_request";
  private static final String HOST = "examplebucket.s3.amazonaws.com";

  static String authorization(String signedHeaders, String signature) {
    return "AWS4-HMAC-SHA256 Credential="
        + SCOPE
        + ",SignedHeaders="
        + signedHeaders
        + ",Signature="
        + signature;
  }

  private static List<Map.Entry<String, String>> getObjectHeaders(String signature) {
    return new ArrayList<>(
        List.of(
            Map.entry("Host", HOST),
            Map.entry("Range", "bytes=0-9"),
            Map.entry("x-amz-content-sha256", SigV4.EMPTY_SHA256),
            Map.entry("x-amz-date", "20130524T000000Z"),
            Map.entry(
                "Authorization",
                authorization("host;range;x-amz-content-sha256;x-amz-date", signature))));
  }

  private static final String GET_OBJECT_SIGNATURE =
      "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";

  @Test
  void awsGetObjectExampleVerifies() {
    SignedRequest signed =
        SignedRequest.parse(
            "GET",
            "/test.txt",
            getObjectHeaders(GET_OBJECT_SIGNATURE),
            "us-east-1",
            EXAMPLE_TIME.plusSeconds(60));
    assertEquals(KEY, signed.accessKey());
    assertEquals(SignedRequest.Payload.SHA256, signed.payload());
    assertEquals(SigV4.EMPTY_SHA256, signed.payloadSha256());
    signed.verify(SECRET);
  }

  @Test
  void awsPutObjectExampleVerifies() {
    List<Map.Entry<String, String>> headers =
        List.of(
            Map.entry("Host", HOST),
            Map.entry("Date", "Fri, 24 May 2013 00:00:00 GMT"),
            Map.entry("x-amz-date", "20130524T000000Z"),
            Map.entry("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            Map.entry(
                "x-amz-content-sha256",
                "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"),
            Map.entry(
                "Authorization",
                authorization(
                    "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
                    "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")));
    SignedRequest signed =
        SignedRequest.parse("PUT", "/test%24file.text", headers, "us-east-1", EXAMPLE_TIME);
    signed.verify(SECRET);
    assertEquals(
        SigV4.sha256Hex("Welcome to Amazon S3.".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        signed.payloadSha256());
  }

  @Test
  void awsBucketExamplesWithQueriesVerify() {
    String[][] examples = {
      {"/?lifecycle", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"},
      {"/?max-keys=2&prefix=J", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"},
      // The same query in another order and with an escape in lower case signs the same.
      {
        "/?prefix=%4a&max-keys=2",
        "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
      }
    };
    for (String[] example : examples) {
      List<Map.Entry<String, String>> headers =
          List.of(
              Map.entry("Host", HOST),
              Map.entry("x-amz-date", "20130524T000000Z"),
              Map.entry("x-amz-content-sha256", SigV4.EMPTY_SHA256),
              Map.entry(
                  "Authorization",
                  authorization("host;x-amz-content-sha256;x-amz-date", example[1])));
      SignedRequest.parse("GET", example[0], headers, "us-east-1", EXAMPLE_TIME).verify(SECRET);
    }
  }

  static final String PRESIGNED =
      "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
          + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
          + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
          + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

  @Test
  void awsPresignedExampleVerifiesUntilItExpires() {
    List<Map.Entry<String, String>> host = List.of(Map.entry("Host", HOST));
    SignedRequest signed =
        SignedRequest.parse("GET", PRESIGNED, host, "us-east-1", EXAMPLE_TIME.plusSeconds(86_400));
    assertEquals(SignedRequest.Payload.UNSIGNED, signed.payload());
    assertNull(signed.payloadSha256());
    signed.verify(SECRET);
    // The absolute form of the request target signs the same.
    SignedRequest.parse("GET", "http://" + HOST + PRESIGNED, host, "us-east-1", EXAMPLE_TIME)
        .verify(SECRET);

    S3Exception expired =
        assertThrows(
            S3Exception.class,
            () ->
                SignedRequest.parse(
                    "GET", PRESIGNED, host, "us-east-1", EXAMPLE_TIME.plusSeconds(86_401)));
    assertEquals("AccessDenied", expired.code());
    assertEquals("Request has expired", expired.getMessage());

    S3Exception tooLong =
        assertThrows(
            S3Exception.class,
            () ->
                SignedRequest.parse(
                    "GET",
                    PRESIGNED.replace("X-Amz-Expires=86400", "X-Amz-Expires=604801"),
                    host,
                    "us-east-1",
                    EXAMPLE_TIME));
    assertEquals("AuthorizationQueryParametersError", tooLong.code());

    assertCode(
        "SignatureDoesNotMatch",
        () ->
            SignedRequest.parse(
                    "GET",
                    PRESIGNED.replace("test.txt", "test.txu"),
                    host,
                    "us-east-1",
                    EXAMPLE_TIME)
                .verify(SECRET));
    assertCode(
        "SignatureDoesNotMatch",
        () ->
            SignedRequest.parse("GET", PRESIGNED + "&x=1", host, "us-east-1", EXAMPLE_TIME)
                .verify(SECRET));
    assertCode(
        "AuthorizationQueryParametersError",
        () -> SignedRequest.parse("GET", PRESIGNED, host, "eu-west-1", EXAMPLE_TIME));
  }

  @Test
  void aChangedHeaderPathOrQueryIsRefused() {
    List<Map.Entry<String, String>> range = getObjectHeaders(GET_OBJECT_SIGNATURE);
    range.set(1, Map.entry("Range", "bytes=0-99"));
    assertCode(
        "SignatureDoesNotMatch",
        () ->
            SignedRequest.parse("GET", "/test.txt", range, "us-east-1", EXAMPLE_TIME)
                .verify(SECRET));
    List<Map.Entry<String, String>> host = getObjectHeaders(GET_OBJECT_SIGNATURE);
    host.set(0, Map.entry("Host", "otherbucket.s3.amazonaws.com"));
    assertCode(
        "SignatureDoesNotMatch",
        () ->
            SignedRequest.parse("GET", "/test.txt", host, "us-east-1", EXAMPLE_TIME)
                .verify(SECRET));
    assertCode(
        "SignatureDoesNotMatch",
        () ->
            SignedRequest.parse(
                    "GET",
                    "/test.txt2",
                    getObjectHeaders(GET_OBJECT_SIGNATURE),
                    "us-east-1",
                    EXAMPLE_TIME)
                .verify(SECRET));
    // S3 signs the path as sent: a dot segment is not removed.
    assertCode(
        "SignatureDoesNotMatch",
        () ->
            SignedRequest.parse(
                    "GET",
                    "/./test.txt",
                    getObjectHeaders(GET_OBJECT_SIGNATURE),
                    "us-east-1",
                    EXAMPLE_TIME)
                .verify(SECRET));
    assertCode(
        "SignatureDoesNotMatch",
        () ->
            SignedRequest.parse(
                    "GET",
                    "/test.txt?acl",
                    getObjectHeaders(GET_OBJECT_SIGNATURE),
                    "us-east-1",
                    EXAMPLE_TIME)
                .verify(SECRET));
    // An unsigned header may be added: only signed ones count.
    List<Map.Entry<String, String>> extra = getObjectHeaders(GET_OBJECT_SIGNATURE);
    extra.add(Map.entry("User-Agent", "anything"));
    SignedRequest.parse("GET", "/test.txt", extra, "us-east-1", EXAMPLE_TIME).verify(SECRET);
    assertCode(
        "SignatureDoesNotMatch",
        () ->
            SignedRequest.parse(
                    "GET",
                    "/test.txt",
                    getObjectHeaders(GET_OBJECT_SIGNATURE),
                    "us-east-1",
                    EXAMPLE_TIME)
                .verify(SECRET.replace('K', 'k')));
  }

  @Test
  void timeRegionServiceAndAnonymityAreChecked() {
    S3Exception skewed =
        assertThrows(
            S3Exception.class,
            () ->
                SignedRequest.parse(
                    "GET",
                    "/test.txt",
                    getObjectHeaders(GET_OBJECT_SIGNATURE),
                    "us-east-1",
                    EXAMPLE_TIME.plusSeconds(15 * 60 + 1)));
    assertEquals("RequestTimeTooSkewed", skewed.code());
    assertEquals(403, skewed.status());
    SignedRequest.parse(
            "GET",
            "/test.txt",
            getObjectHeaders(GET_OBJECT_SIGNATURE),
            "us-east-1",
            EXAMPLE_TIME.minusSeconds(15 * 60))
        .verify(SECRET);

    S3Exception region =
        assertThrows(
            S3Exception.class,
            () ->
                SignedRequest.parse(
                    "GET",
                    "/test.txt",
                    getObjectHeaders(GET_OBJECT_SIGNATURE),
                    "eu-central-1",
                    EXAMPLE_TIME));
    assertEquals("AuthorizationHeaderMalformed", region.code());
    assertTrue(region.getMessage().contains("expecting 'eu-central-1'"), region.getMessage());

    List<Map.Entry<String, String>> service = getObjectHeaders(GET_OBJECT_SIGNATURE);
    service.set(
        4,
        Map.entry(
            "Authorization",
            authorization("host;range;x-amz-content-sha256;x-amz-date", GET_OBJECT_SIGNATURE)
                .replace("/s3/", "/ec2/")));
    assertCode(
        "AuthorizationHeaderMalformed",
        () -> SignedRequest.parse("GET", "/test.txt", service, "us-east-1", EXAMPLE_TIME));

    S3Exception anonymous =
        assertThrows(
            S3Exception.class,
            () ->
                SignedRequest.parse(
                    "GET",
                    "/test.txt",
                    List.of(Map.entry("Host", HOST)),
                    "us-east-1",
                    EXAMPLE_TIME));
    assertEquals("AccessDenied", anonymous.code());

    List<Map.Entry<String, String>> v2 = getObjectHeaders(GET_OBJECT_SIGNATURE);
    v2.set(4, Map.entry("Authorization", "AWS " + KEY + ":frJIUN8DYpKDtOLCwo//yllqDzg="));
    assertCode(
        "AuthorizationHeaderMalformed",
        () -> SignedRequest.parse("GET", "/test.txt", v2, "us-east-1", EXAMPLE_TIME));

    List<Map.Entry<String, String>> badPayload = getObjectHeaders(GET_OBJECT_SIGNATURE);
    badPayload.set(
        2, Map.entry("x-amz-content-sha256", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"));
    assertCode(
        "InvalidArgument",
        () -> SignedRequest.parse("GET", "/test.txt", badPayload, "us-east-1", EXAMPLE_TIME));
  }

  @Test
  void encodingFollowsSigV4() {
    assertEquals("a%20b%26%2B-%C3%A9%22~", SigV4.encode("a b&+-é\"~", true));
    assertEquals("dir/a%20b", SigV4.encode("dir/a b", false));
    assertEquals("dir%2Fa", SigV4.encode("dir/a", true));
    assertEquals("a+b é", SigV4.decode("a+b%20%C3%A9"));
    assertNull(SigV4.decode("a%2"));
    assertNull(SigV4.decode("a%zz"));
    assertEquals("a=&b=%2B&b=1%202", SigV4.canonicalQuery(SigV4.parseQuery("b=1%202&a&b=+"), null));
    SigV4.Credential slashed =
        SigV4.Credential.parse("key/with/slash/20130524/us-east-1/s3/aws4_request");
    assertEquals("key/with/slash", slashed.accessKey());
    assertNull(SigV4.Credential.parse("/20130524/us-east-1/s3/aws4_request"));
    assertNull(SigV4.Credential.parse("KEY/2013/us-east-1/s3/aws4_request"));
  }

  static void assertCode(String code, org.junit.jupiter.api.function.Executable executable) {
    S3Exception refused = assertThrows(S3Exception.class, executable);
    assertEquals(code, refused.code(), refused.getMessage());
  }
}
