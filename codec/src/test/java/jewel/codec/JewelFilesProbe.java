package jewel.codec;

import java.nio.file.Path;
import java.util.List;

/**
 * Run in a small-heap child JVM by {@link JewelFilesTest}: split FILE into 4 + 2 jewels in DIR,
 * join 4 of them into OUT.
 */
public final class JewelFilesProbe {

  private JewelFilesProbe() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    List<Path> jewels = JewelFiles.split(file, 4, 6, Path.of(args[1]), 256 * 1024, "jewel");
    JewelFiles.join(
        List.of(jewels.get(5), jewels.get(1), jewels.get(4), jewels.get(2)), Path.of(args[2]));
    System.out.println("ok");
  }
}
