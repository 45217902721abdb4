package jewel.node.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * S3's XML documents: the responses written as text (each a few fixed elements, which a builder
 * over a StringBuilder says more plainly than a mapping would), and the request bodies of
 * DeleteObjects, CompleteMultipartUpload and CreateBucket read with the JDK's parser, DTDs and
 * external entities refused.
 */
public final class S3Xml {
  private static final String NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";
  private static final String OWNER = "jewel";
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
          .withZone(java.time.ZoneOffset.UTC);

  private S3Xml() {}

  /** DeleteObjects' body: the keys to delete, and whether only failures are reported. */
  public record DeleteRequest(boolean quiet, List<String> keys) {}

  /** A key DeleteObjects could not delete, with S3's code and one line. */
  public record DeleteError(String key, String code, String message) {}

  // ------------------------------------------------------------------ responses

  public static String error(String code, String message, String resource, String requestId) {
    return new Doc("Error", false)
        .el("Code", code)
        .el("Message", message)
        .el("Resource", resource)
        .el("RequestId", requestId)
        .end();
  }

  public static String listBuckets(List<ObjectStore.Bucket> buckets) {
    Doc d = new Doc("ListAllMyBucketsResult", true);
    owner(d);
    d.open("Buckets");
    for (ObjectStore.Bucket b : buckets) {
      d.open("Bucket").el("Name", b.name()).el("CreationDate", time(b.createdMillis())).close();
    }
    return d.close().end();
  }

  public static String location(String region) {
    return new Doc("LocationConstraint", true).text(region).end();
  }

  /** GetBucketVersioning of a bucket that never had versioning: no Status. */
  public static String versioningNeverEnabled() {
    return new Doc("VersioningConfiguration", true).end();
  }

  /** What a ListObjects request asked, echoed in its answer. */
  public record ListQuery(
      String bucket, String prefix, String delimiter, int maxKeys, boolean urlEncoded) {}

  public static String listObjectsV2(
      ListQuery q,
      ObjectListing.Page page,
      String continuationToken,
      String startAfter,
      String nextContinuationToken,
      boolean fetchOwner) {
    UnaryOperator<String> enc = encoder(q.urlEncoded());
    Doc d = new Doc("ListBucketResult", true);
    listHead(d, q, page, enc);
    d.el("KeyCount", Integer.toString(page.objects().size() + page.commonPrefixes().size()));
    if (continuationToken != null) {
      d.el("ContinuationToken", continuationToken);
    }
    if (nextContinuationToken != null) {
      d.el("NextContinuationToken", nextContinuationToken);
    }
    if (startAfter != null) {
      d.el("StartAfter", enc.apply(startAfter));
    }
    listBody(d, page, enc, fetchOwner);
    return d.end();
  }

  public static String listObjectsV1(
      ListQuery q, ObjectListing.Page page, String marker, String nextMarker) {
    UnaryOperator<String> enc = encoder(q.urlEncoded());
    Doc d = new Doc("ListBucketResult", true);
    listHead(d, q, page, enc);
    d.el("Marker", enc.apply(marker == null ? "" : marker));
    if (nextMarker != null) {
      d.el("NextMarker", enc.apply(nextMarker));
    }
    listBody(d, page, enc, true);
    return d.end();
  }

  private static void listHead(
      Doc d, ListQuery q, ObjectListing.Page page, UnaryOperator<String> enc) {
    d.el("Name", q.bucket()).el("Prefix", enc.apply(q.prefix()));
    if (!q.delimiter().isEmpty()) {
      d.el("Delimiter", enc.apply(q.delimiter()));
    }
    d.el("MaxKeys", Integer.toString(q.maxKeys()));
    if (q.urlEncoded()) {
      d.el("EncodingType", "url");
    }
    d.el("IsTruncated", Boolean.toString(page.truncated()));
  }

  private static void listBody(
      Doc d, ObjectListing.Page page, UnaryOperator<String> enc, boolean withOwner) {
    for (ObjectStore.ObjectInfo o : page.objects()) {
      d.open("Contents")
          .el("Key", enc.apply(o.key()))
          .el("LastModified", time(o.lastModifiedMillis()))
          .el("ETag", o.etag())
          .el("Size", Long.toString(o.size()))
          .el("StorageClass", "STANDARD");
      if (withOwner) {
        owner(d);
      }
      d.close();
    }
    for (String p : page.commonPrefixes()) {
      d.open("CommonPrefixes").el("Prefix", enc.apply(p)).close();
    }
  }

  public static String copyObjectResult(ObjectStore.ObjectInfo info) {
    return new Doc("CopyObjectResult", true)
        .el("LastModified", time(info.lastModifiedMillis()))
        .el("ETag", info.etag())
        .end();
  }

  public static String uploadCreated(ObjectStore.Upload upload) {
    return new Doc("InitiateMultipartUploadResult", true)
        .el("Bucket", upload.bucket())
        .el("Key", upload.key())
        .el("UploadId", upload.uploadId())
        .end();
  }

  public static String uploadCompleted(String location, String bucket, ObjectStore.ObjectInfo o) {
    return new Doc("CompleteMultipartUploadResult", true)
        .el("Location", location)
        .el("Bucket", bucket)
        .el("Key", o.key())
        .el("ETag", o.etag())
        .end();
  }

  public static String parts(
      String bucket, String key, String uploadId, List<ObjectStore.Part> parts, int marker) {
    Doc d =
        new Doc("ListPartsResult", true)
            .el("Bucket", bucket)
            .el("Key", key)
            .el("UploadId", uploadId);
    owner(d.open("Initiator")).close();
    owner(d);
    d.el("StorageClass", "STANDARD")
        .el("PartNumberMarker", Integer.toString(marker))
        .el("MaxParts", Integer.toString(S3Rules.MAX_PARTS))
        .el("IsTruncated", "false");
    for (ObjectStore.Part p : parts) {
      d.open("Part")
          .el("PartNumber", Integer.toString(p.partNumber()))
          .el("LastModified", time(p.lastModifiedMillis()))
          .el("ETag", p.etag())
          .el("Size", Long.toString(p.size()))
          .close();
    }
    return d.end();
  }

  public static String uploads(String bucket, String prefix, List<ObjectStore.Upload> uploads) {
    Doc d =
        new Doc("ListMultipartUploadsResult", true)
            .el("Bucket", bucket)
            .el("KeyMarker", "")
            .el("UploadIdMarker", "")
            .el("Prefix", prefix)
            .el("MaxUploads", Integer.toString(Math.max(1000, uploads.size())))
            .el("IsTruncated", "false");
    for (ObjectStore.Upload u : uploads) {
      d.open("Upload").el("Key", u.key()).el("UploadId", u.uploadId());
      owner(d.open("Initiator")).close();
      owner(d);
      d.el("StorageClass", "STANDARD").el("Initiated", time(u.initiatedMillis())).close();
    }
    return d.end();
  }

  public static String deleteResult(boolean quiet, List<String> deleted, List<DeleteError> errors) {
    Doc d = new Doc("DeleteResult", true);
    if (!quiet) {
      for (String key : deleted) {
        d.open("Deleted").el("Key", key).close();
      }
    }
    for (DeleteError e : errors) {
      d.open("Error").el("Key", e.key()).el("Code", e.code()).el("Message", e.message()).close();
    }
    return d.end();
  }

  /** An instant as S3's XML gives it: ISO 8601, milliseconds, UTC. */
  public static String time(long millis) {
    return ISO_MILLIS.format(Instant.ofEpochMilli(millis));
  }

  private static Doc owner(Doc d) {
    return d.el("ID", OWNER).el("DisplayName", OWNER);
  }

  /**
   * {@code encoding-type=url}: keys percent-encoded in UTF-8 (space as %20), which clients decode
   * with a form decoder, so {@code +} must be encoded too.
   */
  private static UnaryOperator<String> encoder(boolean urlEncoded) {
    return urlEncoded
        ? s -> URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20")
        : s -> s;
  }

  /** A response document being written: elements opened and closed in order, text escaped. */
  private static final class Doc {
    private final StringBuilder out =
        new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    private final List<String> open = new ArrayList<>();

    Doc(String root, boolean namespaced) {
      out.append('<').append(root);
      if (namespaced) {
        out.append(" xmlns=\"").append(NAMESPACE).append('"');
      }
      out.append('>');
      open.add(root);
    }

    Doc open(String name) {
      out.append('<').append(name).append('>');
      open.add(name);
      return this;
    }

    Doc close() {
      out.append("</").append(open.remove(open.size() - 1)).append('>');
      return this;
    }

    Doc el(String name, String text) {
      out.append('<').append(name).append('>');
      text(text);
      out.append("</").append(name).append('>');
      return this;
    }

    Doc text(String text) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        switch (c) {
          case '<' -> out.append("&lt;");
          case '>' -> out.append("&gt;");
          case '&' -> out.append("&amp;");
          case '"' -> out.append("&quot;");
          case '\'' -> out.append("&apos;");
          case '\r' -> out.append("&#13;");
          default -> out.append(c);
        }
      }
      return this;
    }

    String end() {
      while (!open.isEmpty()) {
        close();
      }
      return out.toString();
    }
  }

  // ------------------------------------------------------------------ requests

  public static DeleteRequest deleteRequest(byte[] body) {
    Element root = parse(body, "Delete");
    List<String> keys = new ArrayList<>();
    for (Element o : children(root, "Object")) {
      keys.add(text(o, "Key"));
    }
    if (keys.isEmpty() || keys.size() > 1000) {
      throw malformed("a Delete names 1 to 1000 objects, not " + keys.size());
    }
    String quiet = optionalText(root, "Quiet");
    return new DeleteRequest("true".equalsIgnoreCase(quiet), keys);
  }

  public static List<ObjectStore.PartChoice> completeRequest(byte[] body) {
    Element root = parse(body, "CompleteMultipartUpload");
    List<ObjectStore.PartChoice> parts = new ArrayList<>();
    for (Element p : children(root, "Part")) {
      try {
        parts.add(
            new ObjectStore.PartChoice(
                Integer.parseInt(text(p, "PartNumber").strip()), text(p, "ETag").strip()));
      } catch (NumberFormatException e) {
        throw malformed("a PartNumber is a whole number, not " + text(p, "PartNumber"));
      }
    }
    return parts;
  }

  /** CreateBucket's optional body: its LocationConstraint, or null when none is given. */
  public static String locationConstraint(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    String location = optionalText(parse(body, "CreateBucketConfiguration"), "LocationConstraint");
    return location == null || location.isBlank() ? null : location.strip();
  }

  private static Element parse(byte[] body, String rootName) {
    Document doc;
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setExpandEntityReferences(false);
      f.setXIncludeAware(false);
      DocumentBuilder builder = f.newDocumentBuilder();
      builder.setErrorHandler(null);
      doc = builder.parse(new ByteArrayInputStream(body));
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser takes these features", e);
    } catch (SAXException | IOException e) {
      throw malformed("the XML body is not well formed: " + e.getMessage());
    }
    Element root = doc.getDocumentElement();
    if (!rootName.equals(root.getLocalName())) {
      throw malformed("the XML body's root is " + root.getLocalName() + ", not " + rootName);
    }
    return root;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && name.equals(e.getLocalName())) {
        found.add(e);
      }
    }
    return found;
  }

  private static String optionalText(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.get(0).getTextContent();
  }

  private static String text(Element parent, String name) {
    String text = optionalText(parent, name);
    if (text == null) {
      throw malformed("a " + parent.getLocalName() + " needs a " + name);
    }
    return text;
  }

  private static S3Exception malformed(String message) {
    return new S3Exception("MalformedXML", 400, message);
  }
}
