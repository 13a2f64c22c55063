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

    /** Height of the last block, {@code startHeight - 1} for an empty file. */
    long lastHeight();

    long count();

    /** The {@code source} field of the records. */
    String sourceName();

    /** The hash of the block at {@code height}, which must be within the file. */
    String hashAt(long height);

    /** The records above {@code height}: the whole file below its start, nothing past its end. */
    Iterable<HeaderRecord> after(long height);
}
