package jewel.persistence;

import static jewel.persistence.Fixtures.P1;
import static jewel.persistence.Fixtures.P2;
import static jewel.persistence.Fixtures.block;
import static jewel.persistence.Fixtures.name;
import static jewel.persistence.Fixtures.whole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.ObjectAttributes;
import jewel.api.SchemeSpec;
import jewel.api.UploadParts;
import jewel.protocol.BucketInfo;
import jewel.protocol.MultipartInfo;
import jewel.protocol.RegistryCommand;
import jewel.protocol.RegistryEvent;
import jewel.protocol.RegistryReply;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * S3 buckets, multipart uploads, listings by prefix and composite files in the registry, on the
 * in-memory journal of {@link EventSourcedBehaviorTestKit} (every command, event and state
 * round-trips through Jackson CBOR).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
class RegistryBucketsTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final SchemeSpec NAIVE = new SchemeSpec("naive", Map.of("n", "2"));

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
                PersistenceId.ofUniqueId("registry-buckets-test-" + IDS.incrementAndGet())),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  private StatusReply<BucketInfo> create(String bucket) {
    return registry
        .<StatusReply<BucketInfo>>runCommand(
            r -> new RegistryCommand.CreateBucket(bucket, NAIVE, NOW, r))
        .reply();
  }

  private StatusReply<Done> deleteBucket(String bucket) {
    return registry
        .<StatusReply<Done>>runCommand(r -> new RegistryCommand.DeleteBucket(bucket, r))
        .reply();
  }

  private StatusReply<RegistryReply.Committed> commit(FileEntry entry, boolean replace) {
    long upload = Fixtures.staged(registry, entry);
    var reply =
        registry
            .<StatusReply<RegistryReply.Committed>>runCommand(
                r -> Fixtures.commit(entry, upload, replace, r))
            .reply();
    registry.runCommand(new RegistryCommand.CloseUpload(upload));
    return reply;
  }

  private StatusReply<MultipartInfo> start(String uploadId, String bucket, String key) {
    return registry
        .<StatusReply<MultipartInfo>>runCommand(
            r ->
                new RegistryCommand.StartMultipart(
                    uploadId,
                    bucket,
                    key,
                    ObjectAttributes.whole("text/plain", Map.of("a", "b"), null),
                    NAIVE,
                    NOW,
                    r))
        .reply();
  }

  private List<String> names(String prefix, FileName after) {
    return registry
        .<RegistryReply.Listing>runCommand(r -> new RegistryCommand.ListFiles(after, prefix, r))
        .reply()
        .files()
        .stream()
        .map(f -> f.name().value())
        .toList();
  }

  @Test
  void bucketsAreMadeOnceWithS3NamesAndDeletedOnlyWhenEmpty() {
    assertTrue(create("Bad_Name").isError());
    assertTrue(create("ab").isError());
    assertTrue(create("192.168.1.1").isError());
    var made =
        registry.<StatusReply<BucketInfo>>runCommand(
            r -> new RegistryCommand.CreateBucket("photos", NAIVE, NOW, r));
    assertEquals(List.of(new RegistryEvent.BucketCreated("photos", NAIVE, NOW)), made.events());
    assertEquals(new BucketInfo("photos", NAIVE, NOW), made.reply().getValue());
    assertTrue(create("photos").isError()); // exists
    assertTrue(create("docs.v2").isSuccess());

    assertTrue(commit(whole("photos/x.jpg", "x", P1), false).isSuccess());
    assertTrue(deleteBucket("photos").getError().getMessage().contains("not empty"));
    registry.<StatusReply<RegistryReply.Deleted>>runCommand(
        r -> new RegistryCommand.Delete(name("photos/x.jpg"), r));
    assertTrue(start("u1", "photos", "big.bin").isSuccess());
    assertTrue(deleteBucket("photos").isError()); // an upload is in it
    registry.<StatusReply<Done>>runCommand(r -> new RegistryCommand.EndMultipart("u1", r));
    assertTrue(deleteBucket("photos").isSuccess());
    assertTrue(deleteBucket("photos").getError().getMessage().contains("unknown bucket"));

    assertEquals(
        List.of(new BucketInfo("docs.v2", NAIVE, NOW)),
        registry
            .<RegistryReply.Buckets>runCommand(RegistryCommand.ListBuckets::new)
            .reply()
            .buckets());
    registry.restart();
    assertNull(
        registry
            .<RegistryReply.BucketFound>runCommand(r -> new RegistryCommand.GetBucket("photos", r))
            .reply()
            .bucket());
    assertEquals(1, registry.getState().bucketList().size());
  }

  @Test
  void uploadsStartInABucketAndAreListedByKeyUntilTheyEnd() {
    assertTrue(start("u1", "nobucket", "k").isError());
    create("data");
    assertTrue(start("../x", "data", "k").isError());
    assertTrue(start("u2", "data", "logs/b").isSuccess());
    assertTrue(start("u1", "data", "logs/a").isSuccess());
    assertTrue(start("u3", "data", "other").isSuccess());
    assertTrue(start("u1", "data", "again").isError()); // the id is taken

    var listed =
        registry
            .<RegistryReply.Multiparts>runCommand(
                r -> new RegistryCommand.ListMultiparts("data", "logs/", r))
            .reply();
    assertEquals(
        List.of("logs/a", "logs/b"), listed.uploads().stream().map(MultipartInfo::key).toList());
    assertEquals("text/plain", listed.uploads().get(0).meta().contentType());

    var ended =
        registry.<StatusReply<Done>>runCommand(r -> new RegistryCommand.EndMultipart("u1", r));
    assertEquals(List.of(new RegistryEvent.UploadEnded("u1")), ended.events());
    assertTrue(
        registry
            .<StatusReply<Done>>runCommand(r -> new RegistryCommand.EndMultipart("u1", r))
            .reply()
            .isError());
    registry.restart();
    assertEquals(2, registry.getState().multipartsIn("data", null).size());
  }

  @Test
  void aListingByPrefixStartsAtThePrefixAndStopsAfterIt() {
    for (String n : List.of("a", "b/1", "b/2", "b/3", "b0", "ba", "c/1")) {
      commit(whole(n, n, P1), false);
    }
    assertEquals(List.of("b/1", "b/2", "b/3"), names("b/", null));
    assertEquals(List.of("b/3"), names("b/", name("b/2")));
    assertEquals(List.of("b/1", "b/2", "b/3", "b0", "ba"), names("b", null));
    assertEquals(List.of("b/1", "b/2", "b/3"), names("b/", name("a"))); // after before the prefix
    assertEquals(List.of(), names("b/", name("b0"))); // after past the prefix
    assertEquals(List.of(), names("zz", null));
    assertEquals(7, names(null, null).size());
  }

  @Test
  void aCompositeNeedsItsPartsAndTakesThemWhenDeletedOrReplaced() {
    FileEntry p1 = whole(UploadParts.part("u9", 1).value(), "part one", P1);
    FileEntry p2 = whole(UploadParts.part("u9", 2).value(), "part two", P2);
    FileEntry composite =
        new FileEntry(
            name("data/big"),
            16,
            block("composite"),
            NAIVE,
            new BlockLayout("parts", 1, 2, 0, "none"),
            List.of(),
            NOW,
            new ObjectAttributes(
                "application/octet-stream",
                Map.of(),
                "abc-2",
                "u9",
                List.of(new ObjectAttributes.Part(1, 8), new ObjectAttributes.Part(2, 8))));
    assertTrue(commit(p1, false).getError().getMessage().contains("upload is over"));
    create("data");
    start("u9", "data", "big");
    assertTrue(commit(composite, false).getError().getMessage().contains("is not stored"));
    commit(p1, false);
    commit(p2, false);
    assertTrue(commit(composite, false).isSuccess());
    FileEntry looked =
        registry
            .<StatusReply<RegistryReply.LookedUp>>runCommand(
                r -> new RegistryCommand.Lookup(name("data/big"), r))
            .reply()
            .getValue()
            .entry();
    assertEquals(composite.object(), looked.object());
    assertTrue(looked.composite());

    // Replacing it with a plain file takes its parts out, and their blocks are orphans.
    var replaced = commit(whole("data/big", "small now", P1), true).getValue();
    assertEquals(List.of(block("part one"), block("part two")), replaced.orphans());
    assertTrue(names(UploadParts.FOLDER + "/", null).isEmpty());

    // Deleting a composite takes its parts with it.
    commit(p1, false);
    commit(p2, false);
    commit(composite, true);
    registry.<StatusReply<Done>>runCommand(r -> new RegistryCommand.EndMultipart("u9", r));
    assertTrue(commit(p1, true).isError()); // a part of an upload that is over
    var deleted =
        registry
            .<StatusReply<RegistryReply.Deleted>>runCommand(
                r -> new RegistryCommand.Delete(name("data/big"), r))
            .reply()
            .getValue();
    assertEquals(List.of(block("part one"), block("part two")), deleted.orphans());
    assertEquals(0, registry.getState().fileCount());
    registry.restart();
    assertEquals(0, registry.getState().fileCount());
    BlockId unused = block("unused");
    assertTrue(!registry.getState().knows(unused));
  }
}
