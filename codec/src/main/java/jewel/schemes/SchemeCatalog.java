package jewel.schemes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jewel.api.SchemeSpec;

/**
 * The rules of every scheme Jewel knows, by id, in the order {@code schemes} lists them. The
 * command line checks what a person typed against it before any node is asked.
 */
public final class SchemeCatalog {
  private final Map<String, SchemeRules> byId = new LinkedHashMap<>();
  private final SchemeDefaults defaults;

  public SchemeCatalog(SchemeDefaults defaults) {
    this.defaults = defaults;
    for (SchemeRules r :
        List.of(
            ReplicationRules.hosting(),
            ReplicationRules.naive(),
            ShardRules.shard(),
            ShardRules.shardShard(),
            JewelRules.parity(),
            JewelRules.reedSolomon())) {
      byId.put(r.id(), r);
    }
  }

  public List<SchemeRules> all() {
    return List.copyOf(byId.values());
  }

  /** The rules of this id, or one line naming the ids that exist. */
  public SchemeRules get(String id) {
    SchemeRules r = byId.get(id);
    if (r == null) {
      throw new IllegalArgumentException(
          "unknown scheme '" + id + "' (known: " + String.join(", ", byId.keySet()) + ")");
    }
    return r;
  }

  /** The spec with its defaults filled in, or one line saying what is wrong. */
  public SchemeSpec normalize(SchemeSpec spec) {
    return get(spec.id()).normalize(spec, defaults);
  }
}
