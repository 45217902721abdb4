package jewel.persistence;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Cuts a sorted list into the pages the registry answers with. A page holds the items after a key,
 * up to about {@link #BUDGET} bytes by a generous estimate of each item's serialized size: Artery
 * drops anything over its 256 KiB frame, silently, so a page aims at a quarter of it. A page always
 * holds at least one item, so the pages always end.
 */
final class Pages {
  /** Estimated serialized bytes a page may hold. */
  static final long BUDGET = 64 * 1024;

  /**
   * @param next the key of the last item, if more follow; null on the last page
   */
  record Page<T, K>(List<T> items, K next) {}

  private Pages() {}

  /**
   * The items of {@code sorted} (ascending by {@code key}) whose key is greater than {@code after}
   * (all of them if null), as many as fit the budget.
   */
  static <T, K extends Comparable<K>> Page<T, K> after(
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
    List<T> items = new ArrayList<>();
    long bytes = 0;
    int i = from;
    while (i < sorted.size()
        && (items.isEmpty() || bytes + estimate.applyAsLong(sorted.get(i)) <= BUDGET)) {
      bytes += estimate.applyAsLong(sorted.get(i));
      items.add(sorted.get(i));
      i++;
    }
    K next = i < sorted.size() ? key.apply(items.get(items.size() - 1)) : null;
    return new Page<>(items, next);
  }
}
