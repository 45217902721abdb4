package jewel.schemes;

import java.util.List;
import java.util.concurrent.CompletionStage;
import jewel.api.RepairReport.NewCopy;
import jewel.api.SchemeInfo;
import jewel.api.SchemeSpec;

/**
 * A storage scheme on top of its {@link SchemeRules}: its description and parameter checks are the
 * rules', kept apart in the codec module so the command line checks a scheme without Pekko; a
 * subclass adds the storing and reading.
 */
abstract class SchemeOnRules<R extends SchemeRules> implements StorageScheme {
  final R rules;

  SchemeOnRules(R rules) {
    this.rules = rules;
  }

  @Override
  public final SchemeInfo info() {
    return rules.info();
  }

  @Override
  public final SchemeSpec normalize(SchemeSpec spec, SchemeDefaults defaults) {
    return rules.normalize(spec, defaults);
  }

  @Override
  public final int peersNeeded(SchemeSpec normalized) {
    return rules.peersNeeded(normalized);
  }

  /** Copies each block from a live holder; coded schemes re-encode what none holds. */
  @Override
  public CompletionStage<List<NewCopy>> repair(RepairJob job) {
    return BlockCopies.copyAll(job);
  }

  @Override
  public final int copiesOfEachBlock(SchemeSpec normalized) {
    return rules.copiesOfEachBlock(normalized);
  }
}
