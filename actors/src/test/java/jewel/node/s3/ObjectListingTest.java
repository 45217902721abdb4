package jewel.node.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delimiter listings over a store whose pages are smaller than a group: each group once, pages that
 * resume where the last ended, and a group skipped without reading through it.
 */
class ObjectListingTest {
  private static final int GROUP = 2500;
  private static ActorSystem<Void> system;
  private static MemoryObjectStore store;
  private static ObjectListing listing;

  @BeforeAll
  static void fill() {
    system = ActorSystem.create(Behaviors.empty(), "listing");
    store = new MemoryObjectStore(Materializer.matFromSystem(system));
    listing = new ObjectListing(store);
    store.createBucket("bkt", null).toCompletableFuture().join();
    List<String> keys = new ArrayList<>(List.of("a.txt", "big.txt", "c/1", "c/d/2", "zz"));
    for (int i = 0; i < GROUP; i++) {
      keys.add(String.format("big/%04d", i));
    }
    List<CompletableFuture<?>> puts = new ArrayList<>();
    for (String k : keys) {
      puts.add(
          store
              .put(
                  "bkt",
                  k,
                  new ObjectStore.ObjectMeta(null, Map.of(), null),
                  new ObjectStore.Body(1, null, Source.single(ByteString.fromString("x"))))
              .toCompletableFuture());
    }
    CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static ObjectListing.Page page(String prefix, String after, int max) {
    return listing.page("bkt", prefix, "/", after, max).toCompletableFuture().join();
  }

  private static List<String> keys(ObjectListing.Page p) {
    return p.objects().stream().map(ObjectStore.ObjectInfo::key).toList();
  }

  @Test
  void aGroupLargerThanAStorePageIsOneCommonPrefixAndIsSkipped() {
    int before = store.pagesListed();
    ObjectListing.Page top = page("", null, 1000);
    assertEquals(List.of("a.txt", "big.txt", "zz"), keys(top));
    assertEquals(List.of("big/", "c/"), top.commonPrefixes());
    assertFalse(top.truncated());
    assertEquals(
        2, store.pagesListed() - before, "one page into big/, then the store is asked past it");
  }

  @Test
  void pagesOfTwoResumeWhereTheLastEnded() {
    List<String> seen = new ArrayList<>();
    String after = null;
    ObjectListing.Page p;
    do {
      p = page("", after, 2);
      assertTrue(p.objects().size() + p.commonPrefixes().size() <= 2);
      seen.addAll(keys(p));
      seen.addAll(p.commonPrefixes());
      after = p.nextAfter();
    } while (p.truncated());
    assertEquals(List.of("a.txt", "big.txt", "big/", "c/", "zz"), seen.stream().sorted().toList());
    assertEquals(5, seen.size());
  }

  @Test
  void startingAfterACommonPrefixSkipsItsGroup() {
    ObjectListing.Page p = page("", "big/", 1000);
    assertEquals(List.of("zz"), keys(p));
    assertEquals(List.of("c/"), p.commonPrefixes());
  }

  @Test
  void underAPrefixKeysAreListedAndCutAtMaxKeys() {
    ObjectListing.Page p = page("big/", null, 1000);
    assertEquals(1000, p.objects().size());
    assertTrue(p.truncated());
    assertEquals("big/0999", p.nextAfter());
    assertEquals("big/1000", keys(page("big/", p.nextAfter(), 1)).get(0));
    ObjectListing.Page nested = page("c/", null, 1000);
    assertEquals(List.of("c/1"), keys(nested));
    assertEquals(List.of("c/d/"), nested.commonPrefixes());
    assertEquals(0, page("", null, 0).objects().size());
    assertFalse(page("", null, 0).truncated());
  }
}
