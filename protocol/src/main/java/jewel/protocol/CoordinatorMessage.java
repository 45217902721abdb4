package jewel.protocol;

import org.apache.pekko.actor.NoSerializationVerificationNeeded;

/**
 * Everything a file's coordinator receives: its protocol, {@link CoordinatorCommand}, and the
 * messages it sends itself. Those are {@link Internal} records declared beside the behaviour: they
 * never leave the actor, so they are neither serializable nor part of this module.
 */
public sealed interface CoordinatorMessage permits CoordinatorCommand, CoordinatorMessage.Internal {

  /** A message a coordinator sends itself. */
  non-sealed interface Internal extends CoordinatorMessage, NoSerializationVerificationNeeded {}
}
