package io.hashwatch.launcher;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What {@code run} does when a stream thread dies: replace it, a few times. A broker outage longer than the
 * clients' timeouts can abort a transaction and kill the thread; its replacement resumes from the last commit, so
 * nothing is lost or doubled (exactly-once). A thread that keeps dying is a real fault: then the app stops.
 */
final class StreamThreadFailures {
    static final int MAX_REPLACEMENTS = 5;
    static final Duration WINDOW = Duration.ofMinutes(10);

    private final Deque<Long> replacements = new ArrayDeque<>();
    private final LongSupplier nanoClock;

    StreamThreadFailures(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** REPLACE_THREAD unless {@link #MAX_REPLACEMENTS} threads were replaced within {@link #WINDOW}. */
    synchronized StreamThreadExceptionResponse onFailure() {
        long now = nanoClock.getAsLong();
        while (!replacements.isEmpty() && now - replacements.peekFirst() > WINDOW.toNanos()) {
            replacements.pollFirst();
        }
        if (replacements.size() >= MAX_REPLACEMENTS) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        replacements.addLast(now);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
