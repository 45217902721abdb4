package jewel.schemes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import jewel.api.BlockId;
import jewel.api.PeerId;

/** Gathers the acknowledgements of a fan-out, so that a failure names the peers it came from. */
final class Acks {
  private Acks() {}

  /**
   * Completes once every upload has finished, with each one's block id; fails with one line naming
   * every peer whose upload failed and why.
   */
  static CompletionStage<List<BlockId>> gather(
      List<PeerId> peers, List<CompletionStage<BlockId>> uploads) {
    CompletableFuture<?>[] all =
        uploads.stream()
            .map(s -> s.toCompletableFuture().exceptionally(e -> null))
            .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(all)
        .thenApply(
            ignored -> {
              List<BlockId> ids = new ArrayList<>();
              List<String> failures = new ArrayList<>();
              for (int i = 0; i < uploads.size(); i++) {
                CompletableFuture<BlockId> f = uploads.get(i).toCompletableFuture();
                if (f.isCompletedExceptionally()) {
                  failures.add(peers.get(i) + ": " + rootMessage(f));
                } else {
                  ids.add(f.join());
                }
              }
              if (!failures.isEmpty()) {
                throw new IllegalStateException(
                    "store failed, nothing was committed (" + String.join("; ", failures) + ")");
              }
              return ids;
            });
  }

  /**
   * The transfers of one streamed store, and their failures in the order they happened. One failing
   * upload (or the file's own source) stops all the others, so the first failure is the cause and
   * the rest are its echoes: watch each upload from the moment it exists.
   */
  static final class Transfers {
    private final Map<String, String> failures = new LinkedHashMap<>();

    /** Records {@code ack}'s failure under {@code who} when it happens; returns {@code ack}. */
    <T> CompletionStage<T> watch(String who, CompletionStage<T> ack) {
      ack.whenComplete(
          (value, failure) -> {
            if (failure != null) {
              failed(who, failure);
            }
          });
      return ack;
    }

    private synchronized void failed(String who, Throwable failure) {
      failures.putIfAbsent(who, rootMessage(failure));
    }

    /**
     * Completes once every one of {@code stages} (named by {@code who}) has finished; fails if any
     * failed, with one line naming the first failure and how many others stopped with it.
     */
    CompletionStage<Void> all(List<String> who, List<? extends CompletionStage<?>> stages) {
      CompletableFuture<?>[] each = new CompletableFuture<?>[stages.size()];
      for (int i = 0; i < stages.size(); i++) {
        String name = who.get(i);
        each[i] =
            stages
                .get(i)
                .toCompletableFuture()
                .handle(
                    (value, failure) -> {
                      if (failure != null) {
                        failed(name, failure); // one never watched (an upload that never started)
                      }
                      return null;
                    });
      }
      return CompletableFuture.allOf(each)
          .thenApply(
              ignored -> {
                synchronized (this) {
                  if (!failures.isEmpty()) {
                    Map.Entry<String, String> first = failures.entrySet().iterator().next();
                    int others = failures.size() - 1;
                    throw new IllegalStateException(
                        "store failed, nothing was committed ("
                            + first.getKey()
                            + ": "
                            + first.getValue()
                            + (others == 0
                                ? ""
                                : "; "
                                    + others
                                    + (others == 1 ? " other transfer" : " other transfers")
                                    + " stopped with it")
                            + ")");
                  }
                }
                return null;
              });
    }
  }

  /** Every peer must have computed the same id as the coordinator did. */
  static void requireAll(List<PeerId> peers, List<BlockId> acked, BlockId expected) {
    for (int i = 0; i < acked.size(); i++) {
      if (!acked.get(i).equals(expected)) {
        throw new IllegalStateException(
            peers.get(i)
                + " stored different bytes ("
                + acked.get(i).shortHex()
                + "… instead of "
                + expected.shortHex()
                + "…); nothing was committed");
      }
    }
  }

  private static String rootMessage(CompletableFuture<?> f) {
    try {
      f.join();
      return "ok";
    } catch (Exception e) {
      return rootMessage(e);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException)) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
