package jewel.schemes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jewel.api.SchemeSpec;

/** Every scheme Jewel knows, by id. */
public final class Schemes {
  private final Map<String, StorageScheme> byId = new LinkedHashMap<>();
  private final SchemeDefaults defaults;

  public Schemes(SchemeDefaults defaults) {
    this.defaults = defaults;
    for (StorageScheme s :
        List.of(
            ReplicationScheme.hosting(),
            ReplicationScheme.naive(),
            ShardScheme.shard(),
            ShardScheme.shardShard(),
            JewelScheme.parity(defaults),
            JewelScheme.reedSolomon(defaults))) {
      byId.put(s.id(), s);
    }
  }

  public List<StorageScheme> all() {
    return List.copyOf(byId.values());
  }

  public SchemeDefaults defaults() {
    return defaults;
  }

  /** The scheme of this id, or one line naming the ones that exist. */
  public StorageScheme get(String id) {
    StorageScheme s = byId.get(id);
    if (s == null) {
      throw new IllegalArgumentException(
          "unknown scheme '" + id + "' (known: " + String.join(", ", byId.keySet()) + ")");
    }
    return s;
  }

  /** The spec with its defaults filled in, or one line saying what is wrong. */
  public SchemeSpec normalize(SchemeSpec spec) {
    return get(spec.id()).normalize(spec, defaults);
  }
}
