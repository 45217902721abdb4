package jewel.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real S3 clients, the AWS CLI and boto3, run as processes with one access key and nothing of
 * the user's own AWS configuration. {@code .ci/run} makes sure both are installed and names the
 * python that has boto3 in {@code JEWEL_TEST_PYTHON}.
 */
final class S3Client {
  private static final String BOTO3_DOWNLOAD =
      String.join(
          "\n",
          "import sys, boto3",
          "endpoint, bucket, key, out = sys.argv[1:5]",
          "boto3.client('s3', endpoint_url=endpoint).download_file(bucket, key, out)");

  private final Path tmp;
  private final Map<String, String> env;

  S3Client(Path tmp, String accessKey, String secretKey) {
    this.tmp = tmp;
    this.env =
        Map.of(
            "AWS_ACCESS_KEY_ID", accessKey,
            "AWS_SECRET_ACCESS_KEY", secretKey,
            "AWS_DEFAULT_REGION", "us-east-1",
            "AWS_CONFIG_FILE", "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
  }

  /** Runs {@code aws --endpoint-url ENDPOINT ARGS…}, which must succeed; its stdout. */
  String aws(String endpoint, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("aws", "--endpoint-url", endpoint));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  /** Downloads an object with boto3's managed transfer (ranged GETs in parallel). */
  void boto3Download(String endpoint, String bucket, String key, Path out)
      throws IOException, InterruptedException {
    String python = System.getenv().getOrDefault("JEWEL_TEST_PYTHON", "python3");
    run(List.of(python, "-c", BOTO3_DOWNLOAD, endpoint, bucket, key, out.toString()));
  }

  private String run(List<String> cmd) throws IOException, InterruptedException {
    Path err = tmp.resolve("s3-client.err");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
    assertEquals(
        0,
        p.exitValue(),
        () -> {
          try {
            return cmd + " failed: " + java.nio.file.Files.readString(err);
          } catch (IOException e) {
            return cmd + " failed";
          }
        });
    return out;
  }
}
