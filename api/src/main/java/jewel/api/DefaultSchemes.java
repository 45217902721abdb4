package jewel.api;

import java.util.Map;

/**
 * @param clusterDefault the scheme a store without {@code --scheme} uses
 * @param peerDefaults per-peer defaults by peer name, for stores {@code --from} that peer
 */
public record DefaultSchemes(SchemeSpec clusterDefault, Map<String, SchemeSpec> peerDefaults) {
  public DefaultSchemes {
    peerDefaults = Map.copyOf(peerDefaults);
  }
}
