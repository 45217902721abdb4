package jewel.api;

/**
 * One pinned file.
 *
 * @param effectiveFraction the fraction in force (derived from a size limit, or the default)
 * @param blockBytes the bytes of the file's blocks, which a size limit divides
 */
public record PinView(FileName name, Pin pin, double effectiveFraction, long blockBytes) {}
