package jewel.protocol;

/**
 * Marker for everything that crosses a node boundary or is persisted. Bound to Jackson CBOR in this
 * module's {@code reference.conf}, so a new message only has to implement (or extend a sealed
 * interface that extends) this marker.
 */
public interface JewelSerializable {}
