package io.hashwatch.source.chain;

import io.hashwatch.bitcoin.BlockHeader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The chain a fake node serves: real headers (from {@code ../shared/data/headers} or mined by RegtestChain) at
 * their heights, a visible tip that a test advances, and a best branch that a test can swap (a reorganization).
 * Every header ever served stays known by hash, as Bitcoin Core keeps stale blocks' headers.
 */
final class FakeChain {
    private final TreeMap<Long, BlockHeader> best = new TreeMap<>();
    private final Map<String, BlockHeader> known = new HashMap<>();
    private final Map<String, Long> heights = new HashMap<>();
    private long tip;
    volatile String chainName;

    FakeChain(String chainName) {
        this.chainName = chainName;
    }

    /** Headers at {@code startHeight..}, consecutive; the tip is the last one. */
    static FakeChain of(String chainName, long startHeight, List<BlockHeader> headers) {
        FakeChain c = new FakeChain(chainName);
        c.put(startHeight, headers);
        c.tip = startHeight + headers.size() - 1;
        return c;
    }

    /** Puts headers on the best branch from {@code startHeight} (replacing what was there: a reorganization). */
    synchronized FakeChain put(long startHeight, List<BlockHeader> headers) {
        for (int i = 0; i < headers.size(); i++) {
            BlockHeader h = headers.get(i);
            best.put(startHeight + i, h);
            known.put(h.hash(), h);
            heights.put(h.hash(), startHeight + i);
        }
        return this;
    }

    /** Makes the best branch end at {@code height}: anything above is dropped (and the tip lowered). */
    synchronized void truncateAbove(long height) {
        best.tailMap(height, false).clear();
        tip = Math.min(tip, height);
    }

    synchronized void setTip(long height) {
        if (!best.containsKey(height)) {
            throw new IllegalArgumentException("no header at " + height);
        }
        tip = height;
    }

    synchronized void advance(int blocks) {
        setTip(tip + blocks);
    }

    synchronized long tip() {
        return tip;
    }

    synchronized String tipHash() {
        return best.get(tip).hash();
    }

    synchronized long lastAvailable() {
        return best.lastKey();
    }

    /** The best branch's header at a height up to the tip, else null. */
    synchronized BlockHeader at(long height) {
        return height > tip ? null : best.get(height);
    }

    synchronized BlockHeader byHash(String hash) {
        return known.get(hash);
    }

    synchronized Long heightOf(String hash) {
        return heights.get(hash);
    }

    /** Synthetic but deterministic fees and tx counts (no real ones exist for these headers). */
    static long fees(long height) {
        return 1_000_000 + height % 9973 * 1000;
    }

    /** About what blocks held in their era: up to 400 transactions before height 250,000 (2013), 4,000 after. */
    static int txs(long height) {
        return 1 + (int) (height % (height < 250_000 ? 401 : 4001));
    }

    /**
     * A synthetic coinbase for a height: BIP34 height push and "/fake/", one output claiming the subsidy plus
     * {@link #fees}: so its claimed fees equal the getblockstats total.
     */
    static String coinbaseHex(long height) {
        StringBuilder b = new StringBuilder("01000000" + "01" + "00".repeat(32) + "ffffffff" + "0b" + "03");
        for (int i = 0; i < 3; i++) {
            b.append(String.format("%02x", (height >> (8 * i)) & 0xff));
        }
        b.append("06").append("2f66616b652f").append("ffffffff").append("01");
        long value = io.hashwatch.bitcoin.Subsidy.subsidySat(height) + fees(height);
        for (int i = 0; i < 8; i++) {
            b.append(String.format("%02x", (value >> (8 * i)) & 0xff));
        }
        b.append("0151").append("00000000");
        return b.toString();
    }

    private static final Map<Long, String> COINBASE_TXIDS = new java.util.concurrent.ConcurrentHashMap<>();

    static String coinbaseTxid(long height) {
        return COINBASE_TXIDS.computeIfAbsent(height,
                h -> io.hashwatch.bitcoin.Coinbase.parseHex(coinbaseHex(h)).txid());
    }
}
