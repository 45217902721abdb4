package jewel.protocol;

/**
 * Where the next page of one file's blocks starts (see {@link RegistryCommand.LookupBlocks}): a
 * file entry travels a page of blocks at a time, since a file with hundreds of blocks, each held by
 * dozens of peers, would outgrow Artery's frame. Handed back to the registry as it came.
 *
 * @param tree the registry's key of the file's block tree (its root block and a digest of its
 *     layout and blocks): a page is refused once the file's tree is another, so the pages of a file
 *     replaced meanwhile, even by the same content under another scheme, are never mixed
 * @param from the position in the tree of the first block of the next page
 */
public record BlockCursor(String tree, int from) {}
