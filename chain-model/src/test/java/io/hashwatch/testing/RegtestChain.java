package io.hashwatch.testing;

import io.hashwatch.bitcoin.Ancestors;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.BlockSummary;
import io.hashwatch.bitcoin.CompactTarget;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.bitcoin.Work;
import io.hashwatch.model.HeaderRecord;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * A deterministic generator of real, mined regtest block headers ({@link Network#REGTEST}, bits {@code 0x207fffff},
 * so about two nonce tries per block). Every header it makes passes {@code HeaderVerifier.verify} for regtest.
 *
 * <p>A chain is one branch: the headers from its start up to its tip. {@link #extend(int)} mines more on the tip
 * (600 s apart, version {@code 0x20000000}, merkle roots derived from the seed, the branch and the height), and
 * {@link #fork(long)} starts a competing branch from any header of this one. Same seed and same calls give the same
 * headers byte for byte.
 *
 * <pre>{@code
 * RegtestChain main = RegtestChain.fromGenesis(42);
 * main.extend(10);                          // heights 1..10
 * RegtestChain side = main.fork(7);         // shares 0..7
 * side.extend(5);                           // heights 8..12: more work than main, a reorg of depth 3
 * List<HeaderRecord> in = side.records(8, 12);
 * }</pre>
 */
public final class RegtestChain {
    public static final Network NETWORK = Network.REGTEST;
    public static final long BITS = 0x207fffffL;
    public static final int VERSION = 0x20000000;
    public static final long SPACING_SECONDS = Network.TARGET_SPACING_SECONDS;
    /** Bitcoin Core's regtest genesis block (chainparams.cpp): time 1296688602, nonce 2, bits 0x207fffff. */
    public static final String GENESIS_HASH = "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206";
    /** The source field of {@link #record(long)}. */
    public static final String SOURCE = "regtest-fixture";

    private static final String ZERO_HASH = "0".repeat(64);
    private static final String GENESIS_MERKLE_ROOT =
            "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";
    private static final long GENESIS_TIME = 1296688602L;
    private static final BigInteger BLOCK_WORK = Work.blockProof(CompactTarget.decode(BITS));

    private final long seed;
    private final int branch;
    private final int[] branchCounter;
    /** The block before the first header here: height -1 for a chain from genesis. */
    private final long anchorHeight;
    private final String anchorHash;
    private final long anchorTime;
    private final List<BlockHeader> headers = new ArrayList<>();
    private final List<BigInteger> chainwork = new ArrayList<>();

    private RegtestChain(long seed, int branch, int[] branchCounter, long anchorHeight, String anchorHash,
                         long anchorTime) {
        this.seed = seed;
        this.branch = branch;
        this.branchCounter = branchCounter;
        this.anchorHeight = anchorHeight;
        this.anchorHash = anchorHash;
        this.anchorTime = anchorTime;
    }

    /** A chain holding only the real regtest genesis block (height 0, absolute chainwork as Core counts it). */
    public static RegtestChain fromGenesis(long seed) {
        RegtestChain c = new RegtestChain(seed, 0, new int[1], -1, ZERO_HASH, GENESIS_TIME - SPACING_SECONDS);
        c.append(genesis());
        return c;
    }

    /**
     * An empty chain whose next header is mined on a given parent (its hash in display order, its height and time).
     * Chainwork is then counted from 0 at that parent, and {@link #ancestors()} knows the parent but nothing before
     * it, so the verifier's median-time-past check is partial for the first 10 headers.
     */
    public static RegtestChain after(String prevHash, long prevHeight, long prevTime, long seed) {
        if (prevHash == null || prevHash.length() != 64 || prevHeight < 0) {
            throw new IllegalArgumentException("need a 64-hex-character parent hash and a height >= 0");
        }
        return new RegtestChain(seed, 0, new int[1], prevHeight, prevHash, prevTime);
    }

    /** Bitcoin Core's regtest genesis header. */
    public static BlockHeader genesis() {
        return BlockHeader.parse(serialize(1, ZERO_HASH, reverse(HexFormat.of().parseHex(GENESIS_MERKLE_ROOT)),
                GENESIS_TIME, BITS, 2));
    }

    /** Mines {@code count} headers on the tip and returns them, in height order. */
    public List<BlockHeader> extend(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count " + count);
        }
        List<BlockHeader> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long height = tipHeight() + 1;
            BlockHeader h = mine(VERSION, tipHash(), merkleRoot(height), tipTime() + SPACING_SECONDS, BITS);
            append(h);
            out.add(h);
        }
        return out;
    }

    /**
     * A new branch sharing this chain's headers up to and including {@code height} (a height of this chain, or its
     * start parent). Headers later mined on either branch differ (distinct merkle roots per branch), so extending
     * the fork by more blocks than this chain has above {@code height} gives it more work.
     */
    public RegtestChain fork(long height) {
        long lowest = Math.max(anchorHeight, 0);
        if (height < lowest || height > tipHeight()) {
            throw new IllegalArgumentException("height " + height + " is not on this chain (" + lowest + ".."
                    + tipHeight() + ")");
        }
        RegtestChain f = new RegtestChain(seed, ++branchCounter[0], branchCounter, anchorHeight, anchorHash,
                anchorTime);
        int keep = (int) (height - anchorHeight);
        f.headers.addAll(headers.subList(0, keep));
        f.chainwork.addAll(chainwork.subList(0, keep));
        return f;
    }

    public long tipHeight() {
        return anchorHeight + headers.size();
    }

    /** The tip header; null when nothing has been mined on a chain made by {@link #after}. */
    public BlockHeader tip() {
        return headers.isEmpty() ? null : headers.get(headers.size() - 1);
    }

    /** Hash of the tip (display order), or of the start parent when no header was mined yet. */
    public String tipHash() {
        return headers.isEmpty() ? anchorHash : tip().hash();
    }

    public long tipTime() {
        return headers.isEmpty() ? anchorTime : tip().time();
    }

    /** Chainwork at the tip (absolute from genesis, or counted from the start parent for {@link #after}). */
    public BigInteger chainwork() {
        return chainwork.isEmpty() ? BigInteger.ZERO : chainwork.get(chainwork.size() - 1);
    }

    /** The header at a height of this branch, or null. */
    public BlockHeader at(long height) {
        long i = height - anchorHeight - 1;
        return i < 0 || i >= headers.size() ? null : headers.get((int) i);
    }

    /** All headers of this branch from its first (genesis, or the first mined after the start parent). */
    public List<BlockHeader> headers() {
        return Collections.unmodifiableList(new ArrayList<>(headers));
    }

    /** The verifier's view of a height of this branch (the start parent included), or null. */
    public BlockSummary summary(long height) {
        if (height == anchorHeight && anchorHeight >= 0) {
            return new BlockSummary(anchorHeight, anchorHash, anchorTime, BITS, BigInteger.ZERO);
        }
        BlockHeader h = at(height);
        if (h == null) {
            return null;
        }
        return new BlockSummary(height, h.hash(), h.time(), h.bits(), chainwork.get((int) (height - anchorHeight - 1)));
    }

    /** Ancestors along this branch, for {@code HeaderVerifier.verify} and {@code NetworkHashrate.estimate}. */
    public Ancestors ancestors() {
        return this::summary;
    }

    /** The input record of the header at {@code height}, as a source would publish it (network "regtest"). */
    public HeaderRecord record(long height) {
        BlockHeader h = at(height);
        if (h == null) {
            throw new IllegalArgumentException("no header at height " + height);
        }
        return new HeaderRecord(NETWORK.id(), height, h.hex(), null, null, SOURCE, null);
    }

    /** {@link #record(long)} for heights {@code from..to}, inclusive. */
    public List<HeaderRecord> records(long from, long to) {
        List<HeaderRecord> out = new ArrayList<>();
        for (long h = from; h <= to; h++) {
            out.add(record(h));
        }
        return out;
    }

    /**
     * Mines one header: the first nonce from 0 up whose hash meets {@code bits}. Only practical for easy targets
     * (regtest's 0x207fffff takes about 2 tries; every halving of the target doubles the work).
     *
     * @param prevHash   parent hash in display (RPC) byte order
     * @param merkleRoot 32 bytes in internal (wire) order
     */
    public static BlockHeader mine(int version, String prevHash, byte[] merkleRoot, long time, long bits) {
        BigInteger target = CompactTarget.decode(bits);
        if (target == null || target.signum() == 0) {
            throw new IllegalArgumentException("bits " + CompactTarget.toHex(bits) + " is not a valid target");
        }
        for (long nonce = 0; nonce <= 0xffffffffL; nonce++) {
            BlockHeader h = BlockHeader.parse(serialize(version, prevHash, merkleRoot, time, bits, nonce));
            if (h.hashValue().compareTo(target) <= 0) {
                return h;
            }
        }
        throw new IllegalStateException("no nonce meets bits " + CompactTarget.toHex(bits));
    }

    /** The 80 wire-format bytes of a header (prevHash in display order, merkleRoot in internal order). */
    public static byte[] serialize(int version, String prevHash, byte[] merkleRoot, long time, long bits, long nonce) {
        if (merkleRoot.length != 32) {
            throw new IllegalArgumentException("merkle root must be 32 bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(BlockHeader.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(version);
        b.put(reverse(HexFormat.of().parseHex(prevHash)));
        b.put(merkleRoot);
        b.putInt((int) time);
        b.putInt((int) bits);
        b.putInt((int) nonce);
        return b.array();
    }

    private void append(BlockHeader h) {
        BigInteger before = chainwork();
        headers.add(h);
        chainwork.add(before.add(BLOCK_WORK));
    }

    private byte[] merkleRoot(long height) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("hashwatch-regtest".getBytes(StandardCharsets.US_ASCII));
            sha.update(ByteBuffer.allocate(20).putLong(seed).putInt(branch).putLong(height).array());
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] reverse(byte[] in) {
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[in.length - 1 - i];
        }
        return out;
    }
}
