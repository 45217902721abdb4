package jewel.schemes;

import jewel.api.SchemeSpec;

/**
 * A storage scheme on top of its {@link SchemeRules}: its id, description and parameter checks
 * are the rules', kept apart in the codec module so the command line checks a scheme without
 * Pekko; a subclass adds the storing and reading.
 */
abstract class SchemeOnRules<R extends SchemeRules> implements StorageScheme {
  final R rules;

  SchemeOnRules(R rules) {
    this.rules = rules;
  }

  @Override
  public final String id() {
    return rules.id();
  }

  @Override
  public final String summary() {
    return rules.summary();
  }

  @Override
  public final String parameters() {
    return rules.parameters();
  }

  @Override
  public final String redundancyFormula() {
    return rules.redundancyFormula();
  }

  @Override
  public final String survivesFormula() {
    return rules.survivesFormula();
  }

  @Override
  public final SchemeSpec normalize(SchemeSpec spec, SchemeDefaults defaults) {
    return rules.normalize(spec, defaults);
  }

  @Override
  public final int peersNeeded(SchemeSpec normalized) {
    return rules.peersNeeded(normalized);
  }
}
