package io.hashwatch.bitcoin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.HeaderVerifier.Result;
import io.hashwatch.model.RejectReason;
import java.math.BigInteger;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every real header of the data files verified as a chain state would: linked to its parent, and accepted by
 * {@link HeaderVerifier#verify} against the ancestors seen so far. A file starting mid-chain is verified partially
 * exactly where the rules need history from before the file.
 */
class HeaderFileVerificationTest {
    /** A clock far past the data, so that time-too-new never fires on real headers. */
    static final long NOW = Instant.parse("2030-01-01T00:00:00Z").getEpochSecond();
    static final String GENESIS = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";

    /** Full and partial counts of one file, checked header by header. */
    record Counts(int full, int partial) {
    }

    static Counts verifyFile(HeaderRun run) {
        int full = 0;
        int partial = 0;
        for (int i = 0; i < run.headers.size(); i++) {
            long height = run.first + i;
            BlockHeader h = run.headers.get(i);
            Result r;
            if (i == 0) {
                // Nothing before it is known: only the context-free check, and partial unless it is genesis.
                r = HeaderVerifier.checkProofOfWork(Network.MAINNET, h);
                assertTrue(r.accepted(), () -> "first header at " + height);
                if (height == 0) {
                    full++;
                } else {
                    partial++;
                }
                continue;
            }
            assertEquals(run.summaries[i - 1].hash(), h.prevHash(), "prev link at " + height);
            r = HeaderVerifier.verify(Network.MAINNET, h, height, run.seenBefore(height), NOW);
            final Result res = r;
            assertTrue(r.accepted(), () -> "height " + height + ": " + res.reason() + " " + res.detail());
            assertEquals(expectPartial(run.first, height), r.partial(), "partial flag at " + height);
            if (r.partial()) {
                partial++;
            } else {
                full++;
            }
        }
        return new Counts(full, partial);
    }

    /**
     * From the rules, not from the verifier: a header needs its 11 predecessors for the median time past, and a
     * retarget header needs the first block of the epoch before it. Genesis has nothing before it to miss.
     */
    static boolean expectPartial(long first, long height) {
        if (first == 0) {
            return false;
        }
        boolean mtpHistoryMissing = height - Network.MEDIAN_TIME_SPAN < first;
        boolean epochStartMissing = height % Network.RETARGET_INTERVAL == 0
                && height - Network.RETARGET_INTERVAL < first;
        return height == first || mtpHistoryMissing || epochStartMissing;
    }

    @Test
    void fromGenesisEverythingIsFullyVerified() {
        HeaderRun run = HeaderRun.load("mainnet_0-10236.floresta.bin");
        assertEquals(0, run.first);
        assertEquals(GENESIS, run.headers.get(0).hash());
        assertEquals("0".repeat(64), run.headers.get(0).prevHash());
        Counts c = verifyFile(run);
        assertEquals(new Counts(10_237, 0), c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mainnet_80001-100000.btcrelay.bin", "mainnet_586657-589289.dfinity.bin",
            "mainnet_150001-340000.btcrelay.bin"})
    void midChainFilesVerifyWithPartialChecksOnlyWhereHistoryIsMissing(String file) {
        HeaderRun run = HeaderRun.load(file);
        Counts c = verifyFile(run);
        assertEquals(run.headers.size(), c.full() + c.partial());
        // The first header, the 10 whose median-time-past window reaches before the file, and the first retarget
        // (its epoch started before the file: 80,640 and 588,672 both do, 151,200 too).
        assertEquals(12, c.partial(), file);
    }

    @Test
    void everySingleByteCorruptionIsCaught() {
        HeaderRun early = HeaderRun.load("mainnet_0-10236.floresta.bin");
        HeaderRun mid = HeaderRun.load("mainnet_80001-100000.btcrelay.bin");
        HeaderRun modern = HeaderRun.load("mainnet_586657-589289.dfinity.bin");
        Map<RejectReason, Integer> reasons = new EnumMap<>(RejectReason.class);
        int cases = 0;
        // Ordinary blocks, retarget blocks (full and partial), and the last block of an epoch.
        cases += corruptEveryByte(early, new long[] {1, 2015, 2016, 9999}, reasons);
        cases += corruptEveryByte(mid, new long[] {80_640, 82_655, 82_656, 90_000}, reasons);
        cases += corruptEveryByte(modern, new long[] {588_671, 588_672, 589_288}, reasons);
        assertEquals(11 * 80 * 4, cases);
        // Any change of the header changes its hash, which then misses the target.
        assertTrue(reasons.getOrDefault(RejectReason.HIGH_HASH, 0) > 0, reasons.toString());
    }

    /** Flips each byte 0..79 with several masks; each corrupted header must be rejected or fail the link. */
    private static int corruptEveryByte(HeaderRun run, long[] heights, Map<RejectReason, Integer> reasons) {
        int n = 0;
        int[] masks = {0x01, 0x80, 0xff, 0x5a};
        for (long height : heights) {
            byte[] good = run.header(height).raw();
            String goodHash = run.header(height).hash();
            for (int pos = 0; pos < BlockHeader.SIZE; pos++) {
                for (int mask : masks) {
                    byte[] bad = good.clone();
                    bad[pos] ^= (byte) mask;
                    BlockHeader h = BlockHeader.parse(bad);
                    assertNotEquals(goodHash, h.hash());
                    boolean linkBroken = !h.prevHash().equals(run.summary(height - 1).hash());
                    Result r = HeaderVerifier.verify(Network.MAINNET, h, height, run.seenBefore(height), NOW);
                    assertTrue(linkBroken || !r.accepted(), "byte " + pos + " ^ " + mask + " at " + height);
                    assertEquals(pos >= 4 && pos < 36, linkBroken, "only bytes 4..35 hold the parent hash");
                    if (!r.accepted()) {
                        reasons.merge(r.reason(), 1, Integer::sum);
                    }
                    // The child no longer links to the corrupted header.
                    BlockSummary child = run.summary(height + 1);
                    if (child != null) {
                        assertFalse(run.header(height + 1).prevHash().equals(h.hash()));
                    }
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void aRandomCorruptionInAStreamIsCaughtAtThatHeader() {
        HeaderRun run = HeaderRun.load("mainnet_80001-100000.btcrelay.bin");
        Random random = new Random(20_100_901L);
        for (int trial = 0; trial < 500; trial++) {
            int i = 1 + random.nextInt(run.headers.size() - 2);
            long height = run.first + i;
            byte[] bad = run.headers.get(i).raw();
            int pos = random.nextInt(BlockHeader.SIZE);
            bad[pos] ^= (byte) (1 + random.nextInt(255));
            BlockHeader h = BlockHeader.parse(bad);
            // Everything before it verified (verifyFile above); the corrupted one is the first to fail...
            boolean linked = h.prevHash().equals(run.summary(height - 1).hash());
            Result r = HeaderVerifier.verify(Network.MAINNET, h, height, run.seenBefore(height), NOW);
            assertTrue(!linked || !r.accepted(), "byte " + pos + " of " + height + " went through");
            // ...and the real next header no longer links to it.
            assertNotEquals(h.hash(), run.headers.get(i + 1).prevHash());
        }
    }

    @Test
    void realHeadersAreBadDiffbitsAgainstAHistoryThatRequiresOtherBits() {
        // Real PoW cannot be re-mined with other bits, so the context is changed instead: the same real header,
        // given a history whose rule yields other bits, must be rejected by the rule rather than the hash.
        HeaderRun run = HeaderRun.load("mainnet_80001-100000.btcrelay.bin");

        // A full retarget (82,656: its epoch started at 80,640, inside the file) with the epoch's first block a day
        // earlier: a longer span, an easier target than the header carries.
        long retarget = 82_656;
        BlockHeader h = run.header(retarget);
        assertNotEquals(run.summary(retarget - 1).bits(), h.bits(), "82,656 is a real retarget");
        assertTrue(HeaderVerifier.verify(Network.MAINNET, h, retarget, run.seenBefore(retarget), NOW).accepted());
        Ancestors earlierStart = height -> {
            BlockSummary b = run.seenBefore(retarget).at(height);
            return height == retarget - 2016 && b != null
                    ? new BlockSummary(b.height(), b.hash(), b.time() - 86_400, b.bits(), b.chainwork()) : b;
        };
        Result r = HeaderVerifier.verify(Network.MAINNET, h, retarget, earlierStart, NOW);
        assertEquals(RejectReason.BAD_DIFFBITS, r.reason(), r.detail());

        // An ordinary height whose parent carried other bits: the bits must equal the parent's.
        long ordinary = 90_000;
        BlockHeader o = run.header(ordinary);
        Ancestors otherParentBits = height -> {
            BlockSummary b = run.seenBefore(ordinary).at(height);
            return height == ordinary - 1 && b != null
                    ? new BlockSummary(b.height(), b.hash(), b.time(), b.bits() - 1, b.chainwork()) : b;
        };
        assertEquals(RejectReason.BAD_DIFFBITS,
                HeaderVerifier.verify(Network.MAINNET, o, ordinary, otherParentBits, NOW).reason());

        // A partial retarget (80,640: epoch start before the file) is held to the x4 clamp of its parent's bits.
        long partial = 80_640;
        BlockHeader p = run.header(partial);
        Result ok = HeaderVerifier.verify(Network.MAINNET, p, partial, run.seenBefore(partial), NOW);
        assertTrue(ok.accepted() && ok.partial());
        long fiveTimesHarderParent = CompactTarget.encode(CompactTarget.decode(p.bits()).divide(BigInteger.valueOf(5)));
        Ancestors farParent = height -> {
            BlockSummary b = run.seenBefore(partial).at(height);
            return height == partial - 1 && b != null
                    ? new BlockSummary(b.height(), b.hash(), b.time(), fiveTimesHarderParent, b.chainwork()) : b;
        };
        assertEquals(RejectReason.BAD_DIFFBITS,
                HeaderVerifier.verify(Network.MAINNET, p, partial, farParent, NOW).reason());
    }

    @Test
    void timeTooNewAndTooOldAreEnforcedOnRealHeaders() {
        HeaderRun run = HeaderRun.load("mainnet_586657-589289.dfinity.bin");
        long height = 589_000;
        BlockHeader h = run.header(height);
        Ancestors seen = run.seenBefore(height);
        // With the clock at the block's own time it is accepted; two hours and one second earlier it is too new.
        assertTrue(HeaderVerifier.verify(Network.MAINNET, h, height, seen, h.time()).accepted());
        assertTrue(HeaderVerifier.verify(Network.MAINNET, h, height, seen,
                h.time() - Network.MAX_FUTURE_BLOCK_TIME_SECONDS).accepted());
        assertEquals(RejectReason.TIME_TOO_NEW, HeaderVerifier.verify(Network.MAINNET, h, height, seen,
                h.time() - Network.MAX_FUTURE_BLOCK_TIME_SECONDS - 1).reason());
        // The same header claimed at a later height, where its time is below the median time past of that branch:
        // in this file times rise, so the header of 589,000 is older than the median of 589,100's predecessors.
        long later = 589_100;
        assertEquals(RejectReason.TIME_TOO_OLD,
                HeaderVerifier.verify(Network.MAINNET, h, later, run.seenBefore(later), NOW).reason());
    }
}
