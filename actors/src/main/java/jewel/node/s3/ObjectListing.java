package jewel.node.s3;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One page of ListObjects (v1 and v2) over {@link ObjectStore#list}: keys under a prefix after a
 * cursor, and with a delimiter the keys that hold it past the prefix grouped into common prefixes
 * (a group counts once against {@code max-keys}, and the listing asks the store for what follows
 * the group instead of reading through it).
 */
public final class ObjectListing {
  /**
   * The largest code point: {@code group + PAST} sorts after every key of the group in S3's key
   * order ({@link S3Rules#KEY_ORDER}), so the store is asked for what follows a group without
   * reading through it. A key of the group that still comes after it (one holding U+10FFFF, a
   * noncharacter, right after the delimiter) is skipped as the group's.
   */
  private static final String PAST = new String(Character.toChars(Character.MAX_CODE_POINT));

  private static final int STORE_PAGE = 1000;

  /**
   * A page: objects and common prefixes in key order, whether more follow, and where the next page
   * starts after (the last key or common prefix given; null when not truncated).
   */
  public record Page(
      List<ObjectStore.ObjectInfo> objects,
      List<String> commonPrefixes,
      boolean truncated,
      String nextAfter) {}

  private final ObjectStore store;

  public ObjectListing(ObjectStore store) {
    this.store = store;
  }

  /**
   * Up to {@code maxKeys} objects and common prefixes of {@code bucket} whose keys start with
   * {@code prefix}, after {@code after} (null: from the first; a common prefix: after its group).
   */
  public CompletionStage<Page> page(
      String bucket, String prefix, String delimiter, String after, int maxKeys) {
    Walk walk = new Walk(bucket, prefix, delimiter == null ? "" : delimiter, maxKeys);
    String from = after;
    if (from != null && walk.group(from) != null && walk.group(from).equals(from)) {
      from = from + PAST;
    }
    if (maxKeys == 0) {
      return CompletableFuture.completedFuture(new Page(List.of(), List.of(), false, null));
    }
    return walk.from(from);
  }

  /** One listing's progress through the store's pages. */
  private final class Walk {
    private final String bucket;
    private final String prefix;
    private final String delimiter;
    private final int maxKeys;
    private final List<ObjectStore.ObjectInfo> objects = new ArrayList<>();
    private final List<String> prefixes = new ArrayList<>();
    private String last;

    Walk(String bucket, String prefix, String delimiter, int maxKeys) {
      this.bucket = bucket;
      this.prefix = prefix;
      this.delimiter = delimiter;
      this.maxKeys = maxKeys;
    }

    /** The common prefix {@code key} falls in, or null if it is listed as itself. */
    String group(String key) {
      if (delimiter.isEmpty() || !key.startsWith(prefix)) {
        return null;
      }
      int at = key.indexOf(delimiter, prefix.length());
      return at < 0 ? null : key.substring(0, at + delimiter.length());
    }

    CompletionStage<Page> from(String cursor) {
      return store
          .list(bucket, prefix, cursor, STORE_PAGE)
          .thenCompose(
              page -> {
                for (ObjectStore.ObjectInfo o : page.objects()) {
                  if (last != null && last.equals(group(o.key()))) {
                    continue;
                  }
                  if (objects.size() + prefixes.size() == maxKeys) {
                    return CompletableFuture.completedFuture(
                        new Page(objects, prefixes, true, last));
                  }
                  String g = group(o.key());
                  if (g == null) {
                    objects.add(o);
                    last = o.key();
                  } else {
                    prefixes.add(g);
                    last = g;
                  }
                }
                if (!page.truncated() || page.objects().isEmpty()) {
                  return CompletableFuture.completedFuture(
                      new Page(objects, prefixes, false, null));
                }
                String end = page.objects().get(page.objects().size() - 1).key();
                String g = group(end);
                return from(g != null && g.equals(last) ? g + PAST : end);
              });
    }
  }
}
