package jewel.protocol;

import java.util.List;

/**
 * What a peer checks before it deletes a block the registry found unreferenced: the registry's view
 * of the stores in progress when it planned the deletion. A store may write a block whose content
 * equals an unreferenced one, and a peer cannot tell from the bytes which store wrote them; so the
 * peer remembers which upload last wrote each block and keeps it if that upload was still open, or
 * began after the plan. Upload ids grow, so "began after" is "greater than {@code newestUpload}".
 *
 * @param openUploads the uploads the registry held open when it planned
 * @param newestUpload the greatest upload id the registry had handed out then (or, while it may not
 *     yet have heard of every store in progress, an id below all)
 * @param minAgeMillis a block file modified less than this long ago (by the peer's clock) stays
 */
public record DeleteGuard(List<Long> openUploads, long newestUpload, long minAgeMillis)
    implements JewelSerializable {
  public DeleteGuard {
    openUploads = List.copyOf(openUploads);
  }

  /** Whether a block last written by {@code upload} must stay. */
  public boolean protects(long upload) {
    return upload > newestUpload || openUploads.contains(upload);
  }
}
