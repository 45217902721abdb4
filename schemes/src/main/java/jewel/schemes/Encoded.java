package jewel.schemes;

import java.util.List;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.StoredBlock;

/**
 * What a store produced: the whole file's id, how its blocks rebuild it, and which peer
 * acknowledged which block.
 */
public record Encoded(BlockId root, BlockLayout layout, List<StoredBlock> blocks) {}
