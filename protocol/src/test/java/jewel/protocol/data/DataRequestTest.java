package jewel.protocol.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import jewel.api.BlockId;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class DataRequestTest {
  static final BlockId ID = new BlockId("ab".repeat(32));

  @Test
  void encodeDecodeRoundTrips() {
    List<DataRequest> requests =
        List.of(
            DataRequest.putBlock(0, Optional.empty()),
            DataRequest.putBlock(Long.MAX_VALUE, Optional.of(ID)),
            DataRequest.getBlock(ID, 0, -1),
            DataRequest.getBlock(ID, 12345678901L, 42),
            DataRequest.putFile("tok-😀-é", 7),
            DataRequest.getFile("t".repeat(DataRequest.MAX_NAME_BYTES), 5, -1));
    for (DataRequest r : requests) {
      ByteString header = r.encode();
      assertEquals(header.size(), DataRequest.headerLength(header), r.toString());
      assertEquals(r, DataRequest.decode(header));
    }
    assertEquals(DataRequest.FIXED_LENGTH, DataRequest.putBlock(1, Optional.empty()).encode().size());
    assertEquals(
        DataRequest.FIXED_LENGTH + 32, DataRequest.putBlock(1, Optional.of(ID)).encode().size());
  }

  @Test
  void headerLengthNeedsSevenBytesUnlessTheMagicIsWrong() {
    ByteString header = DataRequest.getBlock(ID, 0, -1).encode();
    for (int i = 0; i < Wire.PREFIX; i++) {
      assertEquals(-1, DataRequest.headerLength(header.take(i)), "prefix of " + i);
    }
    for (int i = Wire.PREFIX; i <= header.size(); i++) {
      assertEquals(header.size(), DataRequest.headerLength(header.take(i)));
    }
    // a wrong first byte is known at once: hand on what is there
    assertEquals(1, DataRequest.headerLength(ByteString.fromString("G")));
    assertEquals(3, DataRequest.headerLength(ByteString.fromString("JWX")));
  }

  @Test
  void malformedHeadersAreRejectedClearly() {
    ByteString good = DataRequest.getBlock(ID, 0, -1).encode();
    assertMessage("magic", ByteString.fromString("GET / HTTP/1.1\r\n\r\n"));
    assertMessage("only 3 bytes", good.take(3));
    assertMessage("truncated", good.take(good.size() - 1));
    byte[] v2 = good.toArray();
    v2[4] = 2;
    assertMessage("unsupported data channel version 2", ByteString.fromArray(v2));
    byte[] op = good.toArray();
    op[7] = 9;
    assertMessage("unknown op 9", ByteString.fromArray(op));
    byte[] kind = good.toArray();
    kind[8] = 0;
    assertMessage("unknown kind 0", ByteString.fromArray(kind));
    byte[] flags = good.toArray();
    flags[9] = 4;
    assertMessage("unknown flags", ByteString.fromArray(flags));
    byte[] name = good.toArray();
    name[27] = (byte) 200; // name length 200 > the 64 there
    assertMessage("does not fit", ByteString.fromArray(name));
    byte[] notHex = good.toArray();
    notHex[28] = 'Z';
    assertMessage("not a block id", ByteString.fromArray(notHex));
    byte[] negative = good.toArray();
    negative[18] = (byte) 0x80; // length becomes very negative
    assertMessage("bad length", ByteString.fromArray(negative));
    ByteString longer = good.concat(ByteString.fromString("x"));
    assertMessage("bytes where the header declares", longer);
  }

  @Test
  void constructorRefusesNonsense() {
    assertThrows(IllegalArgumentException.class, () -> DataRequest.putBlock(-1, Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> DataRequest.getBlock(ID, -1, 10));
    assertThrows(IllegalArgumentException.class, () -> DataRequest.getBlock(ID, 0, -2));
    assertThrows(IllegalArgumentException.class, () -> DataRequest.getFile("", 0, 1));
    assertThrows(IllegalArgumentException.class, () -> DataRequest.getFile("a\nb", 0, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> DataRequest.getFile("x".repeat(DataRequest.MAX_NAME_BYTES + 1), 0, 1));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DataRequest(
                DataRequest.Op.GET, DataRequest.Kind.BLOCK, "nothex", 0, 1, Optional.empty()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DataRequest(
                DataRequest.Op.GET, DataRequest.Kind.TOKEN, "t", 0, 1, Optional.of(ID)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DataRequest(
                DataRequest.Op.PUT, DataRequest.Kind.TOKEN, "t", 3, 1, Optional.empty()));
  }

  @Test
  void toStringHidesTokens() {
    String s = DataRequest.getFile("secret-token", 0, 5).toString();
    assertTrue(!s.contains("secret"), s);
  }

  @Test
  void statusRoundTripsAndMessagesStayOneLine() {
    Wire.Status ok = Wire.Status.ok(123, ID.hex());
    assertEquals(ok, Wire.Status.decode(ok.encode()));
    Wire.Status err = Wire.Status.error("first line\nsecond line");
    assertEquals("first line second line", Wire.Status.decode(err.encode()).text());
    Wire.Status huge = Wire.Status.error("é".repeat(10_000));
    assertTrue(huge.encode().size() <= Wire.MAX_HEADER);
    assertEquals(huge, Wire.Status.decode(huge.encode()));
    DataException notAnAnswer =
        assertThrows(
            DataException.class,
            () -> Wire.Status.decode(DataRequest.putBlock(1, Optional.empty()).encode()));
    assertTrue(notAnAnswer.getMessage().contains("magic"), notAnAnswer.getMessage());
  }

  private static void assertMessage(String expected, ByteString header) {
    DataException e = assertThrows(DataException.class, () -> DataRequest.decode(header));
    assertTrue(
        e.getMessage().contains(expected),
        () -> "'" + e.getMessage() + "' should contain '" + expected + "'");
    assertTrue(!e.getMessage().contains("\n"));
    assertTrue(e.getMessage().getBytes(StandardCharsets.UTF_8).length < 600, e.getMessage());
  }
}
