package jewel.protocol;

/**
 * A file some node offers on its data channel under a one-time {@code token}: where the coordinator
 * reads the bytes of a store.
 */
public record ByteSource(DataAddress address, String token, long size)
    implements JewelSerializable {}
