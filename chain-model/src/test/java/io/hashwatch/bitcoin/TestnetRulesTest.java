package io.hashwatch.bitcoin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.HeaderVerifier.Result;
import io.hashwatch.model.RejectReason;
import io.hashwatch.testing.RegtestChain;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Testnet4 (BIP94) and signet header rules. Real headers where they exist: both genesis blocks rebuilt from Bitcoin
 * Core's chainparams.cpp, and testnet4 blocks 1, 2 and 2067 (raw headers from a public Dart BIP158 library's block
 * filter test, found with the project's code search; their hashes, links and proof of work are checked here). The
 * rules themselves on real constants at the level of the bits functions, and end to end through
 * {@link HeaderVerifier#verify} on a self-mined chain of two epochs (4,032 headers) under testnet4's rules with an easy powLimit
 * (testnet4's 0x1d00ffff takes 2^32 hashes a block), whose bits are written down by hand, not computed by the code.
 */
class TestnetRulesTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String ZERO = "0".repeat(64);

    // Core's CTestNet4Params genesis: CreateGenesisBlock(..., 1714777860, 393743547, 0x1d00ffff, 1, 50 * COIN).
    private static final long TESTNET4_GENESIS_TIME = 1714777860L;
    private static final String TESTNET4_GENESIS_MERKLE =
            "7aa0a7ae1e223414cb807e40cd57e667b718e42aaf9306db9102fe28912b7b4e";
    // Core's SigNetParams genesis: CreateGenesisBlock(1598918400, 52613770, 0x1e0377ae, 1, 50 * COIN).
    private static final String SIGNET_GENESIS_MERKLE =
            "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";

    static final String TESTNET4_1 = "0000002043f08bdab050e35b567c864b91f47f50ae725ae2de53bcfbbaf284da000000005c78b2"
            + "86f0d46ba2b8b104b6f7aec904fa0e93259e5637aaaac87d59b89d9c6160d63866ffff001da680f8ad";
    static final String TESTNET4_2 = "00000020283fb111e32c10bbfa2a9c66df8499900e886b282912625f6d2b981200000000499bbf"
            + "7eabfd52fac213d9cb21e903ab423ef6eaae7f29d03583c025ec19daa16ed63866ffff001d5c3f5910";
    static final String TESTNET4_2067 = "00000020f009a7425a6b0962bc12d3a2d2497588182202b9b59d46d33835ad0300000000b2"
            + "ed3db0e5f468e9faa29b50a2bbe9cb041c40c2ecd53156a3d51173719e8e6c6d4b3966c0ff3f1c65c7bf01";

    /** Testnet4's rules with a powLimit of about 256 hashes a block. */
    private static final long EASY = 0x2000ffffL;
    private static final ConsensusRules EASY_TESTNET4 = Network.TESTNET4.rules().withPowLimitBits(EASY);
    /** The same without BIP94: testnet3's rules, for contrast. */
    private static final ConsensusRules EASY_TESTNET3 = new ConsensusRules(EASY, false, true, false, 1, 1, 1);
    /**
     * Half of EASY's target, by hand: 0xffff * 2^232 / 2 = 0x7fff80 * 2^224, exponent 0x1f. The retarget of an
     * epoch of exactly one week.
     */
    private static final long HALF = 0x1f7fff80L;
    private static final int EPOCH = Network.RETARGET_INTERVAL;
    private static final long T0 = 1_700_000_000L;

    private static Chain chain;

    @BeforeAll
    static void mine() {
        chain = new Chain();
        chain.genesis(T0, EASY);
        // Epoch 0: 2015 intervals making exactly one week (2014 x 300 s + 600 s), all at powLimit.
        for (int h = 1; h < EPOCH; h++) {
            chain.next(h == EPOCH - 1 ? 600 : 300, EASY);
        }
        // Epoch 1 at HALF: a 20-minute block at 2100 (then back to HALF) and another as the epoch's last block,
        // 2015 intervals making exactly two weeks: 2 x 1201 + 1411 x 600 + 602 x 599 = 1,209,600 s.
        int normal = 0;
        for (int h = EPOCH; h < 2 * EPOCH; h++) {
            if (h == EPOCH) {
                chain.next(600, HALF);
            } else if (h == 2100 || h == 2 * EPOCH - 1) {
                chain.next(1201, EASY);
            } else {
                chain.next(normal++ < 602 ? 599 : 600, HALF);
            }
        }
        assertEquals(Network.TARGET_TIMESPAN_SECONDS, chain.time(2 * EPOCH - 1) - chain.time(EPOCH));
        assertEquals(Network.TARGET_TIMESPAN_SECONDS / 2, chain.time(EPOCH - 1) - chain.time(0));
    }

    @Test
    void theGenesisBlocksRebuiltFromCoresParametersHashToTheConstants() {
        BlockHeader t4 = header(1, ZERO, TESTNET4_GENESIS_MERKLE, TESTNET4_GENESIS_TIME, 0x1d00ffffL, 393743547L);
        assertEquals("00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043", t4.hash());
        assertEquals(Network.TESTNET4.genesisHash(), t4.hash());
        assertTrue(HeaderVerifier.checkProofOfWork(Network.TESTNET4, t4).accepted());

        BlockHeader sig = header(1, ZERO, SIGNET_GENESIS_MERKLE, 1598918400L, 0x1e0377aeL, 52613770L);
        assertEquals("00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6", sig.hash());
        assertEquals(Network.SIGNET.genesisHash(), sig.hash());
        assertTrue(HeaderVerifier.checkProofOfWork(Network.SIGNET, sig).accepted());
        // Signet's powLimit is about 888 times easier than mainnet's: its genesis is out of mainnet's range.
        assertEquals(RejectReason.TARGET_OUT_OF_RANGE, HeaderVerifier.checkProofOfWork(Network.MAINNET, sig).reason());
        assertEquals(new BigInteger("00000377ae" + "0".repeat(54), 16), Network.SIGNET.powLimit());

        for (Network n : Network.values()) {
            assertEquals(Optional.of(n), Network.byGenesisHash(n.genesisHash()));
        }
        assertEquals(Optional.empty(),
                Network.byGenesisHash("000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943"));
    }

    @Test
    void realTestnet4HeadersLinkAndVerifyFully() {
        BlockHeader g = header(1, ZERO, TESTNET4_GENESIS_MERKLE, TESTNET4_GENESIS_TIME, 0x1d00ffffL, 393743547L);
        BlockHeader b1 = BlockHeader.fromHex(TESTNET4_1);
        BlockHeader b2 = BlockHeader.fromHex(TESTNET4_2);
        assertEquals(g.hash(), b1.prevHash());
        assertEquals("0000000012982b6d5f621229286b880e909984df669c2afabb102ce311b13f28", b1.hash());
        assertEquals(b1.hash(), b2.prevHash());
        List<BlockSummary> known = List.of(summary(0, g), summary(1, b1));
        Ancestors anc = h -> h >= 0 && h < known.size() ? known.get((int) h) : null;
        // Block 1 came 2.5 days after genesis, block 2 14 s after block 1: both at powLimit, the first by the
        // 20-minute rule, the second as the last block that was not an exception (genesis, an epoch's first).
        assertTrue(b1.time() - g.time() > 1200);
        assertEquals(14, b2.time() - b1.time());
        assertEquals(Result.FULL, HeaderVerifier.verify(Network.TESTNET4, b1, 1, anc, b1.time()));
        assertEquals(Result.FULL, HeaderVerifier.verify(Network.TESTNET4, b2, 2, anc, b2.time()));
    }

    @Test
    void realTestnet4Block2067HasTheRetargetOfItsFastFirstEpoch() {
        BlockHeader b = BlockHeader.fromHex(TESTNET4_2067);
        assertEquals("000000000b618d0915876b49345d4c25d9a1210dcbbbf3c63b35b4b1efb13095", b.hash());
        assertTrue(HeaderVerifier.checkProofOfWork(Network.TESTNET4, b).accepted());
        // Epoch 1 (2016..4031) at 0x1c3fffc0 = powLimit / 4 (0xffff * 2^208 / 4 = 0x3fffc0 * 2^200), the x4 clamp:
        // testnet4's first 2016 blocks took less than 3.5 days, block 2067 being 2.9 days after genesis.
        assertEquals(0x1c3fffc0L, b.bits());
        long sinceGenesis = b.time() - TESTNET4_GENESIS_TIME;
        assertTrue(sinceGenesis < Network.TARGET_TIMESPAN_SECONDS / 4, "" + sinceGenesis);
        for (long lastTime = TESTNET4_GENESIS_TIME + 86_400; lastTime <= b.time(); lastTime += 3_600) {
            assertEquals(0x1c3fffc0L, Network.TESTNET4.nextEpochBits(0x1d00ffffL, 0x1d00ffffL,
                    TESTNET4_GENESIS_TIME, lastTime));
        }
    }

    @Test
    void namesAreBitcoinCoresAndTestnet3IsNotOne() {
        assertEquals(Optional.of(Network.TESTNET4), Network.byName("testnet4"));
        assertEquals(Optional.of(Network.SIGNET), Network.byName("signet"));
        assertEquals(Optional.of(Network.SIGNET), Network.byName("SIGNET"));
        assertEquals("testnet4", Network.TESTNET4.id());
        assertEquals("signet", Network.SIGNET.id());
        for (String other : List.of("test", "testnet", "testnet3", "signet2")) {
            assertEquals(Optional.empty(), Network.byName(other), other);
        }
        for (Network n : List.of(Network.TESTNET4, Network.SIGNET)) {
            assertEquals(0, n.minimumVersion(0), n.id());
            assertEquals(4, n.minimumVersion(1), n.id());
        }
        assertTrue(Network.TESTNET4.allowMinDifficultyBlocks() && Network.TESTNET4.enforceBip94());
        assertFalse(Network.SIGNET.allowMinDifficultyBlocks() || Network.SIGNET.enforceBip94()
                || Network.SIGNET.noRetargeting());
        assertFalse(Network.MAINNET.enforceBip94() || Network.REGTEST.enforceBip94());
    }

    @Test
    void theTwentyMinuteRuleOnTestnet4sConstants() {
        long real = 0x1c3fffc0L;
        long pow = Network.TESTNET4.powLimitBits();
        BlockSummary p = new BlockSummary(5000, ZERO, 1_715_000_000L, real, BigInteger.ZERO);
        Ancestors none = h -> null;
        assertEquals(real, HeaderVerifier.expectedBits(Network.TESTNET4.rules(), p, p.time() + 1200, none));
        assertEquals(pow, HeaderVerifier.expectedBits(Network.TESTNET4.rules(), p, p.time() + 1201, none));
        // After a minimum-difficulty block, back to the real bits: those of the last block that was not one.
        BlockSummary minDiff = new BlockSummary(5001, ZERO, p.time() + 1201, pow, BigInteger.ZERO);
        Ancestors before = h -> h == 5000 ? p : null;
        assertEquals(real, HeaderVerifier.expectedBits(Network.TESTNET4.rules(), minDiff, minDiff.time() + 600,
                before));
        // Without the block before it the answer is unknown, not powLimit.
        assertNull(HeaderVerifier.expectedBits(Network.TESTNET4.rules(), minDiff, minDiff.time() + 600, none));
        // Signet and mainnet have no such exception.
        BlockSummary s = new BlockSummary(5000, ZERO, 1_715_000_000L, 0x1e0377aeL, BigInteger.ZERO);
        assertEquals(0x1e0377aeL, HeaderVerifier.expectedBits(Network.SIGNET.rules(), s, s.time() + 86_400, none));
        assertEquals(real, HeaderVerifier.expectedBits(Network.MAINNET.rules(), p, p.time() + 86_400, none));
    }

    @Test
    void theBip94RetargetScalesTheFirstBlocksBitsOnTestnet4sConstants() {
        long first = 0x1c3fffc0L;
        long pow = 0x1d00ffffL;
        long t = 1_715_000_000L;
        // An epoch of exactly two weeks whose last block is a minimum-difficulty one: the first block's bits again.
        assertEquals(first, Network.TESTNET4.nextEpochBits(first, pow, t, t + Network.TARGET_TIMESPAN_SECONDS));
        // Testnet3's rule (no BIP94) would have scaled the last block's powLimit: the block storm.
        ConsensusRules testnet3 = new ConsensusRules(pow, false, true, false, 1, 1, 1);
        assertEquals(pow, testnet3.nextEpochBits(first, pow, t, t + Network.TARGET_TIMESPAN_SECONDS));
        // The three-argument form is the last-bits formula: equal when the last block is not an exception.
        assertEquals(first, Network.TESTNET4.nextEpochBits(first, t, t + Network.TARGET_TIMESPAN_SECONDS));
        // Half the time, twice the difficulty (0x3fffc0 / 2 = 0x1fffe0), from the first block's bits.
        assertEquals(0x1c1fffe0L, Network.TESTNET4.nextEpochBits(first, pow, t, t + Network.TARGET_TIMESPAN_SECONDS / 2));
        // Without the history, a testnet4 retarget cannot be bounded by its parent's bits (Core answers true).
        assertTrue(Network.TESTNET4.permittedTransition(pow, 0x1a00ffffL));
    }

    @Test
    void signetRetargetsAreClampedToItsPowLimit() {
        long limit = 0x1e0377aeL;
        long t = 1_600_000_000L;
        // A slow epoch at powLimit stays there (the target would double; Core caps it at powLimit).
        assertEquals(limit, Network.SIGNET.nextEpochBits(limit, t, t + 2 * Network.TARGET_TIMESPAN_SECONDS));
        // From half the limit (0x0377ae / 2 = 0x01bbd7), a four-week epoch would double it back: exactly the limit.
        long half = 0x1e01bbd7L;
        assertEquals(limit, Network.SIGNET.nextEpochBits(half, t, t + 2 * Network.TARGET_TIMESPAN_SECONDS));
        // x4 from half the limit is capped too.
        assertEquals(limit, Network.SIGNET.nextEpochBits(half, t, t + 8 * Network.TARGET_TIMESPAN_SECONDS));
        // A fast epoch retargets normally, clamped to a quarter of the limit: 0x0377ae * 2^216 / 4 =
        // 0xddeb80 * 2^208, whose compact form keeps three bytes with the sign bit clear: 0x1e00ddeb.
        assertEquals(0x1e00ddebL, Network.SIGNET.nextEpochBits(limit, t, t + Network.TARGET_TIMESPAN_SECONDS / 8));
        // The x4 clamp without history is in force on signet, capped at its powLimit.
        assertTrue(Network.SIGNET.permittedTransition(half, limit));
        assertFalse(Network.SIGNET.permittedTransition(0x1d00ffffL, limit));
    }

    @Test
    void theMinedChainVerifiesFullyUnderTestnet4sRules() {
        long now = chain.time(chain.tipHeight()) + 3_600;
        for (long h = 1; h <= chain.tipHeight(); h++) {
            Result r = HeaderVerifier.verify(EASY_TESTNET4, chain.header(h), h, chain.ancestors(), now);
            assertEquals(Result.FULL, r, "height " + h + ": " + r.detail());
        }
        // The retarget at 2016 halved the target (an epoch of exactly one week), checked against the hand value.
        assertEquals(HALF, chain.header(EPOCH).bits());
        // The same chain is not valid under mainnet-style rules: a minimum-difficulty block breaks it at 2100.
        ConsensusRules noExceptions = new ConsensusRules(EASY, false, false, false, 1, 1, 1);
        assertEquals(RejectReason.BAD_DIFFBITS,
                HeaderVerifier.verify(noExceptions, chain.header(2100), 2100, chain.ancestors(), now).reason());
    }

    @Test
    void aMinimumDifficultyBlockOnlyAfterTwentyMinutesAndTheNextBackAtTheRealBits() {
        long parent = chain.time(2099);
        Result early = verifyAlternative(2100, parent + 1200, EASY);
        assertEquals(RejectReason.BAD_DIFFBITS, early.reason());
        assertTrue(early.detail().contains("requires 1f7fff80"), early.detail());
        assertEquals(Result.FULL, verifyAlternative(2100, parent + 1201, EASY));
        // Core's rule gives one value: after twenty minutes the bits must be powLimit's, the real ones are refused.
        Result realLate = verifyAlternative(2100, parent + 1201, HALF);
        assertEquals(RejectReason.BAD_DIFFBITS, realLate.reason());
        assertTrue(realLate.detail().contains("requires 2000ffff"), realLate.detail());
        // The block after the exception: back to the real bits, powLimit refused.
        Result stillEasy = verifyAlternative(2101, chain.time(2100) + 600, EASY);
        assertEquals(RejectReason.BAD_DIFFBITS, stillEasy.reason());
        assertTrue(stillEasy.detail().contains("requires 1f7fff80"), stillEasy.detail());
        assertEquals(HALF, chain.header(2101).bits());
    }

    @Test
    void theRetargetAfterAMinimumDifficultyLastBlockKeepsTheFirstBlocksBits() {
        long last = 2 * EPOCH - 1;
        assertEquals(EASY, chain.header(last).bits(), "the epoch's last block is a minimum-difficulty one");
        long next = chain.time(last) + 600;
        assertEquals(Result.FULL, verifyAlternative(2 * EPOCH, next, HALF));
        // Scaling the last block's bits (testnet3) would give powLimit: refused, with the bits BIP94 requires.
        Result storm = verifyAlternative(2 * EPOCH, next, EASY);
        assertEquals(RejectReason.BAD_DIFFBITS, storm.reason());
        assertTrue(storm.detail().contains("requires 1f7fff80"), storm.detail());
        // And testnet3's rules do ask for exactly that: the difference is the BIP94 flag.
        BlockHeader stormHeader = chain.mineOn(last, next, EASY, 7);
        assertEquals(Result.FULL,
                HeaderVerifier.verify(EASY_TESTNET3, stormHeader, 2 * EPOCH, chain.ancestors(), next));
    }

    @Test
    void anEpochsFirstBlockMoreThan600SecondsBeforeItsParentIsRejected() {
        long last = 2 * EPOCH - 1;
        long parent = chain.time(last);
        Result warped = verifyAlternative(2 * EPOCH, parent - 601, HALF);
        assertEquals(RejectReason.TIME_TIMEWARP_ATTACK, warped.reason());
        assertEquals("time " + (parent - 601) + " of height 4032, the first block of an epoch, is 601 s before its"
                + " parent's " + parent + ": BIP94 allows at most 600 s", warped.detail());
        assertEquals("time_timewarp_attack", warped.reason().label());
        assertEquals(Result.FULL, verifyAlternative(2 * EPOCH, parent - 600, HALF));
        // Above the median time past, so only BIP94 refuses it: testnet3's rules take the same timestamp.
        BlockHeader h = chain.mineOn(last, parent - 601, EASY, 8);
        assertEquals(Result.FULL, HeaderVerifier.verify(EASY_TESTNET3, h, 2 * EPOCH, chain.ancestors(), parent));
        // Inside an epoch the rule does not apply.
        assertEquals(Result.FULL, verifyAlternative(2101, chain.time(2100) - 601, HALF));
    }

    private static Result verifyAlternative(long height, long time, long bits) {
        BlockHeader h = chain.mineOn(height - 1, time, bits, 1);
        return HeaderVerifier.verify(EASY_TESTNET4, h, height, chain.ancestors(), time + 3_600);
    }

    private static BlockHeader header(int version, String prev, String merkleDisplay, long time, long bits,
                                      long nonce) {
        return BlockHeader.parse(RegtestChain.serialize(version, prev, reverse(merkleDisplay), time, bits, nonce));
    }

    private static byte[] reverse(String displayHex) {
        byte[] b = HEX.parseHex(displayHex);
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[b.length - 1 - i];
        }
        return out;
    }

    private static BlockSummary summary(long height, BlockHeader h) {
        return new BlockSummary(height, h.hash(), h.time(), h.bits(), BigInteger.ZERO);
    }

    /** A chain mined on its tip from a made-up genesis, with times and bits as given. */
    private static final class Chain {
        private final List<BlockHeader> headers = new ArrayList<>();
        private final List<BlockSummary> summaries = new ArrayList<>();

        void genesis(long time, long bits) {
            append(RegtestChain.mine(1, ZERO, merkle(0, 0), time, bits));
        }

        void next(long interval, long bits) {
            long h = tipHeight() + 1;
            append(mineOn(h - 1, time(h - 1) + interval, bits, 0));
        }

        BlockHeader mineOn(long parentHeight, long time, long bits, int salt) {
            return RegtestChain.mine(0x20000000, header(parentHeight).hash(), merkle(parentHeight + 1, salt), time,
                    bits);
        }

        long tipHeight() {
            return headers.size() - 1;
        }

        BlockHeader header(long height) {
            return headers.get((int) height);
        }

        long time(long height) {
            return headers.get((int) height).time();
        }

        Ancestors ancestors() {
            return h -> h >= 0 && h < summaries.size() ? summaries.get((int) h) : null;
        }

        private void append(BlockHeader h) {
            summaries.add(summary(headers.size(), h));
            headers.add(h);
        }

        private static byte[] merkle(long height, int salt) {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update(ByteBuffer.allocate(12).putLong(height).putInt(salt).array());
                return sha.digest();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
