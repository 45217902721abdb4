package jewel.schemes;

import jewel.api.SchemeInfo;
import jewel.api.SchemeSpec;

/**
 * What a scheme is to a person and to a parameter check: its id, what it stores, its parameters and
 * formulas, and how a spec is completed or refused. Plain Java, so that the command line checks a
 * scheme before it contacts any node; the schemes module's {@code StorageScheme} adds the storing
 * and reading on top.
 */
public interface SchemeRules {

  /**
   * What the {@code schemes} command lists: the id, one line on what it stores, the parameters with
   * their defaults and limits, the formula for D (bytes stored divided by file size) and how many
   * peer failures a file survives.
   */
  SchemeInfo info();

  default String id() {
    return info().id();
  }

  /**
   * The spec with every parameter present (defaults filled in from {@code defaults}), or an {@link
   * IllegalArgumentException} with one line that says what is wrong.
   */
  SchemeSpec normalize(SchemeSpec spec, SchemeDefaults defaults);

  /** How many distinct live peers a store with this (normalized) spec needs. */
  int peersNeeded(SchemeSpec normalized);

  /**
   * How many peers hold each block of a file stored with this (normalized) spec: n for {@code
   * naive}, m for {@code shardshard}, 1 otherwise. What {@code check} and {@code repair} keep up.
   */
  int copiesOfEachBlock(SchemeSpec normalized);
}
