package jewel.schemes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import jewel.protocol.BlockId;
import jewel.protocol.PeerId;

/** Gathers the acknowledgements of a fan-out, so that a failure names the peers it came from. */
final class Acks {
  private Acks() {}

  /**
   * Completes once every upload has finished, with each one's block id; fails with one
   * line naming every peer whose upload failed and why.
   */
  static CompletionStage<List<BlockId>> gather(List<PeerId> peers, List<CompletionStage<BlockId>> uploads) {
    CompletableFuture<?>[] all =
        uploads.stream().map(s -> s.toCompletableFuture().exceptionally(e -> null)).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(all).thenApply(ignored -> {
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
        throw new IllegalStateException("store failed, nothing was committed (" + String.join("; ", failures) + ")");
      }
      return ids;
    });
  }

  /** Every peer must have computed the same id as the coordinator did. */
  static void requireAll(List<PeerId> peers, List<BlockId> acked, BlockId expected) {
    for (int i = 0; i < acked.size(); i++) {
      if (!acked.get(i).equals(expected)) {
        throw new IllegalStateException(
            peers.get(i) + " stored different bytes (" + acked.get(i).shortHex() + "… instead of "
                + expected.shortHex() + "…); nothing was committed");
      }
    }
  }

  private static String rootMessage(CompletableFuture<?> f) {
    try {
      f.join();
      return "ok";
    } catch (Exception e) {
      Throwable t = e;
      while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException)) {
        t = t.getCause();
      }
      return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
  }
}
