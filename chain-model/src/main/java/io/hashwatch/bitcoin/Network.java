package io.hashwatch.bitcoin;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Consensus parameters of the networks whose header rules the verifier applies. Testnet3, testnet4 and signet are
 * not listed yet: their minimum-difficulty and signet-challenge rules differ, and headers of an unknown network are
 * rejected rather than half-checked.
 */
public enum Network {
    MAINNET("mainnet", 0x1d00ffffL, false, false, 227_931, 363_725, 388_381),
    /** Regtest: powLimit 0x207fffff, no retargeting, minimum-difficulty blocks allowed; BIP34/65/66 from height 1. */
    REGTEST("regtest", 0x207fffffL, true, true, 1, 1, 1);

    public static final int RETARGET_INTERVAL = 2016;
    public static final long TARGET_SPACING_SECONDS = 600;
    public static final long TARGET_TIMESPAN_SECONDS = RETARGET_INTERVAL * TARGET_SPACING_SECONDS;
    /** Core rejects a header more than two hours ahead of the node's clock. */
    public static final long MAX_FUTURE_BLOCK_TIME_SECONDS = 2 * 60 * 60;
    public static final int MEDIAN_TIME_SPAN = 11;

    private final String id;
    private final long powLimitBits;
    private final BigInteger powLimit;
    private final boolean noRetargeting;
    private final boolean allowMinDifficultyBlocks;
    private final long bip34Height;
    private final long bip66Height;
    private final long bip65Height;

    Network(String id, long powLimitBits, boolean noRetargeting, boolean allowMinDifficultyBlocks,
            long bip34Height, long bip66Height, long bip65Height) {
        this.id = id;
        this.powLimitBits = powLimitBits;
        this.powLimit = CompactTarget.decode(powLimitBits);
        this.noRetargeting = noRetargeting;
        this.allowMinDifficultyBlocks = allowMinDifficultyBlocks;
        this.bip34Height = bip34Height;
        this.bip66Height = bip66Height;
        this.bip65Height = bip65Height;
    }

    /** The network name as Bitcoin Core's getblockchaininfo reports it ("main" is accepted for mainnet). */
    public static Optional<Network> byName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("main")) {
            return Optional.of(MAINNET);
        }
        return Arrays.stream(values()).filter(v -> v.id.equals(n)).findFirst();
    }

    public String id() {
        return id;
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

    /** First height whose coinbase must start with the block's height (BIP34). */
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

    public static boolean isRetargetHeight(long height) {
        return height % RETARGET_INTERVAL == 0;
    }

    /**
     * Core's CalculateNextWorkRequired: the bits of the first block of the next epoch, from the last block's bits
     * and the time span of the epoch's 2016 blocks (2015 intervals).
     */
    public long nextEpochBits(long lastBits, long firstBlockTime, long lastBlockTime) {
        if (noRetargeting) {
            return lastBits;
        }
        long span = clampTimespan(lastBlockTime - firstBlockTime);
        BigInteger target = CompactTarget.decode(lastBits)
                .multiply(BigInteger.valueOf(span))
                .divide(BigInteger.valueOf(TARGET_TIMESPAN_SECONDS));
        return CompactTarget.encode(target.min(powLimit));
    }

    public static long clampTimespan(long span) {
        return Math.max(TARGET_TIMESPAN_SECONDS / 4, Math.min(TARGET_TIMESPAN_SECONDS * 4, span));
    }

    /**
     * Core's PermittedDifficultyTransition: whether bits at a retarget are within the x4 clamp of the previous
     * bits. This is all that can be checked when the epoch's first block is not known.
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
        BigInteger largest = roundTrip(old.multiply(BigInteger.valueOf(TARGET_TIMESPAN_SECONDS * 4))
                .divide(BigInteger.valueOf(TARGET_TIMESPAN_SECONDS)).min(powLimit));
        BigInteger smallest = roundTrip(old.multiply(BigInteger.valueOf(TARGET_TIMESPAN_SECONDS / 4))
                .divide(BigInteger.valueOf(TARGET_TIMESPAN_SECONDS)).min(powLimit));
        return observed.compareTo(largest) <= 0 && observed.compareTo(smallest) >= 0;
    }

    private static BigInteger roundTrip(BigInteger target) {
        return CompactTarget.decode(CompactTarget.encode(target));
    }
}
