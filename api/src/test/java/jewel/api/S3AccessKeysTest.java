package jewel.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class S3AccessKeysTest {

  @Test
  void keysHaveTheShapeOfAwsKeysAndDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String access = S3AccessKeys.newAccessKey();
      String secret = S3AccessKeys.newSecretKey();
      assertEquals(20, access.length());
      assertTrue(access.matches("JWL[A-Z2-7]{17}"), access);
      assertEquals(40, secret.length());
      assertTrue(secret.matches("[A-Za-z0-9]{40}"));
      assertTrue(S3AccessKeys.isAccessKey(access));
      assertTrue(S3AccessKeys.isSecretKey(secret));
      assertTrue(seen.add(access));
      assertTrue(seen.add(secret));
    }
  }

  @Test
  void otherShapesAreNotKeys() {
    assertFalse(S3AccessKeys.isAccessKey("AKIAIOSFODNN7EXAMPLE")); // AWS's, not ours
    assertFalse(S3AccessKeys.isAccessKey("JWL" + "a".repeat(17)));
    assertFalse(S3AccessKeys.isAccessKey("JWL" + "A".repeat(16)));
    assertFalse(S3AccessKeys.isAccessKey(null));
    assertFalse(S3AccessKeys.isSecretKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
    assertFalse(S3AccessKeys.isSecretKey("a".repeat(39)));
    assertFalse(S3AccessKeys.isSecretKey(null));
  }
}
