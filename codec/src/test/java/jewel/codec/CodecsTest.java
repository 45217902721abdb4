package jewel.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CodecsTest {

  @Test
  void namesPickCodecs() {
    assertInstanceOf(ReedSolomonCodec.class, Codecs.reedSolomon("jewel", 4, 2));
    assertInstanceOf(BackblazeCodec.class, Codecs.reedSolomon("backblaze", 4, 2));
    assertInstanceOf(ReedSolomonCodec.class, Codecs.reedSolomon(4, 2));
    assertSame(Codecs.reedSolomon("jewel", 4, 2), Codecs.reedSolomon("jewel", 4, 2));
    assertEquals(List.of("jewel", "backblaze"), Codecs.names());
  }

  @Test
  void unknownNameListsTheValidOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Codecs.reedSolomon("isal", 4, 2));
    assertEquals("unknown codec 'isal': valid codecs are jewel, backblaze", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Codecs.reedSolomon(null, 4, 2));
    assertThrows(IllegalArgumentException.class, () -> Codecs.reedSolomon("jewel", 0, 2));
  }
}
