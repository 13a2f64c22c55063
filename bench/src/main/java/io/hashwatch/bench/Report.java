package io.hashwatch.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What the bench prints: each figure as soon as it is measured, and at the end a summary of the figures that count.
 * The throughput steps run several times and only the last run counts; the figures of the earlier ones are marked
 * as warm-up and left out of the summary.
 */
final class Report {
    private final PrintWriter out;
    private final int iterations;
    private final List<String> counted = new ArrayList<>();
    private int iteration = 1;

    Report(PrintWriter out, int iterations) {
        this.out = out;
        this.iterations = iterations;
    }

    /** The run of the throughput steps that the next figures come from, from 1 to {@code iterations}. */
    void iteration(int iteration) {
        this.iteration = iteration;
    }

    void line(String format, Object... args) {
        String s = String.format(format, args);
        boolean warmUp = iteration < iterations && (s.startsWith("headers:") || s.startsWith("ticks:"));
        if (warmUp) {
            s = "(warm-up " + iteration + ") " + s;
        } else {
            counted.add(s);
        }
        out.println(s);
        out.flush();
    }

    void printSummary() {
        out.println();
        out.println("== summary");
        counted.forEach(out::println);
        out.flush();
    }
}
