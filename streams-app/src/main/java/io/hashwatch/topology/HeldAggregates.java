package io.hashwatch.topology;

import io.hashwatch.config.ProcessingErrorHandler;
import io.hashwatch.config.StreamsSettings;
import java.time.Duration;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Aggregates that every block moves (the open miner day, the pool windows) are held by their processor and published
 * once a commit interval of wall-clock time, as a cached KTable forwards on commit: every block in a live run, about
 * once a second in a backfill.
 */
final class HeldAggregates {
    private HeldAggregates() {
    }

    /** Runs {@code publish} once a commit interval, on the task's thread. */
    static void publishEachCommitInterval(ProcessorContext<?, ?> context, Runnable publish) {
        context.schedule(commitInterval(context), PunctuationType.WALL_CLOCK_TIME,
                ProcessingErrorHandler.failingTheThreadOnTimeout(now -> publish.run()));
    }

    /** The app's commit interval: what is held is published within one. */
    static Duration commitInterval(ProcessorContext<?, ?> context) {
        Object ms = context.appConfigs().get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
        return Duration.ofMillis(ms == null ? StreamsSettings.DEFAULT_COMMIT_INTERVAL_MS
                : Long.parseLong(ms.toString()));
    }
}
