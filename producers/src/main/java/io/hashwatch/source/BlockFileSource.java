package io.hashwatch.source;

import io.hashwatch.bitcoin.Coinbase;
import io.hashwatch.bitcoin.MalformedBitcoinDataException;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.bitcoin.RawBlock;
import io.hashwatch.model.HeaderRecord;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * Blocks from a file of concatenated serialized blocks (the bytes of Bitcoin Core's {@code getblock <hash> 0}, one
 * after the other; gzipped when the file starts with the gzip magic, e.g. {@code .gz}). Each block is parsed
 * ({@link RawBlock}: every transaction stepped over, the merkle root checked), and published as
 * {@code HeaderRecord(network, height, header, fees null, tx count, "blocks:<file name>", now, coinbase, claimed fees)}.
 *
 * <p>The first block is at the given start height, or, without one, at its coinbase's BIP34 height (from block
 * 227,931 on mainnet). A coinbase that does not parse (or states another height) is published as it is, without
 * claimed fees: the pipeline dead-letters it with its reason and keeps the header. Bytes that are not blocks (cut,
 * changed: a merkle root that does not match) refuse the file with the block and byte where it went wrong. The file
 * is read whole (at most {@value #MAX_BYTES} bytes).
 */
public final class BlockFileSource implements HeaderReplay {
    static final long MAX_BYTES = 1L << 30;

    private final Path file;
    private final String network;
    private final long startHeight;
    private final List<RawBlock> blocks;
    private final LongSupplier clockMs;

    /**
     * @param startHeight the height of the first block, or null to take it from its coinbase (BIP34)
     * @throws IllegalArgumentException saying what to fix: file missing or unreadable, not blocks, no height
     */
    public BlockFileSource(Path file, Long startHeight, String network) {
        this(file, startHeight, network, System::currentTimeMillis);
    }

    BlockFileSource(Path file, Long startHeight, String network, LongSupplier clockMs) {
        this.file = file;
        this.clockMs = clockMs;
        Network net = Network.byName(network).orElseThrow(() -> new IllegalArgumentException("unknown network '"
                + network + "': use one of " + Arrays.stream(Network.values()).map(Network::id)
                .collect(Collectors.joining(", "))));
        this.network = net.id();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("block file " + file + " does not exist or is not a readable file");
        }
        byte[] data;
        try {
            data = read(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read block file " + file + ": " + e.getMessage(), e);
        }
        try {
            this.blocks = RawBlock.parseAll(data);
        } catch (MalformedBitcoinDataException e) {
            throw new IllegalArgumentException("block file " + file + " is not concatenated serialized blocks"
                    + " (getblock <hash> 0): " + e.getMessage(), e);
        }
        if (startHeight != null) {
            if (startHeight < 0) {
                throw new IllegalArgumentException("start height must be >= 0, got " + startHeight);
            }
            this.startHeight = startHeight;
        } else {
            Long h = blocks.isEmpty() || blocks.get(0).coinbase() == null ? null
                    : blocks.get(0).coinbase().bip34Height();
            if (h == null || h < net.bip34Height()) {
                throw new IllegalArgumentException("block file " + file + ": the first block's height is not in its"
                        + " coinbase (BIP34 applies from height " + net.bip34Height() + "): give --start-height N");
            }
            this.startHeight = h;
        }
    }

    private static byte[] read(Path file) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new IOException(Files.size(file) + " bytes; at most " + MAX_BYTES + " are read (split it)");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            byte[] data = in.readNBytes((int) MAX_BYTES + 1);
            if (data.length > MAX_BYTES) {
                throw new IOException("more than " + MAX_BYTES + " bytes uncompressed (split it)");
            }
            return data;
        }
    }

    /** The parsed blocks, in file order. */
    public List<RawBlock> blocks() {
        return blocks;
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public String network() {
        return network;
    }

    @Override
    public long startHeight() {
        return startHeight;
    }

    @Override
    public long count() {
        return blocks.size();
    }

    @Override
    public String sourceName() {
        return "blocks:" + file.getFileName();
    }

    @Override
    public String hashAt(long height) {
        if (height < startHeight || height > lastHeight()) {
            throw new IllegalArgumentException("height " + height + " is not in " + this);
        }
        return blocks.get((int) (height - startHeight)).hash();
    }

    @Override
    public Iterator<HeaderRecord> iterator() {
        return records(0).iterator();
    }

    @Override
    public Iterable<HeaderRecord> after(long height) {
        int skip = (int) countUpTo(height);
        return () -> records(skip).iterator();
    }

    private List<HeaderRecord> records(int skip) {
        Network net = Network.byName(network).orElseThrow();
        List<HeaderRecord> out = new ArrayList<>(blocks.size() - skip);
        String source = sourceName();
        for (int i = skip; i < blocks.size(); i++) {
            RawBlock b = blocks.get(i);
            long height = startHeight + i;
            Long claimed = null;
            Coinbase c = b.coinbase();
            if (c != null) {
                try {
                    claimed = c.checkHeight(net, height).claimedFeesSat(height);
                } catch (MalformedBitcoinDataException e) {
                    claimed = null; // the pipeline dead-letters the coinbase with this reason
                }
            }
            String coinbase = b.coinbaseHex().length() > HeaderRecord.MAX_COINBASE_HEX ? null : b.coinbaseHex();
            out.add(new HeaderRecord(network, height, b.header().hex(), null, b.txCount(), source,
                    clockMs.getAsLong(), coinbase, coinbase == null ? null : claimed));
        }
        return out;
    }

    @Override
    public String toString() {
        return "BlockFileSource[" + file + ", " + network + " " + startHeight + ".." + lastHeight() + "]";
    }
}
