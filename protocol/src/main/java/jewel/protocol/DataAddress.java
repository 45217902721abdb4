package jewel.protocol;

/** Where a node's data channel listens: bulk bytes travel there, not in actor messages. */
public record DataAddress(String host, int port) implements JewelSerializable {
  public DataAddress {
    if (host == null || host.isBlank() || port <= 0 || port > 65535) {
      throw new IllegalArgumentException("bad data address " + host + ":" + port);
    }
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
