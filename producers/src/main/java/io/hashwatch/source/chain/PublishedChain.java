package io.hashwatch.source.chain;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.HeaderRecord;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the headers topic holds for one network, as far as a follower needs it: the height and hash of the last
 * header, and the hashes of the last {@code window} heights of the chain it ends. Folded from the records in topic
 * order: a record at height h ends the chain there (a reorganization's branch replaces what was above its fork).
 */
public final class PublishedChain {

    /** Reads back what the topic holds for a network. */
    public interface Loader {
        /**
         * @param window how many of the last heights to keep
         * @throws SourceException of kind {@code kafka} if the topic cannot be read
         */
        PublishedChain load(String network, int window) throws SourceException;
    }

    private final String network;
    private final int window;
    private final TreeMap<Long, String> hashes = new TreeMap<>();
    private long lastHeight = -1;
    private String lastSource;
    private long records;

    public PublishedChain(String network, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1");
        }
        this.network = network;
        this.window = window;
    }

    /** The chain the records (in topic order) leave for {@code network}; others' records and bad ones are skipped. */
    public static PublishedChain fold(String network, int window, Iterable<HeaderRecord> records) {
        PublishedChain c = new PublishedChain(network, window);
        for (HeaderRecord r : records) {
            c.add(r);
        }
        return c;
    }

    /**
     * Folds one record in; false if it is not a header of this network, or only a coinbase fill (of a block published
     * before: it does not end the chain).
     */
    public boolean add(HeaderRecord r) {
        if (r == null || !network.equals(r.network()) || r.height() < 0 || r.fillsCoinbase()) {
            return false;
        }
        String hash;
        try {
            hash = BlockHeader.fromHex(r.headerHex()).hash();
        } catch (IllegalArgumentException e) {
            return false;
        }
        append(r.height(), hash);
        lastSource = r.source();
        records++;
        return true;
    }

    /** The chain now ends with {@code hash} at {@code height}: anything above is dropped. */
    public void append(long height, String hash) {
        hashes.tailMap(height, true).clear();
        hashes.put(height, hash);
        while (hashes.size() > window) {
            hashes.pollFirstEntry();
        }
        lastHeight = height;
    }

    public String network() {
        return network;
    }

    public boolean isEmpty() {
        return lastHeight < 0;
    }

    /** Height of the last header, -1 when there is none. */
    public long lastHeight() {
        return lastHeight;
    }

    public String lastHash() {
        return hashes.get(lastHeight);
    }

    /** The source field of the last record folded in (null when none or built by {@link #append}). */
    public String lastSource() {
        return lastSource;
    }

    /** Records of this network folded in. */
    public long records() {
        return records;
    }

    /** The published hash at a height, or null when not published or older than the window. */
    public String hashAt(long height) {
        return hashes.get(height);
    }

    /** Lowest height still known, -1 when empty. */
    public long lowestHeight() {
        Map.Entry<Long, String> e = hashes.firstEntry();
        return e == null ? -1 : e.getKey();
    }

    /** Heights known (at most the window). */
    public int size() {
        return hashes.size();
    }

    public int window() {
        return window;
    }

    @Override
    public String toString() {
        return isEmpty() ? "PublishedChain[" + network + ", empty]"
                : "PublishedChain[" + network + ", " + lowestHeight() + ".." + lastHeight + ", tip " + lastHash() + "]";
    }
}
