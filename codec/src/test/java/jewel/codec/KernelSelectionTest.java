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

/** The kernel is chosen once per JVM: vector with the module, scalar without it or when forced. */
class KernelSelectionTest {

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
    void withTheModuleTheDefaultIsTheVectorKernel() {
        // this JVM runs with --add-modules jdk.incubator.vector (surefire argLine)
        assertTrue(new ReedSolomonCodec(4, 2).kernel().startsWith("vector-"), new ReedSolomonCodec(4, 2).kernel());
    }

    @Test
    void withoutTheModuleTheScalarKernelIsUsedAndNoVectorClassIsNeeded() throws Exception {
        List<String> out = probe();
        assertEquals(List.of("scalar", "vectorAvailable=false", "ok",
                "vector kernel: the vector Reed-Solomon kernel is not available on this JVM: module jdk.incubator.vector"
                        + " is not present (start java with --add-modules jdk.incubator.vector)"), out);
        ModuleLayer.boot().findModule("jdk.incubator.vector").orElseThrow();
    }

    @Test
    void thePropertyForcesTheScalarKernel() throws Exception {
        List<String> out = probe("--add-modules", "jdk.incubator.vector", "-Djewel.codec.scalar=true");
        assertEquals(List.of("scalar", "vectorAvailable=true", "ok"), out);
    }

    @Test
    void theVectorKernelIsTheDefaultInAChildWithTheModule() throws Exception {
        List<String> out = probe("--add-modules", "jdk.incubator.vector");
        assertTrue(out.get(0).startsWith("vector-"), out.toString());
        assertEquals("ok", out.get(2));
    }
}
