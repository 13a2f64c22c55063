package io.hashwatch.bench;

import io.hashwatch.config.StreamsSettings;
import io.hashwatch.launcher.BackfillCommand;
import io.hashwatch.launcher.Hashwatch;
import io.hashwatch.launcher.HeaderFileOptions;
import io.hashwatch.launcher.UsageException;
import io.hashwatch.source.HeaderFileSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hashwatch bench}: measures the pipeline on this machine and prints each figure beside its ceiling measured
 * in the same run (a pass-through Streams app over the same records, the raw broker rates), so that the ratios hold
 * on a noisy machine. Run by hand; nothing here is a test. Each step is a class of its own; this one parses the
 * arguments and runs the steps asked for.
 */
@Command(name = "hashwatch bench", mixinStandardHelpOptions = true,
        description = {"Measure throughput, latency, memory and header hashing on this machine, each beside its"
                + " ceiling measured in the same run, and print the figures.",
            "Steps: sha (SHA-256d per second, one thread), headers (raw produce and consume rates, a pass-through"
                + " Streams app, the full topology), latency (header to read_committed hashrate record and to the"
                + " /metrics gauge, at a live-like rate, against the pass-through app), ticks (price ticks through"
                + " the reference price against the pass-through app), memory (peak RSS of `run` with its embedded"
                + " broker after the whole header file, and its state on disk), api (not by default: concurrent"
                + " loopback clients on the HTTP API's mempool endpoints and /metrics while the file is backfilled)."})
public final class Bench implements Callable<Integer> {
    private static final List<String> STEPS = List.of("sha", "headers", "latency", "ticks", "memory", "api");

    @Spec
    CommandSpec spec;

    @Mixin
    HeaderFileOptions file;

    @Option(names = "--steps", paramLabel = "LIST", split = ",", defaultValue = "sha,headers,latency,ticks,memory",
            description = "Steps to run (default: ${DEFAULT-VALUE}).")
    List<String> steps;

    @Option(names = "--ticks", paramLabel = "N", defaultValue = "1500000",
            description = "Price ticks for the ticks step (default: ${DEFAULT-VALUE}).")
    int ticks;

    @Option(names = "--latency-headers", paramLabel = "N", defaultValue = "400",
            description = "Headers held back from the headers step and sent one by one for the latency step"
                    + " (default: ${DEFAULT-VALUE}).")
    int latencyHeaders;

    @Option(names = "--latency-rate", paramLabel = "PER_SECOND", defaultValue = "20",
            description = "Rate of the latency step's headers (default: ${DEFAULT-VALUE}/s).")
    double latencyRate;

    @Option(names = "--throughput-commit-interval-ms", paramLabel = "MS",
            defaultValue = "" + BackfillCommand.COMMIT_INTERVAL_MS,
            description = "Streams commit interval of the throughput steps, for the ceiling and the full topology"
                    + " alike (default: backfill's, ${DEFAULT-VALUE}).")
    long throughputCommitMs;

    @Option(names = "--latency-commit-interval-ms", paramLabel = "MS",
            defaultValue = "" + StreamsSettings.DEFAULT_COMMIT_INTERVAL_MS,
            description = "Streams commit interval of the latency step (default: run's, ${DEFAULT-VALUE}).")
    long latencyCommitMs;

    @Option(names = "--streams-config", paramLabel = "KEY=VALUE",
            description = "A Kafka Streams or client setting for every app measured, e.g."
                    + " producer.linger.ms=20 (repeatable).")
    Map<String, String> streamsConfig = new LinkedHashMap<>();

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "3",
            description = "Runs of the headers and ticks steps, each on a fresh broker; the last is reported, the"
                    + " earlier ones warm up (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--api-clients", paramLabel = "N", defaultValue = "200",
            description = "Concurrent clients of the api step (default: ${DEFAULT-VALUE}).")
    int apiClients;

    @Option(names = "--api-seconds", paramLabel = "S", defaultValue = "30",
            description = "How long the api step's clients run (default: ${DEFAULT-VALUE} s).")
    int apiSeconds;

    @Option(names = "--memory-java-opts", paramLabel = "OPTS", defaultValue = "-Xmx512m",
            description = "JVM options of the memory step's `run` (default: ${DEFAULT-VALUE}, as ./hashwatch run).")
    String memoryJavaOpts;

    public static void main(String[] args) {
        System.exit(Hashwatch.commandLine(new Bench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        checkArguments();
        HeaderFileSource source = file.openHeaders();
        Report report = new Report(spec.commandLine().getOut(), iterations);
        report.line("hashwatch bench: %s, %d headers %d..%d; %d cores, Java %s (%s), max heap %d MiB; streams apps"
                        + " with exactly_once_v2, commit interval %d ms (throughput) and %d ms (latency)%s",
                source.file(), source.count(), source.startHeight(), source.lastHeight(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), Runtime.getRuntime().maxMemory() >> 20, throughputCommitMs,
                latencyCommitMs, streamsConfig.isEmpty() ? "" : ", " + streamsConfig);
        if (steps.contains("sha")) {
            new ShaStep(report).run(source);
        }
        HeadersStep headers = new HeadersStep(report, throughputCommitMs, streamsConfig);
        LatencyStep latency = new LatencyStep(report, latencyHeaders, latencyRate, latencyCommitMs);
        TicksStep priceTicks = new TicksStep(report, ticks, throughputCommitMs, streamsConfig);
        // Each throughput step runs --iterations times on a fresh broker; the earlier runs warm the JIT up (on two
        // cores the C2 compiler still took half a core through the second run of ten seconds), the last one counts.
        for (int i = 1; i <= iterations; i++) {
            report.iteration(i);
            if (steps.contains("headers")) {
                boolean withLatency = steps.contains("latency") && i == iterations;
                headers.run(source, withLatency ? Optional.of(latency) : Optional.empty(), i == iterations);
            }
            if (steps.contains("ticks")) {
                priceTicks.run();
            }
        }
        if (steps.contains("memory")) {
            new MemoryStep(report, memoryJavaOpts).run(source);
        }
        if (steps.contains("api")) {
            new ApiStep(report, apiClients, java.time.Duration.ofSeconds(apiSeconds), throughputCommitMs)
                    .run(source, streamsConfig);
        }
        report.printSummary();
        return 0;
    }

    private void checkArguments() {
        for (String s : steps) {
            if (!STEPS.contains(s)) {
                throw new UsageException("unknown step '" + s + "' in --steps; known: " + String.join(",", STEPS));
            }
        }
        if (apiClients < 1 || apiClients > 1000 || apiSeconds < 1 || apiSeconds > 600) {
            throw new UsageException("--api-clients must be 1..1000 and --api-seconds 1..600");
        }
        if (iterations < 1) {
            throw new UsageException("--iterations must be at least 1, got " + iterations);
        }
        if (steps.contains("latency") && !steps.contains("headers")) {
            throw new UsageException("the latency step continues the headers step's chain: add headers to --steps");
        }
    }
}
