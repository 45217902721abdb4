package jewel.node.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** S3's request bodies read, hostile ones refused, and text escaped in what is written. */
class S3XmlTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void deleteObjectsBodiesAreRead() {
    var asked =
        S3Xml.deleteRequest(
            utf8(
                "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
                    + "<Object><Key>a &amp; b</Key></Object><Object><Key>é/c</Key></Object>"
                    + "</Delete>"));
    assertEquals(new S3Xml.DeleteRequest(true, List.of("a & b", "é/c")), asked);
    assertEquals(
        false, S3Xml.deleteRequest(utf8("<Delete><Object><Key>k</Key></Object></Delete>")).quiet());
  }

  @Test
  void completeBodiesAreRead() {
    assertEquals(
        List.of(new ObjectStore.PartChoice(1, "\"e1\""), new ObjectStore.PartChoice(2, "e2")),
        S3Xml.completeRequest(
            utf8(
                "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"e1\"</ETag>"
                    + "</Part><Part><ETag>e2</ETag><PartNumber> 2 </PartNumber></Part>"
                    + "</CompleteMultipartUpload>")));
  }

  @Test
  void aLocationConstraintIsOptional() {
    assertNull(S3Xml.locationConstraint(new byte[0]));
    assertEquals(
        "eu-west-1",
        S3Xml.locationConstraint(
            utf8(
                "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint>"
                    + "</CreateBucketConfiguration>")));
  }

  @Test
  void malformedAndHostileBodiesAreRefused() {
    for (String body :
        List.of(
            "<Delete><Object><Key>k</Key></Object>",
            "<Other/>",
            "<Delete></Delete>",
            "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<Delete><Object><Key>&x;</Key></Object></Delete>")) {
      S3Exception e = assertThrows(S3Exception.class, () -> S3Xml.deleteRequest(utf8(body)));
      assertEquals("MalformedXML", e.code(), body);
    }
    S3Exception e =
        assertThrows(
            S3Exception.class,
            () ->
                S3Xml.completeRequest(
                    utf8(
                        "<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>e"
                            + "</ETag></Part></CompleteMultipartUpload>")));
    assertEquals("MalformedXML", e.code());
  }

  @Test
  void writtenTextIsEscaped() {
    String xml = S3Xml.error("NoSuchKey", "no <key> & \"more\"", "/b/k", "ID");
    assertTrue(
        xml.endsWith(
            "<Error><Code>NoSuchKey</Code><Message>no &lt;key&gt; &amp; &quot;more&quot;"
                + "</Message><Resource>/b/k</Resource><RequestId>ID</RequestId></Error>"),
        xml);
  }
}
