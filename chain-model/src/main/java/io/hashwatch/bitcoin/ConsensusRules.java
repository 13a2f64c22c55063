package io.hashwatch.bitcoin;

import java.math.BigInteger;

/**
 * The header rules of one chain, as Bitcoin Core's {@code Consensus::Params} has them (src/kernel/chainparams.cpp),
 * and the retarget arithmetic of src/pow.cpp over them. {@link Network} gives each real network its rules; a test
 * can make a variant with an easier powLimit ({@link #withPowLimitBits}) to self-mine a chain under the same code.
 *
 * <p>powLimit is held as compact bits. Core's own powLimit is exactly their decoding on signet (00000377ae00...)
 * and regtest; on mainnet and testnet4 Core writes 00000000ffffffff..., whose compact form is the same 0x1d00ffff:
 * a target between the two decodings can only come from bits no retarget or minimum-difficulty rule produces, so
 * such a header fails {@code bad_diffbits} here as in Core.
 */
public final class ConsensusRules {
    /** Core's MAX_TIMEWARP (src/consensus/consensus.h, BIP94). */
    public static final long MAX_TIMEWARP_SECONDS = 600;

    private final long powLimitBits;
    private final BigInteger powLimit;
    private final boolean noRetargeting;
    private final boolean allowMinDifficultyBlocks;
    private final boolean enforceBip94;
    private final long bip34Height;
    private final long bip66Height;
    private final long bip65Height;

    /**
     * @param powLimitBits             the easiest target, compact
     * @param noRetargeting            fPowNoRetargeting (regtest)
     * @param allowMinDifficultyBlocks fPowAllowMinDifficultyBlocks: a block more than 20 minutes after its parent
     *                                 may have powLimit bits (testnet4, regtest)
     * @param enforceBip94             enforce_BIP94 (testnet4): the retarget scales the epoch's first block's
     *                                 bits, and an epoch's first block may not be more than
     *                                 {@link #MAX_TIMEWARP_SECONDS} before its parent
     * @param bip34Height              first height of version 2 (BIP34)
     * @param bip66Height              first height of version 3 (BIP66)
     * @param bip65Height              first height of version 4 (BIP65)
     */
    public ConsensusRules(long powLimitBits, boolean noRetargeting, boolean allowMinDifficultyBlocks,
                          boolean enforceBip94, long bip34Height, long bip66Height, long bip65Height) {
        BigInteger limit = CompactTarget.decode(powLimitBits);
        if (limit == null || limit.signum() <= 0) {
            throw new IllegalArgumentException("powLimit bits " + CompactTarget.toHex(powLimitBits)
                    + " is not a positive target");
        }
        this.powLimitBits = powLimitBits;
        this.powLimit = limit;
        this.noRetargeting = noRetargeting;
        this.allowMinDifficultyBlocks = allowMinDifficultyBlocks;
        this.enforceBip94 = enforceBip94;
        this.bip34Height = bip34Height;
        this.bip66Height = bip66Height;
        this.bip65Height = bip65Height;
    }

    /** The same rules with another powLimit: for test chains that must be mined in milliseconds. */
    public ConsensusRules withPowLimitBits(long bits) {
        return new ConsensusRules(bits, noRetargeting, allowMinDifficultyBlocks, enforceBip94, bip34Height,
                bip66Height, bip65Height);
    }

    public long powLimitBits() {
        return powLimitBits;
    }

    public BigInteger powLimit() {
        return powLimit;
    }

    public boolean noRetargeting() {
        return noRetargeting;
    }

    public boolean allowMinDifficultyBlocks() {
        return allowMinDifficultyBlocks;
    }

    public boolean enforceBip94() {
        return enforceBip94;
    }

    public long bip34Height() {
        return bip34Height;
    }

    /** Lowest header version allowed at a height (BIP34, BIP66, BIP65 made versions 1-3 obsolete). */
    public int minimumVersion(long height) {
        if (height >= bip65Height) {
            return 4;
        }
        if (height >= bip66Height) {
            return 3;
        }
        return height >= bip34Height ? 2 : 0;
    }

    /**
     * Core's CalculateNextWorkRequired: the bits of the first block of the next epoch from the epoch's first and
     * last blocks. The time span is last - first (2015 intervals, clamped to x4); the target scaled is the last
     * block's, or with BIP94 the first block's, which can never be a minimum-difficulty exception, so a
     * minimum-difficulty last block cannot drag the next epoch down to powLimit (testnet3's block storms).
     */
    public long nextEpochBits(long firstBits, long lastBits, long firstBlockTime, long lastBlockTime) {
        if (noRetargeting) {
            return lastBits;
        }
        long span = Network.clampTimespan(lastBlockTime - firstBlockTime);
        BigInteger target = CompactTarget.decode(enforceBip94 ? firstBits : lastBits)
                .multiply(BigInteger.valueOf(span))
                .divide(BigInteger.valueOf(Network.TARGET_TIMESPAN_SECONDS));
        return CompactTarget.encode(target.min(powLimit));
    }

    /**
     * Core's PermittedDifficultyTransition: whether bits at a retarget are within the x4 clamp of the previous
     * bits. This is all that can be checked when the epoch's first block is not known. Core answers true on
     * networks with minimum-difficulty blocks, where the previous block's bits say nothing.
     */
    public boolean permittedTransition(long oldBits, long newBits) {
        if (noRetargeting || allowMinDifficultyBlocks) {
            return true;
        }
        BigInteger observed = CompactTarget.decode(newBits);
        BigInteger old = CompactTarget.decode(oldBits);
        if (observed == null || old == null) {
            return false;
        }
        BigInteger largest = roundTrip(old.multiply(BigInteger.valueOf(Network.TARGET_TIMESPAN_SECONDS * 4))
                .divide(BigInteger.valueOf(Network.TARGET_TIMESPAN_SECONDS)).min(powLimit));
        BigInteger smallest = roundTrip(old.multiply(BigInteger.valueOf(Network.TARGET_TIMESPAN_SECONDS / 4))
                .divide(BigInteger.valueOf(Network.TARGET_TIMESPAN_SECONDS)).min(powLimit));
        return observed.compareTo(largest) <= 0 && observed.compareTo(smallest) >= 0;
    }

    private static BigInteger roundTrip(BigInteger target) {
        return CompactTarget.decode(CompactTarget.encode(target));
    }
}
