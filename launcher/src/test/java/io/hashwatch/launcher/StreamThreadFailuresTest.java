package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamThreadFailuresTest {

    @Test
    void replacesAFewThreadsPerWindowThenStops() {
        AtomicLong now = new AtomicLong();
        // Two stream threads: one outage can kill both, so each has its own five.
        StreamThreadFailures failures = new StreamThreadFailures(now::get, 2);
        assertEquals(2 * StreamThreadFailures.MAX_REPLACEMENTS_PER_THREAD, failures.maxReplacements());
        for (int i = 0; i < 2 * StreamThreadFailures.MAX_REPLACEMENTS_PER_THREAD; i++) {
            assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, failures.onFailure(), "failure " + (i + 1));
            now.addAndGet(1_000_000_000L);
        }
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, failures.onFailure(), "one too many in 10 min");

        // Once the window has passed the first failures, threads are replaced again.
        now.addAndGet(StreamThreadFailures.WINDOW.toNanos());
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, failures.onFailure());
    }
}
