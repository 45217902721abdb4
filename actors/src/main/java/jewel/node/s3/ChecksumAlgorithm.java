package jewel.node.s3;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * The checksums an S3 client may send with a body ({@code x-amz-checksum-crc32: <base64>} as a
 * header or as an aws-chunked trailer): the JDK computes four; CRC64NVME (S3's newest, which SDKs
 * built on the AWS CRT choose) is a table-driven CRC here.
 */
public enum ChecksumAlgorithm {
  CRC32,
  CRC32C,
  CRC64NVME,
  SHA1,
  SHA256;

  private static final String PREFIX = "x-amz-checksum-";

  /** The header that carries this checksum, e.g. {@code x-amz-checksum-crc32}. */
  public String header() {
    return PREFIX + name().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether a (lower-case) header name carries a checksum value: {@code x-amz-checksum-*} but the
   * headers that only name an algorithm, a type or a mode.
   */
  public static boolean isChecksumHeader(String name) {
    return name.startsWith(PREFIX)
        && !Set.of("x-amz-checksum-algorithm", "x-amz-checksum-type", "x-amz-checksum-mode")
            .contains(name);
  }

  /**
   * The algorithm of an {@code x-amz-checksum-*} header name; InvalidRequest naming the ones
   * supported otherwise.
   */
  public static ChecksumAlgorithm ofHeader(String name) {
    for (ChecksumAlgorithm algorithm : values()) {
      if (algorithm.header().equals(name)) {
        return algorithm;
      }
    }
    throw new S3Exception(
        "InvalidRequest",
        400,
        "Unsupported checksum "
            + name
            + ": this endpoint checks x-amz-checksum-crc32, -crc32c, -crc64nvme, -sha1 and"
            + " -sha256");
  }

  /** A running checksum of this algorithm. */
  public Hasher hasher() {
    return switch (this) {
      case CRC32 -> new CrcHasher(new CRC32());
      case CRC32C -> new CrcHasher(new CRC32C());
      case CRC64NVME -> new Crc64NvmeHasher();
      case SHA1 -> new DigestHasher("SHA-1");
      case SHA256 -> new DigestHasher("SHA-256");
    };
  }

  /** Bytes in, the checksum out in the base64 form S3's headers carry. */
  public interface Hasher {
    void update(ByteBuffer bytes);

    String base64();
  }

  private static final class CrcHasher implements Hasher {
    private final Checksum crc;

    CrcHasher(Checksum crc) {
      this.crc = crc;
    }

    @Override
    public void update(ByteBuffer bytes) {
      crc.update(bytes);
    }

    @Override
    public String base64() {
      return Base64.getEncoder()
          .encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
  }

  /**
   * CRC-64/NVME: polynomial 0xad93d23594c93659 reflected, initial value and final xor all ones
   * (check value of "123456789": 0xae8b14860a799888).
   */
  private static final class Crc64NvmeHasher implements Hasher {
    private static final long[] TABLE = new long[256];

    static {
      for (int i = 0; i < 256; i++) {
        long crc = i;
        for (int bit = 0; bit < 8; bit++) {
          crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x9a6c9329ac4bc9b5L : crc >>> 1;
        }
        TABLE[i] = crc;
      }
    }

    private long crc = -1L;

    @Override
    public void update(ByteBuffer bytes) {
      while (bytes.hasRemaining()) {
        crc = TABLE[(int) (crc ^ bytes.get()) & 0xff] ^ (crc >>> 8);
      }
    }

    @Override
    public String base64() {
      return Base64.getEncoder().encodeToString(ByteBuffer.allocate(8).putLong(~crc).array());
    }
  }

  private static final class DigestHasher implements Hasher {
    private final MessageDigest digest;

    DigestHasher(String algorithm) {
      try {
        this.digest = MessageDigest.getInstance(algorithm);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has " + algorithm, e);
      }
    }

    @Override
    public void update(ByteBuffer bytes) {
      digest.update(bytes);
    }

    @Override
    public String base64() {
      return Base64.getEncoder().encodeToString(digest.digest());
    }
  }
}
