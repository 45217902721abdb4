package jewel.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.ObjectAttributes;
import jewel.api.StoredBlock;

/**
 * Cuts a list into the pages that cross Artery: the registry's answers, and the blocks a store
 * stages before its commit. A page holds the items after a key, up to about {@link #BUDGET} bytes
 * by a generous estimate of each item's serialized size: Artery drops anything over its 256 KiB
 * frame, silently, so a page aims at a quarter of it. A page always holds at least one item, so the
 * pages always end.
 */
public final class Pages {
  /** Estimated serialized bytes a page may hold. */
  public static final long BUDGET = 64 * 1024;

  /**
   * @param next the key of the last item, if more follow; null on the last page
   */
  public record Page<T, K>(List<T> items, K next) {}

  private Pages() {}

  /**
   * The items of {@code sorted} (ascending by {@code key}) whose key is greater than {@code after}
   * (all of them if null), as many as fit the budget.
   */
  public static <T, K extends Comparable<K>> Page<T, K> after(
      List<T> sorted, Function<T, K> key, K after, ToLongFunction<T> estimate) {
    int from = 0;
    if (after != null) {
      int lo = 0;
      int hi = sorted.size();
      while (lo < hi) { // the first item whose key is greater than `after`
        int mid = (lo + hi) >>> 1;
        if (key.apply(sorted.get(mid)).compareTo(after) <= 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      from = lo;
    }
    Page<T, Integer> page = from(sorted, from, BUDGET, estimate);
    K next = page.next() == null ? null : key.apply(sorted.get(page.next() - 1));
    return new Page<>(page.items(), next);
  }

  /**
   * The items of {@code list} from position {@code from} on, as many as fit {@code budget} (at
   * least one, if any are left).
   *
   * @return the page; its {@code next} is the position of the first item left out, null if none is
   */
  public static <T> Page<T, Integer> from(
      List<T> list, int from, long budget, ToLongFunction<T> estimate) {
    List<T> items = new ArrayList<>();
    long bytes = 0;
    int i = Math.max(0, from);
    while (i < list.size()
        && (items.isEmpty() || bytes + estimate.applyAsLong(list.get(i)) <= budget)) {
      bytes += estimate.applyAsLong(list.get(i));
      items.add(list.get(i));
      i++;
    }
    return new Page<>(items, i < list.size() ? i : null);
  }

  /** A generous guess at the serialized size of a file entry without its blocks. */
  public static long entryBytes(FileName name) {
    return 400L + name.value().length();
  }

  /** A generous guess at the serialized size of a block of an entry with {@code holders}. */
  public static long blockBytes(int holders) {
    return 250 + 40L * holders;
  }

  /** A generous guess at the serialized size of a file entry. */
  public static long entryBytes(FileEntry e) {
    long bytes = entryBytes(e.name());
    for (StoredBlock b : e.blocks()) {
      bytes += blockBytes(b.holders().size());
    }
    if (e.object() != null) {
      bytes += objectBytes(e.object());
    }
    return bytes;
  }

  /** A generous guess at the serialized size of an object's attributes. */
  public static long objectBytes(ObjectAttributes o) {
    long bytes = 200L + (o.contentType() == null ? 0 : o.contentType().length());
    for (var m : o.userMetadata().entrySet()) {
      bytes += 10L + m.getKey().length() + m.getValue().length();
    }
    return bytes + 30L * o.parts().size();
  }
}
