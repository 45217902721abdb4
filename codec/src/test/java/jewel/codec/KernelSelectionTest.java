package jewel.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kernel is chosen once per JVM: a vector width with the module, scalar without it, and
 * whatever -Djewel.codec.kernel forces; a forced kernel that cannot run fails loudly.
 */
class KernelSelectionTest {

  private static final String MODULE = "jdk.incubator.vector";

  private static List<String> probe(String... jvmArgs) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvmArgs));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(KernelProbe.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not finish");
    assertEquals(0, p.exitValue(), out);
    return out.lines().filter(l -> !l.startsWith("WARNING")).toList();
  }

  @Test
  void withTheModuleTheDefaultIsAVectorKernel() {
    // this JVM runs with --add-modules jdk.incubator.vector (surefire argLine)
    assertTrue(
        new ReedSolomonCodec(4, 2).kernel().startsWith("vector-"),
        new ReedSolomonCodec(4, 2).kernel());
  }

  @Test
  void withoutTheModuleTheScalarKernelIsUsedAndNoVectorClassIsNeeded() throws Exception {
    List<String> out = probe();
    assertEquals(
        List.of(
            "scalar",
            "vectorAvailable=false",
            "ok",
            "vector kernel: the vector Reed-Solomon kernel is not available on this JVM: module "
                + MODULE
                + " is not present (start java with --add-modules "
                + MODULE
                + ")"),
        out);
    assertTrue(ModuleLayer.boot().findModule(MODULE).isPresent(), "this JVM has the module");
  }

  @Test
  void theVectorKernelIsTheDefaultInAChildWithTheModule() throws Exception {
    List<String> out = probe("--add-modules", MODULE);
    assertTrue(out.get(0).startsWith("vector-"), out.toString());
    assertEquals("ok", out.get(2));
  }

  @Test
  void thePropertyForcesTheScalarKernel() throws Exception {
    List<String> out = probe("--add-modules", MODULE, "-Djewel.codec.kernel=scalar");
    assertEquals(List.of("scalar", "vectorAvailable=true", "ok"), out);
  }

  @Test
  void thePropertyForcesEveryWidthThisJvmHas() throws Exception {
    for (int bits : GfKernels.vectorWidths()) {
      List<String> out = probe("--add-modules", MODULE, "-Djewel.codec.kernel=" + bits);
      assertEquals(List.of("vector-" + bits, "vectorAvailable=true", "ok"), out);
    }
  }

  @Test
  void withVectorsLimitedTo128BitsAutoPicks128() throws Exception {
    List<String> out =
        probe("--add-modules", MODULE, "-XX:MaxVectorSize=16", "-Djewel.codec.kernel=auto");
    assertEquals(List.of("vector-128", "vectorAvailable=true", "ok"), out);
  }

  @Test
  void aForcedWidthWiderThanTheJvmsVectorsFailsInsteadOfFallingBack() throws Exception {
    List<String> out =
        probe("--add-modules", MODULE, "-XX:MaxVectorSize=16", "-Djewel.codec.kernel=512");
    assertEquals(
        List.of(
            "error: -Djewel.codec.kernel=512: the 512-bit vector kernel cannot run on this JVM:"
                + " its vectors hold at most 128 bits"),
        out);
  }

  @Test
  void aForcedWidthWithoutTheModuleFails() throws Exception {
    List<String> out = probe("-Djewel.codec.kernel=128");
    assertEquals(
        List.of(
            "error: -Djewel.codec.kernel=128: the vector Reed-Solomon kernel is not available on"
                + " this JVM: module "
                + MODULE
                + " is not present (start java with --add-modules "
                + MODULE
                + ")"),
        out);
  }

  @Test
  void anUnknownKernelListsTheValidOnes() throws Exception {
    List<String> out = probe("--add-modules", MODULE, "-Djewel.codec.kernel=avx2");
    assertEquals(
        List.of(
            "error: -Djewel.codec.kernel=avx2 is not a kernel: valid are auto, scalar, 128, 512"),
        out);
  }
}
