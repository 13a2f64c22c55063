package io.hashwatch.source;

import io.hashwatch.model.HeaderRecord;
import java.nio.file.Path;

/**
 * A file of consecutive blocks replayed onto the headers topic: raw 80-byte headers ({@link HeaderFileSource}) or
 * serialized full blocks ({@link BlockFileSource}). Heights run from {@link #startHeight()} one by one.
 */
public interface HeaderReplay extends Iterable<HeaderRecord> {
    Path file();

    /** The network id of the records. */
    String network();

    long startHeight();

    long count();

    /** Height of the last block, {@code startHeight - 1} for an empty file. */
    default long lastHeight() {
        return startHeight() + count() - 1;
    }

    /** How many of the file's records lie at or below {@code height}: those {@link #after} skips. */
    default long countUpTo(long height) {
        return Math.max(0, Math.min(count(), height - startHeight() + 1));
    }

    /** The {@code source} field of the records. */
    String sourceName();

    /** The hash of the block at {@code height}, which must be within the file. */
    String hashAt(long height);

    /** The records above {@code height}: the whole file below its start, nothing past its end. */
    Iterable<HeaderRecord> after(long height);
}
