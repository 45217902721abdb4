package jewel.protocol;

import org.apache.pekko.actor.NoSerializationVerificationNeeded;

/**
 * Everything a Peer actor receives: its protocol, {@link PeerCommand}, and the messages it sends
 * itself. Those are {@link Internal} records declared beside the behaviour: they never leave the
 * actor, so they are neither serializable nor part of this module.
 */
public sealed interface PeerMessage permits PeerCommand, PeerMessage.Internal {

  /** A message a Peer actor sends itself. */
  non-sealed interface Internal extends PeerMessage, NoSerializationVerificationNeeded {}
}
