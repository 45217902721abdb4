package jewel.api;

/**
 * A scheme as the {@code schemes} command lists it.
 *
 * @param parameters e.g. {@code n=2 (copies, 1..255)}
 * @param redundancy the formula for D
 * @param survives the formula for how many peer failures it survives
 */
public record SchemeInfo(
    String id, String summary, String parameters, String redundancy, String survives) {}
