package io.hashwatch.launcher;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What {@code run} does when a stream thread dies: replace it, a few times. A broker outage longer than the
 * clients' timeouts can abort a transaction and kill the thread (a send that fails for good, a timeout waiting for
 * the broker: {@code SendErrorHandler}, {@code ProcessingErrorHandler}); its replacement resumes from the last commit,
 * so nothing is lost or doubled (exactly-once). One outage can kill every thread, so the budget is per thread. A
 * thread that keeps dying is a real fault: then the app stops.
 */
final class StreamThreadFailures {
    static final int MAX_REPLACEMENTS_PER_THREAD = 5;
    static final Duration WINDOW = Duration.ofMinutes(10);

    private final Deque<Long> replacements = new ArrayDeque<>();
    private final LongSupplier nanoClock;
    private final int maxReplacements;

    StreamThreadFailures(LongSupplier nanoClock, int streamThreads) {
        this.nanoClock = nanoClock;
        this.maxReplacements = MAX_REPLACEMENTS_PER_THREAD * Math.max(1, streamThreads);
    }

    /** REPLACE_THREAD unless {@link #maxReplacements()} threads were replaced within {@link #WINDOW}. */
    synchronized StreamThreadExceptionResponse onFailure() {
        long now = nanoClock.getAsLong();
        while (!replacements.isEmpty() && now - replacements.peekFirst() > WINDOW.toNanos()) {
            replacements.pollFirst();
        }
        if (replacements.size() >= maxReplacements) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        replacements.addLast(now);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** Replacements allowed within {@link #WINDOW}: {@link #MAX_REPLACEMENTS_PER_THREAD} a stream thread. */
    int maxReplacements() {
        return maxReplacements;
    }
}
