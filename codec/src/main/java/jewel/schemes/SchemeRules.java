package jewel.schemes;

import jewel.api.SchemeSpec;

/**
 * What a scheme is to a person and to a parameter check: its id, what it stores, its
 * parameters and formulas, and how a spec is completed or refused. Plain Java, so that the
 * command line checks a scheme before it contacts any node; the schemes module's
 * {@code StorageScheme} adds the storing and reading on top.
 */
public interface SchemeRules {

  String id();

  /** One line for people: what it stores. */
  String summary();

  /** The parameters with their defaults and limits, e.g. {@code n=2 (copies, 1..255)}. */
  String parameters();

  /** The formula for D, bytes stored divided by file size. */
  String redundancyFormula();

  /** The formula for how many peer failures a file survives. */
  String survivesFormula();

  /**
   * The spec with every parameter present (defaults filled in from {@code defaults}),
   * or an {@link IllegalArgumentException} with one line that says what is wrong.
   */
  SchemeSpec normalize(SchemeSpec spec, SchemeDefaults defaults);

  /** How many distinct live peers a store with this (normalized) spec needs. */
  int peersNeeded(SchemeSpec normalized);
}
