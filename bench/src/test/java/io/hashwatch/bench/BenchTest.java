package io.hashwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.launcher.Hashwatch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The bench's command line on its own: its usage, and bad arguments stopped before any step runs. */
class BenchTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int bench(String... args) {
        CommandLine cl = Hashwatch.commandLine(new Bench());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void helpNamesTheCommandAndEveryFlag() {
        assertEquals(0, bench("--help"), err.toString());
        assertTrue(out.toString().startsWith("Usage: hashwatch bench "), out.toString());
        for (String flag : List.of("--headers", "--start-height", "--network", "--steps", "--ticks",
                "--latency-headers", "--latency-rate", "--throughput-commit-interval-ms",
                "--latency-commit-interval-ms", "--streams-config", "--iterations", "--memory-java-opts")) {
            assertTrue(out.toString().contains(flag), "usage should list " + flag + ":\n" + out);
        }
    }

    @Test
    void anUnknownStepIsAUsageError() {
        assertEquals(Hashwatch.EXIT_USAGE, bench("--headers", "h.bin", "--start-height", "0", "--steps", "sha,foo"));
        assertEquals("hashwatch bench: unknown step 'foo' in --steps; known: sha,headers,latency,ticks,memory,api",
                err.toString().strip());
    }

    @Test
    void latencyNeedsTheHeadersStep() {
        assertEquals(Hashwatch.EXIT_USAGE, bench("--headers", "h.bin", "--start-height", "0", "--steps", "latency"));
        assertTrue(err.toString().contains("add headers to --steps"), err.toString());
    }

    @Test
    void aMissingOptionNamesTheBenchInItsHint() {
        assertEquals(Hashwatch.EXIT_USAGE, bench("--steps", "sha"));
        assertTrue(err.toString().contains("Try 'hashwatch bench --help' for usage."), err.toString());
    }
}
