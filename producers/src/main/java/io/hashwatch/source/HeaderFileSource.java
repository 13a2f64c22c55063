package io.hashwatch.source;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.model.HeaderRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Block headers from a file of raw, concatenated 80-byte wire-format headers: the format of Bitcoin Core's REST
 * {@code /rest/headers/<count>/<hash>.bin} and of Electrum's {@code blockchain_headers}. The first header in the
 * file is at {@code startHeight}, each next one a height higher.
 *
 * <p>Each iteration maps the file read-only and yields {@code HeaderRecord(network, height, headerHex, null, null,
 * "file:<file name>", now)}. Nothing here checks the headers: the chain pipeline verifies them.
 */
public final class HeaderFileSource implements HeaderReplay {
    private static final HexFormat HEX = HexFormat.of();

    private final Path file;
    private final long startHeight;
    private final String network;
    private final long count;
    private final LongSupplier clockMs;

    /**
     * @throws IllegalArgumentException with a message saying what to fix: the file is missing, unreadable, or not a
     *                                  whole number of 80-byte headers; the network is unknown; the height negative
     */
    public HeaderFileSource(Path file, long startHeight, String network) {
        this(file, startHeight, network, System::currentTimeMillis);
    }

    HeaderFileSource(Path file, long startHeight, String network, LongSupplier clockMs) {
        this.file = file;
        this.startHeight = startHeight;
        this.clockMs = clockMs;
        this.network = Network.byName(network).map(Network::id).orElseThrow(() -> new IllegalArgumentException(
                "unknown network '" + network + "': use one of " + Arrays.stream(Network.values())
                        .map(Network::id).collect(Collectors.joining(", "))));
        if (startHeight < 0) {
            throw new IllegalArgumentException("start height must be >= 0, got " + startHeight);
        }
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("header file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("header file " + file + " is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("header file " + file + " is not readable");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the size of header file " + file + ": " + e, e);
        }
        if (size % BlockHeader.SIZE != 0) {
            throw new IllegalArgumentException("header file " + file + " is " + size + " bytes, not a multiple of "
                    + BlockHeader.SIZE + " (" + size / BlockHeader.SIZE + " headers and " + size % BlockHeader.SIZE
                    + " bytes left over): expected raw concatenated 80-byte block headers (REST /rest/headers .bin"
                    + " or Electrum blockchain_headers), not hex or JSON");
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("header file " + file + " is " + size + " bytes; at most "
                    + Integer.MAX_VALUE + " are supported (split it)");
        }
        this.count = size / BlockHeader.SIZE;
    }

    @Override
    public Path file() {
        return file;
    }

    /** The network id of the records (e.g. "main" is normalised to "mainnet"). */
    @Override
    public String network() {
        return network;
    }

    @Override
    public long startHeight() {
        return startHeight;
    }

    /** Number of headers in the file. */
    @Override
    public long count() {
        return count;
    }

    /** The {@code source} field of the records: {@code file:<file name>}. */
    @Override
    public String sourceName() {
        return "file:" + file.getFileName();
    }

    @Override
    public Iterator<HeaderRecord> iterator() {
        return iterator(0);
    }

    /** The records above {@code height}: the whole file below its start, nothing past its end. */
    @Override
    public Iterable<HeaderRecord> after(long height) {
        long skip = countUpTo(height);
        return () -> iterator(skip);
    }

    /** The hash of the file's header at {@code height}, which must be within the file. */
    @Override
    public String hashAt(long height) {
        if (height < startHeight || height > lastHeight()) {
            throw new IllegalArgumentException("height " + height + " is not in " + this);
        }
        ByteBuffer data = map();
        byte[] raw = new byte[BlockHeader.SIZE];
        data.position(Math.toIntExact((height - startHeight) * BlockHeader.SIZE)).get(raw);
        return BlockHeader.parse(raw).hash();
    }

    private ByteBuffer map() {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = Math.min(ch.size(), count * BlockHeader.SIZE);
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read header file " + file + ": " + e.getMessage(), e);
        }
    }

    private Iterator<HeaderRecord> iterator(long skip) {
        ByteBuffer data = map();
        data.position(Math.toIntExact(Math.min(data.limit(), skip * BlockHeader.SIZE)));
        String source = sourceName();
        return new Iterator<>() {
            private long next = skip;
            private final byte[] buf = new byte[BlockHeader.SIZE];

            @Override
            public boolean hasNext() {
                return data.remaining() >= BlockHeader.SIZE;
            }

            @Override
            public HeaderRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                data.get(buf);
                long height = startHeight + next++;
                return new HeaderRecord(network, height, HEX.formatHex(buf), null, null, source,
                        clockMs.getAsLong());
            }
        };
    }

    @Override
    public String toString() {
        return "HeaderFileSource[" + file + ", " + network + " " + startHeight + ".." + lastHeight() + "]";
    }
}
