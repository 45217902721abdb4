package jewel.node.s3;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawRequestURI;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Checks AWS Signature Version 4 on the S3 listener's requests ({@link SignedRequest} reads and
 * checks the signature, {@link AwsChunkedDecoder} the chunks of a streaming body) and hands the
 * routes the body in the clear.
 *
 * <p>S3 signs the path and query exactly as the client sent them, and Pekko HTTP normalizes the
 * request's URI. <b>The listener must set {@code pekko.http.server.raw-request-uri-header = on}</b>
 * (in the settings it binds with) so that each request carries a {@code Raw-Request-URI} header;
 * without it every request fails with InternalError. It should also set {@code
 * pekko.http.server.parsing.ignore-illegal-header-for = ["authorization", "user-agent"]}: Pekko
 * cannot model SigV4's Authorization or botocore's User-Agent and logs a warning for each request
 * (their raw values, which this class reads, are intact). The {@code Host} header is taken as
 * received; {@code Content-Type} and {@code Content-Length}, which Pekko moves into the entity, are
 * rendered back from it when they are signed; since Pekko respells a Content-Type ({@code utf-8} as
 * {@code UTF-8}, {@code ;} as {@code "; "}), each usual spelling is tried.
 *
 * <p>The body: for a hex {@code x-amz-content-sha256} it is passed on with that hash in {@link
 * ObjectStore.Body#sha256()} for the store to check; aws-chunked bodies are decoded and checked as
 * they stream. {@code x-amz-checksum-*} headers of a PUT (PutObject, UploadPart) are checked over
 * the bytes as they pass; such a stream fails with BadDigest instead of completing.
 *
 * <p>Refusals come as an {@link S3Exception}, possibly wrapped in a {@code CompletionException}. A
 * key is reported read-only; refusing its writes is the routes' part.
 */
public final class SigV4Authenticator implements S3Authenticator {
  private final S3Credentials credentials;
  private final String region;
  private final Clock clock;

  /**
   * @param region the region clients must sign for, e.g. {@code us-east-1}
   */
  public SigV4Authenticator(S3Credentials credentials, String region, Clock clock) {
    this.credentials = credentials;
    this.region = region;
    this.clock = clock;
  }

  @Override
  public CompletionStage<Authenticated> authenticate(HttpRequest request) {
    List<SignedRequest> readings = new ArrayList<>();
    try {
      for (String contentType : contentTypeSpellings(request.entity())) {
        SignedRequest signed =
            SignedRequest.parse(
                request.method().value(),
                rawUri(request),
                headers(request, contentType),
                region,
                clock.instant());
        readings.add(signed);
        if (!signed.signs("content-type")) {
          break;
        }
      }
    } catch (S3Exception e) {
      return CompletableFuture.failedFuture(e);
    }
    SignedRequest first = readings.get(0);
    return credentials
        .find(first.accessKey())
        .thenApply(
            found -> {
              S3Credentials.Credential credential =
                  found.orElseThrow(
                      () ->
                          new S3Exception(
                              "InvalidAccessKeyId",
                              403,
                              "The AWS access key Id you provided does not exist in our records: "
                                  + first.accessKey()));
              S3Exception refusal = null;
              for (SignedRequest signed : readings) {
                SigV4.SigningKey key;
                try {
                  key = signed.verify(credential.secretKey());
                } catch (S3Exception e) {
                  refusal = refusal == null ? e : refusal;
                  continue;
                }
                return new Authenticated(
                    credential.accessKey(), credential.readOnly(), body(request, signed, key));
              }
              throw refusal;
            });
  }

  /**
   * How the client may have spelled its Content-Type, which Pekko keeps only parsed: as Pekko
   * renders it first, then with the charset in lower case and without the space after {@code ;}
   * ({@code text/plain;charset=utf-8}). Null alone when the request has none.
   */
  private static List<String> contentTypeSpellings(HttpEntity entity) {
    if (entity.getContentType().equals(ContentTypes.NO_CONTENT_TYPE)) {
      return Collections.singletonList(null);
    }
    String rendered = entity.getContentType().toString();
    Set<String> spellings = new LinkedHashSet<>();
    for (String charset : List.of(rendered, lowerCaseCharset(rendered))) {
      spellings.add(charset);
      spellings.add(charset.replace("; ", ";"));
    }
    return List.copyOf(spellings);
  }

  private static String lowerCaseCharset(String contentType) {
    int at = contentType.indexOf("charset=");
    return at < 0
        ? contentType
        : contentType.substring(0, at) + contentType.substring(at).toLowerCase(Locale.ROOT);
  }

  private static String rawUri(HttpRequest request) {
    return request
        .getHeader(RawRequestURI.class)
        .map(RawRequestURI::uri)
        .orElseThrow(
            () ->
                new S3Exception(
                    "InternalError",
                    500,
                    "The S3 listener runs without pekko.http.server.raw-request-uri-header = on,"
                        + " so no signature can be checked"));
  }

  /**
   * The headers as received, with the two Pekko keeps in the entity rendered back ({@code
   * content-type} as given, null: none).
   */
  private static List<Map.Entry<String, String>> headers(HttpRequest request, String contentType) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (HttpHeader header : request.getHeaders()) {
      headers.add(Map.entry(header.lowercaseName(), header.value()));
    }
    if (contentType != null) {
      headers.add(Map.entry("content-type", contentType));
    }
    request
        .entity()
        .getContentLengthOption()
        .ifPresent(length -> headers.add(Map.entry("content-length", Long.toString(length))));
    return headers;
  }

  private static ObjectStore.Body body(
      HttpRequest request, SignedRequest signed, SigV4.SigningKey key) {
    HttpEntity entity = request.entity();
    boolean put = request.method().equals(HttpMethods.PUT);
    if (entity.isKnownEmpty() && !put && !request.method().equals(HttpMethods.POST)) {
      return null;
    }
    long size;
    Source<ByteString, ?> bytes = entity.getDataBytes();
    if (signed.payload().streaming()) {
      size = decodedLength(signed);
      bytes =
          bytes.via(
              new AwsChunkedDecoder(
                  signed.payload() == SignedRequest.Payload.STREAMING_UNSIGNED_TRAILER ? null : key,
                  signed.signature(),
                  trailers(signed),
                  size));
    } else {
      OptionalLong length = entity.getContentLengthOption();
      if (length.isEmpty()) {
        throw new S3Exception(
            "MissingContentLength", 411, "You must provide the Content-Length HTTP header");
      }
      size = length.getAsLong();
    }
    Map<ChecksumAlgorithm, String> checksums = put ? checksumHeaders(request) : Map.of();
    if (!checksums.isEmpty()) {
      bytes = bytes.via(new ChecksumVerifier(checksums));
    }
    return new ObjectStore.Body(size, signed.payloadSha256(), bytes);
  }

  private static long decodedLength(SignedRequest signed) {
    String decoded = signed.header("x-amz-decoded-content-length");
    if (decoded == null) {
      throw new S3Exception(
          "MissingContentLength",
          411,
          "An aws-chunked body needs the x-amz-decoded-content-length header");
    }
    if (!decoded.strip().matches("\\d{1,18}")) {
      throw S3Exception.invalidArgument(
          "x-amz-decoded-content-length is not a number of bytes: " + decoded);
    }
    return Long.parseLong(decoded.strip());
  }

  /**
   * The checksums {@code x-amz-trailer} announces, which the trailer modes need and others refuse.
   */
  private static List<ChecksumAlgorithm> trailers(SignedRequest signed) {
    String announced = signed.header("x-amz-trailer");
    boolean trailerMode = signed.payload() != SignedRequest.Payload.STREAMING_SIGNED;
    if (announced == null || announced.isBlank()) {
      if (trailerMode) {
        throw new S3Exception(
            "InvalidRequest", 400, "A *-PAYLOAD-TRAILER body needs the x-amz-trailer header");
      }
      return List.of();
    }
    if (!trailerMode) {
      throw new S3Exception(
          "InvalidRequest",
          400,
          "x-amz-trailer needs x-amz-content-sha256 STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or"
              + " STREAMING-UNSIGNED-PAYLOAD-TRAILER");
    }
    List<ChecksumAlgorithm> algorithms = new ArrayList<>();
    for (String name : announced.split(",", -1)) {
      algorithms.add(ChecksumAlgorithm.ofHeader(name.strip().toLowerCase(Locale.ROOT)));
    }
    return algorithms;
  }

  private static Map<ChecksumAlgorithm, String> checksumHeaders(HttpRequest request) {
    Map<ChecksumAlgorithm, String> checksums = new TreeMap<>();
    for (HttpHeader header : request.getHeaders()) {
      if (ChecksumAlgorithm.isChecksumHeader(header.lowercaseName())) {
        checksums.put(ChecksumAlgorithm.ofHeader(header.lowercaseName()), header.value().strip());
      }
    }
    return checksums;
  }
}
