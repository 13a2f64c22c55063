package io.hashwatch.source.chain;

import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.StaleBranchRecord;
import java.util.List;

/** Where a follower publishes headers: the headers topic ({@link ChainPublisher}), or a list in tests. */
public interface HeaderSink {
    /**
     * Publishes the records in order and returns once they are durable (or throws).
     *
     * @throws SourceException of kind {@code kafka} when some may not have been written
     */
    void publish(List<HeaderRecord> records) throws SourceException;

    /** Publishes stale branches ({@code stale-branches}); a sink that keeps none ignores them. */
    default void staleBranches(List<StaleBranchRecord> records) throws SourceException {
    }
}
