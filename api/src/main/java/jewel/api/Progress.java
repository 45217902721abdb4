package jewel.api;

/** Told how far a long transfer is; called from the transfer's thread, often. */
@FunctionalInterface
public interface Progress {
  Progress NONE = (done, total) -> {};

  /**
   * @param total the bytes the transfer will move in all, or -1 if not known yet
   */
  void update(long done, long total);
}
