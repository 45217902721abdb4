package jewel.node.s3;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a request says about its signature, read and checked as far as it can be without the key's
 * secret: the Authorization header form or the presigned-URL form, the credential's scope against
 * the region this endpoint serves, the time against the clock, and how the payload is signed. Then
 * {@link #verify} checks the signature itself. Plain Java: the request arrives as its method, raw
 * URI (exactly as sent) and headers.
 */
public final class SignedRequest {
  static final Duration MAX_SKEW = Duration.ofMinutes(15);
  static final long MAX_EXPIRES_SECONDS = Duration.ofDays(7).toSeconds();

  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

  /** How the body is covered, from {@code x-amz-content-sha256} (presigned URLs: unsigned). */
  public enum Payload {
    /** A hex SHA-256 of the whole body: the store refuses other bytes. */
    SHA256,
    UNSIGNED,
    /** aws-chunked, every chunk signed. */
    STREAMING_SIGNED,
    /** aws-chunked, every chunk signed, then checksums in a signed trailer. */
    STREAMING_SIGNED_TRAILER,
    /** aws-chunked without signatures, then checksums in a trailer. */
    STREAMING_UNSIGNED_TRAILER;

    boolean streaming() {
      return this != SHA256 && this != UNSIGNED;
    }

    static Payload of(String contentSha256) {
      return switch (contentSha256) {
        case SigV4.UNSIGNED_PAYLOAD -> UNSIGNED;
        case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" -> STREAMING_SIGNED;
        case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" -> STREAMING_SIGNED_TRAILER;
        case "STREAMING-UNSIGNED-PAYLOAD-TRAILER" -> STREAMING_UNSIGNED_TRAILER;
        default -> {
          if (contentSha256.matches("[0-9a-f]{64}")) {
            yield SHA256;
          }
          throw S3Exception.invalidArgument(
              "x-amz-content-sha256 must be a lower-case hex SHA-256, UNSIGNED-PAYLOAD,"
                  + " STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] or"
                  + " STREAMING-UNSIGNED-PAYLOAD-TRAILER, not "
                  + contentSha256);
        }
      };
    }
  }

  private final SigV4.Credential credential;
  private final String amzDate;
  private final String signature;
  private final Payload payload;
  private final String payloadHash;
  private final String canonicalRequest;
  private final List<Map.Entry<String, String>> headers;
  private final List<String> signedHeaders;

  private SignedRequest(
      SigV4.Credential credential,
      String amzDate,
      String signature,
      Payload payload,
      String payloadHash,
      String canonicalRequest,
      List<Map.Entry<String, String>> headers,
      List<String> signedHeaders) {
    this.credential = credential;
    this.amzDate = amzDate;
    this.signature = signature;
    this.payload = payload;
    this.payloadHash = payloadHash;
    this.canonicalRequest = canonicalRequest;
    this.headers = headers;
    this.signedHeaders = signedHeaders;
  }

  /**
   * Reads a request's signature. {@code rawUri} is the request target as the client sent it (origin
   * form {@code /path?query}, or absolute form); {@code headers} are (name, value) as received.
   * Refuses anonymous requests (AccessDenied), malformed signatures, another region or service
   * (AuthorizationHeaderMalformed, AuthorizationQueryParametersError), a clock more than 15 minutes
   * off (RequestTimeTooSkewed) and expired presigned URLs (AccessDenied).
   */
  public static SignedRequest parse(
      String method,
      String rawUri,
      List<Map.Entry<String, String>> headers,
      String region,
      Instant now) {
    String target = rawUri;
    if (!target.startsWith("/")) {
      int scheme = target.indexOf("://");
      int path = scheme < 0 ? -1 : target.indexOf('/', scheme + 3);
      target = path < 0 ? "/" : target.substring(path);
    }
    int question = target.indexOf('?');
    String rawPath = question < 0 ? target : target.substring(0, question);
    Map<String, List<String>> query =
        SigV4.parseQuery(question < 0 ? "" : target.substring(question + 1));
    if (query == null) {
      throw S3Exception.invalidArgument("The query string has a malformed percent escape");
    }
    String authorization = header(headers, "authorization");
    if (authorization != null) {
      return fromHeader(method, rawPath, query, headers, authorization, region, now);
    }
    if (query.containsKey("X-Amz-Algorithm") || query.containsKey("X-Amz-Signature")) {
      return fromQuery(method, rawPath, query, headers, region, now);
    }
    throw S3Exception.accessDenied(
        "Anonymous access is not allowed: sign requests with AWS Signature Version 4");
  }

  private static SignedRequest fromHeader(
      String method,
      String rawPath,
      Map<String, List<String>> query,
      List<Map.Entry<String, String>> headers,
      String authorization,
      String region,
      Instant now) {
    if (!authorization.startsWith(SigV4.ALGORITHM + " ")) {
      throw headerMalformed("only " + SigV4.ALGORITHM + " (Signature Version 4) is supported");
    }
    String credential = null;
    String signedHeaders = null;
    String signature = null;
    for (String field : authorization.substring(SigV4.ALGORITHM.length() + 1).split(",", -1)) {
      String f = field.strip();
      if (f.startsWith("Credential=")) {
        credential = f.substring("Credential=".length());
      } else if (f.startsWith("SignedHeaders=")) {
        signedHeaders = f.substring("SignedHeaders=".length());
      } else if (f.startsWith("Signature=")) {
        signature = f.substring("Signature=".length());
      }
    }
    if (credential == null || signedHeaders == null || signature == null) {
      throw headerMalformed("it needs Credential=, SignedHeaders= and Signature=");
    }
    SigV4.Credential scope = SigV4.Credential.parse(credential);
    if (scope == null) {
      throw headerMalformed("the Credential is not KEY/yyyyMMdd/REGION/s3/aws4_request");
    }
    String amzDate = header(headers, "x-amz-date");
    Instant time;
    if (amzDate != null) {
      time = parseAmzDate(amzDate);
      if (time == null) {
        throw S3Exception.accessDenied("X-Amz-Date is not yyyyMMdd'T'HHmmss'Z': " + amzDate);
      }
    } else {
      String date = header(headers, "date");
      if (date == null) {
        throw S3Exception.accessDenied(
            "AWS authentication requires a valid Date or x-amz-date header");
      }
      try {
        time = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      } catch (DateTimeParseException e) {
        throw S3Exception.accessDenied("The Date header is not an RFC 1123 date: " + date);
      }
      amzDate = AMZ_DATE.format(time.atOffset(ZoneOffset.UTC));
    }
    checkScope(
        scope,
        amzDate,
        region,
        "The authorization header is malformed; ",
        "AuthorizationHeaderMalformed");
    if (Duration.between(time, now).abs().compareTo(MAX_SKEW) > 0) {
      throw new S3Exception(
          "RequestTimeTooSkewed",
          403,
          "The difference between the request time ("
              + time
              + ") and the server's time ("
              + now
              + ") is more than 15 minutes");
    }
    String contentSha256 = header(headers, "x-amz-content-sha256");
    if (contentSha256 == null) {
      throw new S3Exception(
          "InvalidRequest", 400, "Missing required header for this request: x-amz-content-sha256");
    }
    Payload payload = Payload.of(contentSha256);
    List<String> signed = signedHeaders(signedHeaders, "AuthorizationHeaderMalformed");
    String canonical =
        SigV4.canonicalRequest(
            method, rawPath, SigV4.canonicalQuery(query, null), headers, signed, contentSha256);
    return new SignedRequest(
        scope, amzDate, signature, payload, contentSha256, canonical, headers, signed);
  }

  private static SignedRequest fromQuery(
      String method,
      String rawPath,
      Map<String, List<String>> query,
      List<Map.Entry<String, String>> headers,
      String region,
      Instant now) {
    String algorithm = single(query, "X-Amz-Algorithm");
    if (!SigV4.ALGORITHM.equals(algorithm)) {
      throw queryError("X-Amz-Algorithm must be " + SigV4.ALGORITHM);
    }
    String credential = single(query, "X-Amz-Credential");
    String amzDate = single(query, "X-Amz-Date");
    String expires = single(query, "X-Amz-Expires");
    String signedHeaders = single(query, "X-Amz-SignedHeaders");
    String signature = single(query, "X-Amz-Signature");
    if (credential == null
        || amzDate == null
        || expires == null
        || signedHeaders == null
        || signature == null) {
      throw queryError(
          "a presigned URL needs X-Amz-Credential, X-Amz-Date, X-Amz-Expires,"
              + " X-Amz-SignedHeaders and X-Amz-Signature");
    }
    SigV4.Credential scope = SigV4.Credential.parse(credential);
    if (scope == null) {
      throw queryError("X-Amz-Credential is not KEY/yyyyMMdd/REGION/s3/aws4_request");
    }
    Instant time = parseAmzDate(amzDate);
    if (time == null) {
      throw queryError("X-Amz-Date is not yyyyMMdd'T'HHmmss'Z': " + amzDate);
    }
    if (!expires.matches("\\d{1,7}") || Long.parseLong(expires) > MAX_EXPIRES_SECONDS) {
      throw queryError("X-Amz-Expires must be a number of seconds up to 604800 (7 days)");
    }
    checkScope(
        scope,
        amzDate,
        region,
        "Error parsing the X-Amz-Credential parameter; ",
        "AuthorizationQueryParametersError");
    if (time.minus(MAX_SKEW).isAfter(now)) {
      throw S3Exception.accessDenied("Request is not valid yet");
    }
    if (now.isAfter(time.plusSeconds(Long.parseLong(expires)))) {
      throw S3Exception.accessDenied("Request has expired");
    }
    List<String> signed = signedHeaders(signedHeaders, "AuthorizationQueryParametersError");
    String canonical =
        SigV4.canonicalRequest(
            method,
            rawPath,
            SigV4.canonicalQuery(query, "X-Amz-Signature"),
            headers,
            signed,
            SigV4.UNSIGNED_PAYLOAD);
    return new SignedRequest(
        scope,
        amzDate,
        signature,
        Payload.UNSIGNED,
        SigV4.UNSIGNED_PAYLOAD,
        canonical,
        headers,
        signed);
  }

  /**
   * Checks the signature with the key's secret and returns the signing key, which aws-chunked
   * bodies go on with; SignatureDoesNotMatch otherwise.
   */
  public SigV4.SigningKey verify(String secret) {
    SigV4.SigningKey key = new SigV4.SigningKey(secret, credential, amzDate);
    if (!SigV4.sameSignature(key.signRequest(canonicalRequest), signature)) {
      throw new S3Exception(
          "SignatureDoesNotMatch",
          403,
          "The request signature we calculated does not match the signature you provided."
              + " Check your key and signing method.");
    }
    return key;
  }

  public String accessKey() {
    return credential.accessKey();
  }

  public String signature() {
    return signature;
  }

  public Payload payload() {
    return payload;
  }

  /** The hex SHA-256 the client announced for its body; null unless {@link Payload#SHA256}. */
  public String payloadSha256() {
    return payload == Payload.SHA256 ? payloadHash : null;
  }

  /** Whether the signature covers a (lower-case) header. */
  public boolean signs(String header) {
    return signedHeaders.contains(header);
  }

  /** A request header's value (the first of that name), or null. */
  public String header(String name) {
    return header(headers, name);
  }

  private static void checkScope(
      SigV4.Credential scope, String amzDate, String region, String prefix, String code) {
    if (!scope.region().equals(region)) {
      throw new S3Exception(
          code,
          400,
          prefix + "the region '" + scope.region() + "' is wrong; expecting '" + region + "'");
    }
    if (!scope.service().equals("s3")) {
      throw new S3Exception(
          code, 400, prefix + "the service '" + scope.service() + "' is wrong; expecting 's3'");
    }
    if (!amzDate.startsWith(scope.date())) {
      throw new S3Exception(
          code,
          400,
          prefix
              + "the credential's date "
              + scope.date()
              + " is not the date of the request ("
              + amzDate
              + ")");
    }
  }

  private static List<String> signedHeaders(String signedHeaders, String code) {
    List<String> names = new ArrayList<>();
    for (String name : signedHeaders.split(";", -1)) {
      if (name.isEmpty() || !name.equals(name.toLowerCase(Locale.ROOT))) {
        throw new S3Exception(
            code, 400, "SignedHeaders must be lower-case names separated by ';': " + signedHeaders);
      }
      names.add(name);
    }
    if (!names.contains("host")) {
      throw new S3Exception(code, 400, "SignedHeaders must include host");
    }
    return names;
  }

  private static Instant parseAmzDate(String amzDate) {
    try {
      return LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String single(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values == null || values.size() != 1 ? null : values.get(0);
  }

  private static String header(List<Map.Entry<String, String>> headers, String name) {
    for (Map.Entry<String, String> header : headers) {
      if (header.getKey().equalsIgnoreCase(name)) {
        return header.getValue();
      }
    }
    return null;
  }

  private static S3Exception headerMalformed(String why) {
    return new S3Exception(
        "AuthorizationHeaderMalformed", 400, "The authorization header is malformed; " + why);
  }

  private static S3Exception queryError(String why) {
    return new S3Exception("AuthorizationQueryParametersError", 400, why);
  }
}
