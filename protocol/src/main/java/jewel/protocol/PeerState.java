package jewel.protocol;

/**
 * Whether a peer is up, and since when, as the registry node saw it (a poll of the live peers).
 *
 * @param sinceMillis when it last went up or down (epoch milliseconds)
 */
public record PeerState(boolean up, long sinceMillis) implements JewelSerializable {}
