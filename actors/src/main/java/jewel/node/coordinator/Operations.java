package jewel.node.coordinator;

import java.util.concurrent.CompletionStage;
import jewel.protocol.CoordinatorCommand;
import jewel.protocol.OperationReply;

/** The work a {@link Coordinator} sequences; {@link FileOperations} is the real one. */
public interface Operations {
  CompletionStage<OperationReply> store(CoordinatorCommand.Store command);

  CompletionStage<OperationReply> get(CoordinatorCommand.Get command);

  CompletionStage<OperationReply> delete(CoordinatorCommand.Delete command);
}
