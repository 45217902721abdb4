package jewel.node.s3;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 as S3 computes it, in plain Java: the canonical request, the string to
 * sign, the signing key and the chained signatures of aws-chunked bodies. Nothing here knows HTTP
 * servers: {@link SigV4Authenticator} hands in the request's parts exactly as they arrived.
 */
public final class SigV4 {
  private static final HexFormat HEX = HexFormat.of();

  public static final String ALGORITHM = "AWS4-HMAC-SHA256";
  public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
  public static final String EMPTY_SHA256 = sha256Hex(new byte[0]);

  private SigV4() {}

  /**
   * The scope a key signs for, {@code date/region/service/aws4_request}, with the key's id: what
   * the {@code Credential=} field holds.
   */
  public record Credential(String accessKey, String date, String region, String service) {

    /**
     * Parses {@code AKID/20130524/us-east-1/s3/aws4_request}; the access key is everything before
     * the last four fields. Null when the form is wrong.
     */
    public static Credential parse(String credential) {
      String[] fields = credential.split("/", -1);
      int n = fields.length;
      if (n < 5 || !fields[n - 1].equals("aws4_request") || !fields[n - 4].matches("\\d{8}")) {
        return null;
      }
      String accessKey = String.join("/", List.of(fields).subList(0, n - 4));
      return accessKey.isEmpty()
          ? null
          : new Credential(accessKey, fields[n - 4], fields[n - 3], fields[n - 2]);
    }

    public String scope() {
      return date + "/" + region + "/" + service + "/aws4_request";
    }
  }

  /**
   * The key derived from a secret for one scope, with the request's time: what signs the request
   * and then each chunk and the trailer of its body.
   */
  public static final class SigningKey {
    private final byte[] key;
    private final String amzDate;
    private final String scope;

    public SigningKey(String secret, Credential credential, String amzDate) {
      byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), credential.date());
      k = hmac(k, credential.region());
      k = hmac(k, credential.service());
      this.key = hmac(k, "aws4_request");
      this.amzDate = amzDate;
      this.scope = credential.scope();
    }

    /** The signature of a canonical request. */
    public String signRequest(String canonicalRequest) {
      return sign(
          ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + sha256Hex(utf8(canonicalRequest)));
    }

    /** The signature of one aws-chunked chunk, whose data hashes to {@code chunkSha256Hex}. */
    public String signChunk(String previousSignature, String chunkSha256Hex) {
      return sign(
          ALGORITHM
              + "-PAYLOAD\n"
              + amzDate
              + "\n"
              + scope
              + "\n"
              + previousSignature
              + "\n"
              + EMPTY_SHA256
              + "\n"
              + chunkSha256Hex);
    }

    /** The signature of an aws-chunked body's trailer, its headers in {@code name:value\n} form. */
    public String signTrailer(String previousSignature, String canonicalTrailer) {
      return sign(
          ALGORITHM
              + "-TRAILER\n"
              + amzDate
              + "\n"
              + scope
              + "\n"
              + previousSignature
              + "\n"
              + sha256Hex(utf8(canonicalTrailer)));
    }

    private String sign(String stringToSign) {
      return HEX.formatHex(hmac(key, stringToSign));
    }
  }

  /**
   * The canonical request. {@code rawPath} is the path exactly as the client sent it: S3 signs it
   * neither normalized nor encoded again. {@code headers} are the request's headers as received
   * (name, value; a name may repeat); only the {@code signedHeaders} enter, their values trimmed
   * with inner runs of spaces made one, repeated ones joined by commas.
   */
  public static String canonicalRequest(
      String method,
      String rawPath,
      String canonicalQuery,
      List<Map.Entry<String, String>> headers,
      List<String> signedHeaders,
      String payloadHash) {
    Map<String, List<String>> values = new TreeMap<>();
    for (Map.Entry<String, String> header : headers) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (signedHeaders.contains(name)) {
        values
            .computeIfAbsent(name, unused -> new ArrayList<>())
            .add(header.getValue().strip().replaceAll(" +", " "));
      }
    }
    StringBuilder canonical = new StringBuilder();
    canonical.append(method).append('\n');
    canonical.append(rawPath.isEmpty() ? "/" : rawPath).append('\n');
    canonical.append(canonicalQuery).append('\n');
    for (String name : signedHeaders) {
      canonical.append(name).append(':');
      canonical.append(String.join(",", values.getOrDefault(name, List.of()))).append('\n');
    }
    canonical.append('\n');
    canonical.append(String.join(";", signedHeaders)).append('\n');
    canonical.append(payloadHash);
    return canonical.toString();
  }

  /**
   * The canonical query: each parameter of the raw query decoded and encoded again as SigV4 wants
   * (so {@code a+b}, {@code a%2Bb} and {@code a%2bb} all sign as {@code a%2Bb}), sorted by name
   * then value, without {@code omit} (the presigned form's X-Amz-Signature).
   */
  public static String canonicalQuery(Map<String, List<String>> parameters, String omit) {
    List<String[]> pairs = new ArrayList<>();
    parameters.forEach(
        (name, list) -> {
          if (!name.equals(omit)) {
            list.forEach(
                value -> pairs.add(new String[] {encode(name, true), encode(value, true)}));
          }
        });
    pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    return pairs.stream().map(p -> p[0] + "=" + p[1]).collect(Collectors.joining("&"));
  }

  /**
   * A raw query's parameters, decoded (percent escapes as UTF-8; a plus stays a plus, as RFC 3986
   * has it); a parameter without {@code =} has the empty value. Null if an escape is malformed.
   */
  public static Map<String, List<String>> parseQuery(String rawQuery) {
    Map<String, List<String>> parameters = new TreeMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (name == null || value == null) {
        return null;
      }
      parameters.computeIfAbsent(name, unused -> new ArrayList<>()).add(value);
    }
    return parameters;
  }

  /**
   * URI encoding as SigV4 does it: every byte of the UTF-8 form but {@code A-Za-z0-9-._~} as {@code
   * %XY} with upper-case hex; {@code /} kept unless {@code slash} says otherwise.
   */
  public static String encode(String text, boolean slash) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : utf8(text)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~'
          || (c == '/' && !slash)) {
        encoded.append(c);
      } else {
        encoded.append('%').append(HEX.withUpperCase().toHexDigits(b));
      }
    }
    return encoded.toString();
  }

  /** Percent-decoding to UTF-8; null for a malformed escape. */
  public static String decode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteBuffer bytes = ByteBuffer.allocate(utf8(text).length);
    for (int i = 0; i < text.length(); ) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= text.length()) {
          return null;
        }
        int hi = Character.digit(text.charAt(i + 1), 16);
        int lo = Character.digit(text.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.put((byte) (hi * 16 + lo));
        i += 3;
      } else {
        int end = i + 1;
        while (end < text.length() && text.charAt(end) != '%') {
          end++;
        }
        bytes.put(utf8(text.substring(i, end)));
        i = end;
      }
    }
    return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
  }

  /** Whether two hex signatures are equal, in time that does not depend on where they differ. */
  public static boolean sameSignature(String expected, String given) {
    return MessageDigest.isEqual(utf8(expected), utf8(given));
  }

  public static String sha256Hex(byte[] bytes) {
    return HEX.formatHex(sha256().digest(bytes));
  }

  public static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(utf8(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
