package jewel.protocol;

import jewel.api.BlockId;
import jewel.api.PeerId;

/** One copy of a block: the block and the peer that holds it. */
public record BlockHolder(BlockId block, PeerId peer) implements JewelSerializable {}
