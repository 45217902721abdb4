package jewel.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import jewel.api.S3AccessKeys;
import jewel.api.S3KeyInfo;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryEvent;
import jewel.protocol.RegistryReply;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * S3 access keys in the registry: kept with their secret (Signature Version 4 needs it), refused
 * when malformed or taken, revoked once, listed in pages, and rebuilt from events on a restart. On
 * the in-memory journal of {@link EventSourcedBehaviorTestKit}, which round-trips every command,
 * event and state through Jackson CBOR.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
class RegistryS3KeysTest {
  private static final long NOW = 1_800_000_000_000L;

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()))
          .build();

  private static final AtomicInteger IDS = new AtomicInteger();

  private EventSourcedBehaviorTestKit<RegistryCommand, RegistryEvent, RegistryState> registry;

  @BeforeEach
  void freshRegistry() {
    registry =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            Registry.create(
                PersistenceId.ofUniqueId("registry-s3-keys-test-" + IDS.incrementAndGet())),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  private CommandResultWithReply<
          RegistryCommand, RegistryEvent, RegistryState, StatusReply<RegistryReply.S3Key>>
      create(String accessKey, String secretKey, boolean readOnly, String label, Long expiresAt) {
    return registry.runCommand(
        r ->
            new RegistryCommand.CreateS3Key(
                accessKey, secretKey, readOnly, label, NOW, expiresAt, r));
  }

  private S3KeyInfo create(String accessKey) {
    return create(accessKey, S3AccessKeys.newSecretKey(), false, "", null).reply().getValue().key();
  }

  private CommandResultWithReply<
          RegistryCommand, RegistryEvent, RegistryState, StatusReply<RegistryReply.S3Key>>
      revoke(String accessKey) {
    return registry.runCommand(r -> new RegistryCommand.RevokeS3Key(accessKey, NOW + 1000, r));
  }

  private RegistryReply.S3KeyFound lookup(String accessKey) {
    var result =
        registry.<RegistryReply.S3KeyFound>runCommand(
            r -> new RegistryCommand.LookupS3Key(accessKey, r));
    assertTrue(result.hasNoEvents());
    return result.reply();
  }

  @Test
  void aKeyIsKeptWithItsSecretForTheGatewaysToCheckSignatures() {
    String access = S3AccessKeys.newAccessKey();
    String secret = S3AccessKeys.newSecretKey();
    var made = create(access, secret, true, " backups ", NOW + 60_000);
    S3KeyInfo info = made.reply().getValue().key();
    assertEquals(new S3KeyInfo(access, true, "backups", NOW, NOW + 60_000, null), info);
    assertEquals(
        new RegistryEvent.S3KeyCreated(access, secret, true, "backups", NOW, NOW + 60_000),
        made.event());
    assertFalse(made.event().toString().contains(secret), "the event's text hides the secret");

    RegistryReply.S3KeyFound found = lookup(access);
    assertEquals(info, found.key());
    assertEquals(secret, found.secretKey());
    assertFalse(found.toString().contains(secret));
    RegistryReply.S3KeyFound unknown = lookup(S3AccessKeys.newAccessKey());
    assertNull(unknown.key());
    assertNull(unknown.secretKey());
  }

  @Test
  void aRevokedKeyStaysListedAndCannotBeRevokedTwice() {
    String access = create(S3AccessKeys.newAccessKey()).accessKey();
    var revoked = revoke(access);
    assertEquals(NOW + 1000, revoked.reply().getValue().key().revokedAtMillis());
    assertEquals(new RegistryEvent.S3KeyRevoked(access, NOW + 1000), revoked.event());
    assertEquals(NOW + 1000, lookup(access).key().revokedAtMillis());

    var again = revoke(access);
    assertTrue(again.hasNoEvents());
    assertEquals(
        "S3 access key "
            + access
            + " was revoked already, at "
            + java.time.Instant.ofEpochMilli(NOW + 1000),
        again.reply().getError().getMessage());
    var unknown = revoke("JWLAAAAAAAAAAAAAAAAA");
    assertTrue(unknown.hasNoEvents());
    assertEquals(
        "unknown S3 access key 'JWLAAAAAAAAAAAAAAAAA' (try: s3 key ls)",
        unknown.reply().getError().getMessage());
    assertEquals(
        List.of(access),
        registry.getState().s3KeyInfos().stream().map(S3KeyInfo::accessKey).toList());
  }

  @Test
  void badKeysAreRefusedWithOneLineAndNothingPersisted() {
    String access = S3AccessKeys.newAccessKey();
    String secret = S3AccessKeys.newSecretKey();
    assertRefused(
        create("AKIAIOSFODNN7EXAMPLE", secret, false, "", null),
        "an S3 access key id is JWL and 17 base32 characters (A-Z, 2-7)");
    assertRefused(
        create(null, secret, false, "", null),
        "an S3 access key id is JWL and 17 base32 characters (A-Z, 2-7)");
    assertRefused(
        create(access, "short", false, "", null), "an S3 secret key is 40 letters and digits");
    assertRefused(
        create(access, secret, false, "x".repeat(201), null),
        "an S3 key's label may have 200 characters, not 201");
    assertRefused(
        create(access, secret, false, "a\tb", null),
        "an S3 key's label may not have control characters");
    assertRefused(
        create(access, secret, false, "", NOW),
        "an S3 key must expire after it is made: give a positive duration, like 30d");
    assertEquals(List.of(), registry.getState().s3KeyInfos());

    create(access);
    assertRefused(
        create(access, secret, true, "", null),
        "S3 access key " + access + " exists already: make another");
    assertEquals(1, registry.getState().s3KeyInfos().size());
  }

  private static void assertRefused(
      CommandResultWithReply<
              RegistryCommand, RegistryEvent, RegistryState, StatusReply<RegistryReply.S3Key>>
          result,
      String line) {
    assertTrue(result.hasNoEvents());
    assertEquals(line, result.reply().getError().getMessage());
  }

  @Test
  void keysComeInPagesInAccessKeyOrder() {
    for (int i = 0; i < 400; i++) {
      create(
          S3AccessKeys.newAccessKey(),
          S3AccessKeys.newSecretKey(),
          i % 2 == 0,
          "label " + "y".repeat(190),
          null);
    }
    List<String> keys = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      String from = after;
      RegistryReply.S3Keys page =
          registry
              .<RegistryReply.S3Keys>runCommand(r -> new RegistryCommand.ListS3Keys(from, r))
              .reply();
      page.keys().forEach(k -> keys.add(k.accessKey()));
      after = page.next();
      pages++;
    } while (after != null);
    assertTrue(pages > 1, "400 keys of 200-character labels take several pages");
    assertEquals(400, keys.size());
    assertEquals(keys.stream().sorted().toList(), keys);
    assertEquals(400, keys.stream().distinct().count());
  }

  @Test
  void keysAndTheirSecretsSurviveARestart() {
    String access = S3AccessKeys.newAccessKey();
    String secret = S3AccessKeys.newSecretKey();
    create(access, secret, true, "restic", NOW + 5000);
    String other = create(S3AccessKeys.newAccessKey()).accessKey();
    revoke(other);
    List<S3KeyInfo> before = registry.getState().s3KeyInfos();
    registry.restart();
    assertEquals(before, registry.getState().s3KeyInfos());
    assertEquals(secret, lookup(access).secretKey());
  }
}
