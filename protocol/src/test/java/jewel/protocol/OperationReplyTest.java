package jewel.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import jewel.api.BlockId;
import jewel.api.BlockLayout;
import jewel.api.FileEntry;
import jewel.api.FileName;
import jewel.api.JewelException;
import jewel.api.SchemeSpec;
import org.junit.jupiter.api.Test;

class OperationReplyTest {
  private static final FileEntry ENTRY =
      new FileEntry(
          new FileName("a.txt"),
          3,
          new BlockId("ab".repeat(32)),
          SchemeSpec.of("hosting"),
          BlockLayout.whole(),
          List.of(),
          1L);

  @Test
  void aDoneOperationGivesItselfAndAFailedOneThrowsItsReasonAndKind() {
    OperationReply.CommitReply stored = new OperationReply.Stored(ENTRY.name());
    OperationReply.DeleteReply removed = new OperationReply.Removed(ENTRY);
    assertSame(stored, stored.stored());
    assertSame(removed, removed.removed());

    OperationReply.Failed failed =
        new OperationReply.Failed("file 'a.txt' exists", JewelException.Kind.CONFLICT);
    JewelException onCommit = assertThrows(JewelException.class, failed::stored);
    assertEquals("file 'a.txt' exists", onCommit.getMessage());
    assertEquals(JewelException.Kind.CONFLICT, onCommit.kind());
    assertEquals(
        JewelException.Kind.CONFLICT, assertThrows(JewelException.class, failed::removed).kind());
  }
}
