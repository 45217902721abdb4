package jewel.protocol;

import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.JewelException;

/** Every answer of a file's coordinator. */
public sealed interface OperationReply extends JewelSerializable {

  /**
   * The answer to {@link CoordinatorCommand.Begin}: the name is this operation's until it commits
   * or releases lease {@code id}.
   */
  record Granted(FileName name, long id) implements OperationReply {}

  /** What a {@link CoordinatorCommand.Commit} answers: {@link Stored}, or {@link Failed}. */
  sealed interface CommitReply extends OperationReply {
    /** The file stored; a failure throws the {@link JewelException} it describes. */
    Stored stored();
  }

  /** What a {@link CoordinatorCommand.Delete} answers: {@link Removed}, or {@link Failed}. */
  sealed interface DeleteReply extends OperationReply {
    /** The file removed; a failure throws the {@link JewelException} it describes. */
    Removed removed();
  }

  /**
   * The file is committed. Nothing more: the store that asked has the whole entry, and the entry
   * could outgrow a frame.
   */
  record Stored(FileName name) implements CommitReply {
    @Override
    public Stored stored() {
      return this;
    }
  }

  record Removed(FileEntry entry) implements DeleteReply {
    @Override
    public Removed removed() {
      return this;
    }
  }

  /**
   * One line that says what went wrong and, where it can, what to do. (Not a {@link
   * org.apache.pekko.pattern.StatusReply} error, which could not carry the kind.)
   *
   * @param kind what sort of failure, so an API can answer with the right status
   */
  record Failed(String reason, JewelException.Kind kind) implements CommitReply, DeleteReply {
    @Override
    public Stored stored() {
      throw new JewelException(reason, kind);
    }

    @Override
    public Removed removed() {
      throw new JewelException(reason, kind);
    }
  }
}
