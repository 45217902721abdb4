package jewel.schemes;

import jewel.api.BlockId;
import jewel.api.PeerId;

/**
 * A peer served bytes that do not hash to the block they were asked for. It names the copy (block
 * and peer) so that a reader can try again without it.
 */
public final class CorruptBlockException extends RuntimeException {
  private final BlockId block;
  private final PeerId peer;

  public CorruptBlockException(BlockId block, PeerId peer, BlockId actual) {
    super(
        "block "
            + block.shortHex()
            + "… from "
            + peer
            + " is corrupted (its bytes hash to "
            + actual.shortHex()
            + "…)",
        null,
        false,
        false);
    this.block = block;
    this.peer = peer;
  }

  public BlockId block() {
    return block;
  }

  public PeerId peer() {
    return peer;
  }
}
