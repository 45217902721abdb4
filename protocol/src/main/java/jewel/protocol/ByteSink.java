package jewel.protocol;

/**
 * A file some node accepts on its data channel under a one-time {@code token}: where the
 * coordinator writes the bytes of a get.
 */
public record ByteSink(DataAddress address, String token) implements JewelSerializable {}
