package jewel.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the registry keeps with a file stored as an S3 object (see {@link FileEntry#object}): the
 * client's {@code Content-Type} (null: none), its {@code x-amz-meta-*} headers (names lower case,
 * without the prefix), the object's ETag unquoted (the hex MD5 of its bytes, or for a multipart
 * object the hex MD5 of its parts' MD5s, a dash and the number of parts), and, for a multipart
 * object, the upload whose part files hold its bytes and which of them, in order (null and empty
 * for an object stored whole).
 *
 * <p>A file with parts is a <em>composite</em>: it has no blocks of its own, its bytes are its
 * parts' bytes one after the other, and its health is theirs. The registry deletes its parts with
 * it. Parts are named by number, not by file name, so that the entry of an object of 10,000 parts
 * still fits a message.
 */
public record ObjectAttributes(
    String contentType,
    Map<String, String> userMetadata,
    String etag,
    String upload,
    List<Part> parts) {
  public ObjectAttributes {
    // Sorted, so that the JSON of an entry is the same whatever map the client gave.
    userMetadata =
        userMetadata == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(userMetadata));
    parts = parts == null ? List.of() : List.copyOf(parts);
  }

  /** Attributes of an object stored whole. */
  public static ObjectAttributes whole(
      String contentType, Map<String, String> userMetadata, String etag) {
    return new ObjectAttributes(contentType, userMetadata, etag, null, List.of());
  }

  /** Part {@code number} of the upload, of {@code size} bytes. */
  public record Part(int number, long size) {}

  public boolean composite() {
    return upload != null;
  }

  /** The files that hold a composite's bytes, in order (none for an object stored whole). */
  public List<FileName> partFiles() {
    List<FileName> files = new ArrayList<>(parts.size());
    for (Part p : parts) {
      files.add(UploadParts.part(upload, p.number()));
    }
    return files;
  }

  public ObjectAttributes withEtag(String newEtag) {
    return new ObjectAttributes(contentType, userMetadata, newEtag, upload, parts);
  }
}
