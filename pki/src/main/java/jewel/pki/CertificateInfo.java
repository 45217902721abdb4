package jewel.pki;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** What {@code certs} shows of one certificate file: whose it is and until when it is good. */
public record CertificateInfo(
    String name, Path file, String subject, String issuer, Instant notBefore, Instant notAfter) {

  /** Whole days from now until it expires; negative once it has. */
  public long daysLeft(Clock clock) {
    return Math.floorDiv(Duration.between(clock.instant(), notAfter).toHours(), 24);
  }

  public boolean expired(Clock clock) {
    return clock.instant().isAfter(notAfter);
  }
}
