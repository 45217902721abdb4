package jewel.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ids and scheme specs travel as plain strings, in the HTTP API and in persisted events alike. */
class JsonFormTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void idsAreStrings() throws Exception {
    BlockId block = new BlockId("ab".repeat(32));
    assertEquals("\"" + "ab".repeat(32) + "\"", json.writeValueAsString(block));
    assertEquals(block, json.readValue(json.writeValueAsString(block), BlockId.class));
    assertEquals("\"peer-2\"", json.writeValueAsString(new PeerId("peer-2")));
    assertEquals(new FileName("a b.txt"), json.readValue("\"a b.txt\"", FileName.class));
    assertEquals(
        "\"reedsolomon k=4 n=6\"",
        json.writeValueAsString(SchemeSpec.parse("reedsolomon n=6 k=4")));
    assertEquals(SchemeSpec.parse("naive n=3"), json.readValue("\"naive n=3\"", SchemeSpec.class));
  }

  @Test
  void aBadIdIsRefusedWhenRead() {
    assertThrows(Exception.class, () -> json.readValue("\"../etc\"", FileName.class));
    assertThrows(Exception.class, () -> json.readValue("\"XYZ\"", BlockId.class));
  }

  @Test
  void aFileEntryRoundTrips() throws Exception {
    BlockId id = new BlockId("cd".repeat(32));
    FileEntry entry =
        new FileEntry(
            new FileName("f.bin"),
            10,
            id,
            SchemeSpec.parse("naive n=2"),
            BlockLayout.whole(),
            List.of(new StoredBlock(0, id, 10, List.of(new PeerId("peer-1")), null)),
            42);
    assertEquals(entry, json.readValue(json.writeValueAsString(entry), FileEntry.class));
    FileEntry object =
        new FileEntry(
            new FileName("bucket/key"),
            10,
            id,
            SchemeSpec.parse("naive n=2"),
            new BlockLayout("parts", 1, 1, 0, "none"),
            List.of(),
            42,
            new ObjectAttributes(
                "text/plain",
                Map.of("a", "b"),
                "ab-1",
                "u1",
                List.of(new ObjectAttributes.Part(1, 10))));
    assertEquals(object, json.readValue(json.writeValueAsString(object), FileEntry.class));
    PeerSettings infinite = PeerSettings.DEFAULT.withModifier(Double.POSITIVE_INFINITY);
    assertEquals(infinite, json.readValue(json.writeValueAsString(infinite), PeerSettings.class));
  }
}
