package jewel.schemes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import jewel.api.JewelException;
import jewel.api.PeerId;
import jewel.api.RepairReport.NewCopy;
import jewel.api.StoredBlock;

/**
 * Repair by copying: a new copy of a block streams from one of its holders to its new peer (through
 * the node running the repair), and the new peer's hash of the bytes must be the block's id.
 * Holders are tried in turn: a corrupt copy fails its hash on the way and the next holder serves.
 */
final class BlockCopies {
  private BlockCopies() {}

  /** Copies every block {@code job.targets()} names from its live holders. */
  static CompletionStage<List<NewCopy>> copyAll(RepairJob job) {
    List<CompletableFuture<NewCopy>> copies = new ArrayList<>();
    for (Map.Entry<Integer, List<PeerId>> t : job.targets().entrySet()) {
      StoredBlock block = block(job, t.getKey());
      for (PeerId to : t.getValue()) {
        copies.add(copy(job, block, to).toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new))
        .thenApply(ignored -> copies.stream().map(CompletableFuture::join).toList());
  }

  static StoredBlock block(RepairJob job, int index) {
    return job.entry().blocks().stream()
        .filter(b -> b.index() == index)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException("'" + job.entry().name() + "' has no block " + index));
  }

  /** One new copy of {@code block} on {@code to}, from the first holder that serves it whole. */
  static CompletionStage<NewCopy> copy(RepairJob job, StoredBlock block, PeerId to) {
    List<PeerId> from =
        block.holders().stream().filter(job.live()::contains).filter(p -> !p.equals(to)).toList();
    if (from.isEmpty()) {
      return CompletableFuture.failedFuture(
          new JewelException(
              "no holder of block "
                  + block.index()
                  + " ("
                  + block.id().shortHex()
                  + "…) is up to copy it from",
              JewelException.Kind.UNAVAILABLE));
    }
    return copyFrom(job, block, from, 0, to, null);
  }

  private static CompletionStage<NewCopy> copyFrom(
      RepairJob job,
      StoredBlock block,
      List<PeerId> from,
      int next,
      PeerId to,
      Throwable lastFailure) {
    if (next == from.size()) {
      return CompletableFuture.failedFuture(
          new JewelException(
              "could not copy block "
                  + block.index()
                  + " ("
                  + block.id().shortHex()
                  + "…) to "
                  + to
                  + ": "
                  + Acks.rootMessage(lastFailure),
              JewelException.Kind.UNAVAILABLE,
              lastFailure));
    }
    PeerId source = from.get(next);
    return job.transport()
        .download(source, block.id(), 0, block.length())
        .runWith(job.transport().upload(to, block.length()), job.materializer())
        .thenApply(
            id -> {
              if (!id.equals(block.id())) {
                throw new IllegalStateException(
                    source + " served bytes that hash to " + id.shortHex() + "…");
              }
              return new NewCopy(block.index(), block.id(), to, false);
            })
        .handle(
            (copy, failure) ->
                failure == null
                    ? CompletableFuture.completedFuture(copy)
                    : copyFrom(job, block, from, next + 1, to, failure))
        .thenCompose(c -> c);
  }
}
