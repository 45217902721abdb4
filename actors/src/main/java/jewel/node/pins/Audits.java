package jewel.node.pins;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import jewel.api.PeerId;
import jewel.node.PeerDirectory.LivePeer;
import jewel.node.pins.PlanView.Block;
import jewel.protocol.PeerCommand;
import jewel.protocol.PeerReply;
import jewel.schemes.audit.MerkleTree;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;

/**
 * The audits of one scan: which (block, holder) pairs to challenge, asking them, and which answers
 * count against a peer. Only blocks with a known Merkle root and holders the block book lists are
 * challenged: a peer is only ever asked for what it claimed to hold.
 */
final class Audits {
  private static final Pattern ROOT = Pattern.compile("[0-9a-f]{64}");

  private Audits() {}

  record Challenge(Block block, LivePeer holder, int chunk) {}

  enum Result {
    PASSED,
    /** A proof that does not check out against the root. */
    WRONG,
    REFUSED,
    NO_ANSWER
  }

  record Outcome(Challenge challenge, Result result, String detail) {
    PeerId peer() {
      return challenge.holder().name();
    }
  }

  /**
   * Up to {@code n} pairs, uniformly among the live, non-greylisted listed holders, each with a
   * random chunk.
   */
  static List<Challenge> sample(PlanView plan, Map<PeerId, LivePeer> live, int n, Random random) {
    record Pair(Block block, LivePeer holder) {}
    List<Pair> pairs = new ArrayList<>();
    for (Block b : plan.blocks()) {
      if (b.merkleRoot() == null || !ROOT.matcher(b.merkleRoot()).matches()) {
        continue;
      }
      for (PeerId p : b.holders()) {
        LivePeer lp = live.get(p);
        if (lp != null && !plan.greylisted(p)) {
          pairs.add(new Pair(b, lp));
        }
      }
    }
    Collections.shuffle(pairs, random);
    List<Challenge> out = new ArrayList<>();
    for (Pair p : pairs.subList(0, Math.min(n, pairs.size()))) {
      out.add(
          new Challenge(
              p.block(), p.holder(), random.nextInt(MerkleTree.chunks(p.block().length()))));
    }
    return out;
  }

  /**
   * Sends every challenge at once; completes when each is answered or timed out (never fails). Each
   * holder has the time {@link PinSettings#auditTimeout(long)} gives its block's size.
   */
  static CompletionStage<List<Outcome>> run(
      List<Challenge> challenges, PinSettings pins, Scheduler scheduler) {
    List<CompletableFuture<Outcome>> all = new ArrayList<>();
    for (Challenge c : challenges) {
      Duration timeout = pins.auditTimeout(c.block().length());
      all.add(
          AskPattern.<PeerCommand, StatusReply<PeerReply.AuditProof>>ask(
                  c.holder().ref(),
                  r -> new PeerCommand.Audit(c.block().id(), c.chunk(), r),
                  timeout,
                  scheduler)
              .handle(
                  (reply, failure) ->
                      failure != null
                          ? new Outcome(
                              c, Result.NO_ANSWER, "no answer within " + PinSettings.human(timeout))
                          : check(c, reply))
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(done -> all.stream().map(CompletableFuture::join).toList());
  }

  static Outcome check(Challenge c, StatusReply<PeerReply.AuditProof> reply) {
    if (reply.isError()) {
      return new Outcome(c, Result.REFUSED, "refused: " + reply.getError().getMessage());
    }
    PeerReply.AuditProof proof = reply.getValue();
    boolean ok;
    try {
      ok =
          proof.block().equals(c.block().id())
              && proof.chunk() == c.chunk()
              && MerkleTree.verify(
                  c.block().merkleRoot(),
                  c.block().length(),
                  c.chunk(),
                  proof.data(),
                  proof.path());
    } catch (RuntimeException e) { // a malformed proof (no path, say) is a wrong one
      ok = false;
    }
    return ok
        ? new Outcome(c, Result.PASSED, "")
        : new Outcome(c, Result.WRONG, "its proof does not match the block's Merkle root");
  }

  /** Whether judging the outcome needs a fresh plan and live set (see {@link #failed}). */
  static boolean doubtful(Outcome o) {
    return o.result() == Result.REFUSED || o.result() == Result.NO_ANSWER;
  }

  /**
   * Whether an outcome counts against the peer. A wrong proof always does. A refusal does only if
   * the book still lists the peer as holding the block once the audit is over: a peer may have
   * dropped it, and said so, since the plan was read (and an over-quota peer refusing what it never
   * claimed is not failing). Silence does only if the peer is still live: one that crashed or was
   * cut off is not misbehaving.
   */
  static boolean failed(Outcome o, PlanView fresh, Map<PeerId, LivePeer> freshLive) {
    return switch (o.result()) {
      case PASSED -> false;
      case WRONG -> true;
      case REFUSED -> {
        Block b = fresh.block(o.challenge().block().id());
        yield b != null && b.holders().contains(o.peer());
      }
      case NO_ANSWER -> freshLive.containsKey(o.peer());
    };
  }
}
