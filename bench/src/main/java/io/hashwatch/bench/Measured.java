package io.hashwatch.bench;

import java.time.Duration;

/**
 * One streams app's run over a finite input, timed from RUNNING.
 *
 * @param startup            from start() to RUNNING
 * @param processing         from RUNNING until every input record and everything it led to is committed
 * @param processCpu         CPU time of this whole JVM (broker, streams app, JIT, GC) while processing
 * @param streamThreadCpu    CPU time of the app's stream threads while processing
 * @param sustainedPerSecond see {@link #sustained()}; NaN when it could not be told
 */
record Measured(Duration startup, Duration processing, long records, Duration processCpu,
                Duration streamThreadCpu, double sustainedPerSecond) {
    /** End to end: from RUNNING until every input record and everything it led to is committed. */
    double perSecond() {
        return records * 1e9 / processing.toNanos();
    }

    /**
     * The sustained rate: the main input's records taken in by the app (at most about 2,000 ahead of processing)
     * from 10% to 90% of them, read every few tens of milliseconds. It leaves out the start and, at the end, the
     * commit interval each read_committed hop adds (the full topology's prices cross three, the ceiling's one) -
     * latency, which a finite run would otherwise count as throughput. Not the committed offsets: they move once a
     * commit interval, a grain as coarse as the ceiling's whole run. End to end when nothing was read in between.
     */
    double sustained() {
        return Double.isNaN(sustainedPerSecond) ? perSecond() : sustainedPerSecond;
    }

    /** The rates, each beside the ceiling's same rate. */
    String against(Measured ceiling) {
        return String.format("sustained %,.0f/s = %.0f%% of the ceiling's %,.0f/s; end to end %,.0f/s = %.0f%% of"
                        + " the ceiling's %,.0f/s", sustained(), 100 * sustained() / ceiling.sustained(),
                ceiling.sustained(), perSecond(), 100 * perSecond() / ceiling.perSecond(), ceiling.perSecond());
    }

    /** Where the time went: CPU per record of the whole JVM and of the stream threads, and cores busy. */
    String cpu() {
        int cores = Runtime.getRuntime().availableProcessors();
        return String.format("CPU per record: %.1f us in the JVM (%.0f%% of %d cores busy), %.1f us in the stream"
                        + " thread(s)", processCpu.toNanos() / 1e3 / records,
                100.0 * processCpu.toNanos() / processing.toNanos() / cores, cores,
                streamThreadCpu.toNanos() / 1e3 / records);
    }
}
