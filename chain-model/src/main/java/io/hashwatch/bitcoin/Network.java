package io.hashwatch.bitcoin;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The networks whose header rules the verifier applies, with their constants from Bitcoin Core's
 * src/kernel/chainparams.cpp. Testnet3 is not listed: its minimum-difficulty rules without BIP94 let a single
 * minimum-difficulty block at the end of an epoch reset the difficulty (block storms, the reason for testnet4);
 * headers of an unknown network are rejected rather than half-checked.
 *
 * <p>Signet headers are checked like any other chain's (signet's powLimit, standard retargets, no minimum-difficulty
 * blocks); what makes a block valid on signet, the block solution signed against the signet challenge (BIP325), is
 * in the coinbase's witness commitment, out of header scope, and not checked here. Any signet, the default one or
 * one with its own {@code -signetchallenge}, has the same genesis block and header rules.
 */
public enum Network {
    /** CMainParams: powLimit 00000000ffff... (0x1d00ffff); BIP34 227,931, BIP66 363,725, BIP65 388,381. */
    MAINNET("mainnet", "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
            new ConsensusRules(0x1d00ffffL, false, false, false, 227_931, 363_725, 388_381)),
    /** CRegTestParams: powLimit 0x207fffff, no retargeting, minimum-difficulty blocks allowed; BIP34/65/66 from 1. */
    REGTEST("regtest", "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
            new ConsensusRules(0x207fffffL, true, true, false, 1, 1, 1)),
    /**
     * CTestNet4Params (BIP94): powLimit 00000000ffff... (0x1d00ffff), fPowAllowMinDifficultyBlocks, enforce_BIP94;
     * BIP34/65/66 from height 1.
     */
    TESTNET4("testnet4", "00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043",
            new ConsensusRules(0x1d00ffffL, false, true, true, 1, 1, 1)),
    /**
     * SigNetParams (the default signet): powLimit 00000377ae000000... (0x1e0377ae), standard retargets, no
     * minimum-difficulty blocks, no BIP94; BIP34/65/66 from height 1.
     */
    SIGNET("signet", "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6",
            new ConsensusRules(0x1e0377aeL, false, false, false, 1, 1, 1));

    public static final int RETARGET_INTERVAL = 2016;
    public static final long TARGET_SPACING_SECONDS = 600;
    public static final long TARGET_TIMESPAN_SECONDS = RETARGET_INTERVAL * TARGET_SPACING_SECONDS;
    /** Core rejects a header more than two hours ahead of the node's clock. */
    public static final long MAX_FUTURE_BLOCK_TIME_SECONDS = 2 * 60 * 60;
    public static final int MEDIAN_TIME_SPAN = 11;

    private final String id;
    private final String genesisHash;
    private final ConsensusRules rules;

    Network(String id, String genesisHash, ConsensusRules rules) {
        this.id = id;
        this.genesisHash = genesisHash;
        this.rules = rules;
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

    /** Hash of the genesis block, display (RPC) order: how a source without chain names is told apart. */
    public String genesisHash() {
        return genesisHash;
    }

    /** The network whose genesis block has this hash (display order). */
    public static Optional<Network> byGenesisHash(String hash) {
        return Arrays.stream(values()).filter(v -> v.genesisHash.equals(hash)).findFirst();
    }

    public ConsensusRules rules() {
        return rules;
    }

    public long powLimitBits() {
        return rules.powLimitBits();
    }

    public BigInteger powLimit() {
        return rules.powLimit();
    }

    public boolean noRetargeting() {
        return rules.noRetargeting();
    }

    public boolean allowMinDifficultyBlocks() {
        return rules.allowMinDifficultyBlocks();
    }

    public boolean enforceBip94() {
        return rules.enforceBip94();
    }

    /** First height whose coinbase must start with the block's height (BIP34). */
    public long bip34Height() {
        return rules.bip34Height();
    }

    /** Lowest header version allowed at a height (BIP34, BIP66, BIP65 made versions 1-3 obsolete). */
    public int minimumVersion(long height) {
        return rules.minimumVersion(height);
    }

    public static boolean isRetargetHeight(long height) {
        return height % RETARGET_INTERVAL == 0;
    }

    /**
     * Core's CalculateNextWorkRequired from the last block's bits: right on every network but testnet4, where
     * BIP94 scales the epoch's first block's bits instead; use {@link #nextEpochBits(long, long, long, long)}
     * there (with it the result is right everywhere).
     */
    public long nextEpochBits(long lastBits, long firstBlockTime, long lastBlockTime) {
        return rules.nextEpochBits(lastBits, lastBits, firstBlockTime, lastBlockTime);
    }

    /** Core's CalculateNextWorkRequired from the epoch's first and last blocks (BIP94 included). */
    public long nextEpochBits(long firstBits, long lastBits, long firstBlockTime, long lastBlockTime) {
        return rules.nextEpochBits(firstBits, lastBits, firstBlockTime, lastBlockTime);
    }

    public static long clampTimespan(long span) {
        return Math.max(TARGET_TIMESPAN_SECONDS / 4, Math.min(TARGET_TIMESPAN_SECONDS * 4, span));
    }

    /** Core's PermittedDifficultyTransition (see {@link ConsensusRules#permittedTransition}). */
    public boolean permittedTransition(long oldBits, long newBits) {
        return rules.permittedTransition(oldBits, newBits);
    }
}
