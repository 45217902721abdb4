package jewel.protocol.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import jewel.api.BlockId;
import jewel.protocol.DataAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class DataRequestTest {
  static final BlockId ID = new BlockId("ab".repeat(32));

  static final DataAddress AT = new DataAddress("10.0.0.7", 7355);

  private static final OptionalLong NO_UPLOAD = OptionalLong.empty();

  @Test
  void requestsHaveTheirPaths() {
    assertEquals("http://10.0.0.7:7355/blocks", DataRequest.putBlock(5).uri(AT).toString());
    assertEquals(
        "http://10.0.0.7:7355/blocks/" + ID.hex(),
        DataRequest.putBlock(5, Optional.of(ID)).uri(AT).toString());
    assertEquals(
        "http://10.0.0.7:7355/blocks/" + ID.hex(),
        DataRequest.getBlock(ID, 3, 4).uri(AT).toString());
    // A token is a capability: it travels in a header, never in the path servers log.
    var get = DataRequest.getFile("a b/c?").http(AT);
    assertEquals("http://10.0.0.7:7355/files", get.getUri().toString());
    assertEquals("a b/c?", get.getHeader(DataRequest.TOKEN_HEADER).orElseThrow().value());
    var put = DataRequest.putFile("t", 1).http(AT);
    assertEquals("PUT", put.method().value());
    assertEquals("t", put.getHeader(DataRequest.TOKEN_HEADER).orElseThrow().value());
  }

  @Test
  void rangesRoundTripThroughTheRangeHeader() {
    List<DataRequest> requests =
        List.of(
            DataRequest.getBlock(ID, 0, -1),
            DataRequest.getBlock(ID, 0, 1),
            DataRequest.getBlock(ID, 12345678901L, 42),
            DataRequest.getBlock(ID, 7, -1),
            DataRequest.getFile("tok-😀-é", 5, -1));
    for (DataRequest r : requests) {
      assertEquals(r, DataRequest.get(r.kind(), r.name(), r.range()), r.toString());
    }
    assertEquals(Optional.empty(), DataRequest.getBlock(ID, 0, -1).range());
    assertEquals(Optional.of("bytes=10-19"), DataRequest.getBlock(ID, 10, 10).range());
    assertEquals(Optional.of("bytes=10-"), DataRequest.getBlock(ID, 10, -1).range());
    assertEquals(
        DataRequest.putBlock(9, Optional.of(ID)),
        DataRequest.put(DataRequest.Kind.BLOCK, ID.hex(), 9));
    assertEquals(DataRequest.putFile("t", 9), DataRequest.put(DataRequest.Kind.TOKEN, "t", 9));
  }

  @Test
  void malformedHttpRequestsAreRejectedClearly() {
    DataRequest.Kind block = DataRequest.Kind.BLOCK;
    assertMessage(
        "bad Range header 'bytes=-5'", () -> DataRequest.get(block, ID.hex(), range("bytes=-5")));
    assertMessage(
        "END is before START", () -> DataRequest.get(block, ID.hex(), range("bytes=9-3")));
    assertMessage(
        "bad Range header", () -> DataRequest.get(block, ID.hex(), range("bytes=1-2,5-6")));
    assertMessage("not a block id", () -> DataRequest.get(block, "nothex", Optional.empty()));
    assertMessage("not a block id", () -> DataRequest.put(block, "nothex", 3));
  }

  @Test
  void constructorRefusesNonsense() {
    assertThrows(IllegalArgumentException.class, () -> DataRequest.putBlock(-1, Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> DataRequest.getBlock(ID, -1, 10));
    assertThrows(IllegalArgumentException.class, () -> DataRequest.getBlock(ID, 0, -2));
    assertThrows(IllegalArgumentException.class, () -> DataRequest.getBlock(ID, Long.MAX_VALUE, 2));
    assertThrows(IllegalArgumentException.class, () -> DataRequest.getFile("", 0, 1));
    assertThrows(IllegalArgumentException.class, () -> DataRequest.getFile("a\nb", 0, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> DataRequest.getFile("x".repeat(DataRequest.MAX_NAME_BYTES + 1), 0, 1));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DataRequest(
                DataRequest.Op.GET,
                DataRequest.Kind.BLOCK,
                "nothex",
                0,
                1,
                Optional.empty(),
                NO_UPLOAD));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DataRequest(
                DataRequest.Op.GET, DataRequest.Kind.TOKEN, "t", 0, 1, Optional.of(ID), NO_UPLOAD));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DataRequest(
                DataRequest.Op.PUT,
                DataRequest.Kind.TOKEN,
                "t",
                3,
                1,
                Optional.empty(),
                NO_UPLOAD));
  }

  @Test
  void aBlockPutCarriesItsUploadInAHeader() {
    DataRequest put = DataRequest.putBlock(9, Optional.of(ID), OptionalLong.of(1234));
    assertEquals("1234", put.http(AT).getHeader(DataRequest.UPLOAD_HEADER).orElseThrow().value());
    assertEquals(put, DataRequest.put(DataRequest.Kind.BLOCK, ID.hex(), 9, Optional.of(" 1234 ")));
    assertTrue(DataRequest.putBlock(9).http(AT).getHeader(DataRequest.UPLOAD_HEADER).isEmpty());
    assertMessage(
        "bad X-Jewel-Upload header 'x'",
        () -> DataRequest.put(DataRequest.Kind.BLOCK, "", 9, Optional.of("x")));
    assertMessage(
        "only a PUT of a BLOCK carries an upload",
        () -> DataRequest.put(DataRequest.Kind.TOKEN, "t", 9, Optional.of("5")));
  }

  @Test
  void toStringHidesTokens() {
    String s = DataRequest.getFile("secret-token", 0, 5).toString();
    assertTrue(!s.contains("secret"), s);
  }

  private static Optional<String> range(String value) {
    return Optional.of(value);
  }

  private static void assertMessage(String expected, Executable parse) {
    DataException e = assertThrows(DataException.class, parse);
    assertTrue(
        e.getMessage().contains(expected),
        () -> "'" + e.getMessage() + "' should contain '" + expected + "'");
    assertTrue(!e.getMessage().contains("\n"));
    assertTrue(e.getMessage().getBytes(StandardCharsets.UTF_8).length < 600, e.getMessage());
  }
}
