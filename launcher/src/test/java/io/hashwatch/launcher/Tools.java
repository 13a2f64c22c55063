package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** External tools from Debian's packages used by tests: found on PATH, required in CI, skipped with a notice else. */
final class Tools {
    record Result(int exitCode, String output) {
    }

    private Tools() {
    }

    static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Arrays.stream(path.split(java.io.File.pathSeparator)).map(d -> Path.of(d, name))
                .filter(Files::isExecutable).findFirst();
    }

    static void skipOrFailInCi(String notice) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(notice + " (.ci/run installs it)");
        }
        System.err.println("SKIPPED: " + notice);
        Assumptions.assumeTrue(false, notice);
    }

    static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }
}
