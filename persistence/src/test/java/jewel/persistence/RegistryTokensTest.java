package jewel.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import jewel.api.ApiToken;
import jewel.api.TokenInfo;
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
 * API tokens in the registry: made under ids that are never reused, kept as the hash of their
 * secret only, revoked once, listed in pages, and rebuilt from events on a restart. On the
 * in-memory journal of {@link EventSourcedBehaviorTestKit}, which round-trips every command, event
 * and state through Jackson CBOR.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
class RegistryTokensTest {
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
                PersistenceId.ofUniqueId("registry-tokens-test-" + IDS.incrementAndGet())),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  private CommandResultWithReply<
          RegistryCommand, RegistryEvent, RegistryState, StatusReply<RegistryReply.Token>>
      create(String hash, boolean readOnly, String label, Long expiresAt) {
    return registry.runCommand(
        r -> new RegistryCommand.CreateToken(hash, readOnly, label, NOW, expiresAt, r));
  }

  private CommandResultWithReply<
          RegistryCommand, RegistryEvent, RegistryState, StatusReply<RegistryReply.Token>>
      revoke(String id) {
    return registry.runCommand(r -> new RegistryCommand.RevokeToken(id, NOW + 1000, r));
  }

  private RegistryReply.TokenFound lookup(String id) {
    var result =
        registry.<RegistryReply.TokenFound>runCommand(r -> new RegistryCommand.LookupToken(id, r));
    assertTrue(result.hasNoEvents());
    return result.reply();
  }

  @Test
  void aTokenIsKeptAsTheHashOfItsSecretUnderTheNextId() {
    ApiToken secret = ApiToken.generate("t1");
    var made = create(secret.hash(), true, " for grafana ", NOW + 60_000);
    TokenInfo info = made.reply().getValue().token();
    assertEquals(new TokenInfo("t1", true, "for grafana", NOW, NOW + 60_000, null), info);
    assertEquals(
        new RegistryEvent.TokenCreated("t1", secret.hash(), true, "for grafana", NOW, NOW + 60_000),
        made.event());

    RegistryReply.TokenFound found = lookup("t1");
    assertEquals(info, found.token());
    assertTrue(secret.matches(found.secretHash()));
    assertFalse(ApiToken.generate("t1").matches(found.secretHash()));

    assertEquals(
        "t2",
        create(ApiToken.generate("t2").hash(), false, null, null).reply().getValue().token().id());
    assertNull(lookup("t9").token());
    assertNull(lookup("admin").secretHash());
  }

  @Test
  void aRevokedTokenStaysListedAndItsIdIsNeverGivenAgain() {
    create(ApiToken.generate("t1").hash(), false, "ci", null);
    var revoked = revoke("t1");
    assertEquals(NOW + 1000, revoked.reply().getValue().token().revokedAtMillis());
    assertEquals(new RegistryEvent.TokenRevoked("t1", NOW + 1000), revoked.event());

    var again = revoke("t1");
    assertTrue(again.hasNoEvents());
    assertEquals(
        "token t1 was revoked already, at " + java.time.Instant.ofEpochMilli(NOW + 1000),
        again.reply().getError().getMessage());
    var unknown = revoke("t7");
    assertTrue(unknown.hasNoEvents());
    assertEquals("unknown token id 't7' (try: token ls)", unknown.reply().getError().getMessage());

    assertEquals(
        "t2",
        create(ApiToken.generate("t2").hash(), true, "", null).reply().getValue().token().id());
    assertEquals(
        List.of("t1", "t2"),
        registry
            .<RegistryReply.Tokens>runCommand(r -> new RegistryCommand.ListTokens(null, r))
            .reply()
            .tokens()
            .stream()
            .map(TokenInfo::id)
            .toList());
  }

  @Test
  void badTokensAreRefusedWithOneLineAndNothingPersisted() {
    String hash = ApiToken.generate("t1").hash();
    assertRefused(
        create("abc", false, "", null), "a token needs the SHA-256 of its secret (64 hex digits)");
    assertRefused(
        create(null, false, "", null), "a token needs the SHA-256 of its secret (64 hex digits)");
    assertRefused(
        create(hash, false, "x".repeat(201), null),
        "a token's label may have 200 characters, not 201");
    assertRefused(
        create(hash, false, "a\nb", null), "a token's label may not have control characters");
    assertRefused(
        create(hash, false, "", NOW),
        "a token must expire after it is made: give a positive duration, like 30d");
    assertEquals(List.of(), registry.getState().tokenInfos());
  }

  private static void assertRefused(
      CommandResultWithReply<
              RegistryCommand, RegistryEvent, RegistryState, StatusReply<RegistryReply.Token>>
          result,
      String line) {
    assertTrue(result.hasNoEvents());
    assertEquals(line, result.reply().getError().getMessage());
  }

  @Test
  void tokensComeInPagesInTheOrderTheyWereMade() {
    for (int i = 1; i <= 400; i++) {
      create(ApiToken.generate("t" + i).hash(), i % 2 == 0, "label " + "y".repeat(190), null);
    }
    List<String> ids = new java.util.ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      String from = after;
      RegistryReply.Tokens page =
          registry
              .<RegistryReply.Tokens>runCommand(r -> new RegistryCommand.ListTokens(from, r))
              .reply();
      page.tokens().forEach(t -> ids.add(t.id()));
      after = page.next();
      pages++;
    } while (after != null);
    assertTrue(pages > 1, "400 tokens of 200-character labels take several pages");
    assertEquals(400, ids.size());
    for (int i = 0; i < ids.size(); i++) {
      assertEquals("t" + (i + 1), ids.get(i)); // t2 before t10: by number, not by text
    }
  }

  @Test
  void tokensSurviveARestart() {
    create(ApiToken.generate("t1").hash(), true, "dashboards", NOW + 5000);
    create(ApiToken.generate("t2").hash(), false, "", null);
    revoke("t2");
    List<TokenInfo> before = registry.getState().tokenInfos();
    registry.restart();
    assertEquals(before, registry.getState().tokenInfos());
    assertEquals("t3", registry.getState().nextTokenId());
  }
}
