package io.hashwatch.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.Ancestors;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.BlockSummary;
import io.hashwatch.bitcoin.CompactTarget;
import io.hashwatch.bitcoin.HeaderVerifier;
import io.hashwatch.bitcoin.HeaderVerifier.Result;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.bitcoin.NetworkHashrate;
import io.hashwatch.bitcoin.Work;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.RejectReason;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegtestChainTest {
    private static final BigInteger BLOCK_WORK = Work.blockProof(CompactTarget.decode(RegtestChain.BITS));

    /** Verifies every header of a branch above {@code from} against the branch's own ancestors. */
    private static int verifyBranch(RegtestChain chain, long from, boolean expectFull) {
        int n = 0;
        for (long height = from; height <= chain.tipHeight(); height++) {
            final long h = height;
            BlockHeader header = chain.at(h);
            assertEquals(chain.summary(h - 1).hash(), header.prevHash(), "link at " + h);
            Result r = HeaderVerifier.verify(Network.REGTEST, header, h, chain.ancestors(), header.time());
            assertTrue(r.accepted(), () -> "height " + h + ": " + r.reason() + " " + r.detail());
            if (expectFull) {
                assertFalse(r.partial(), "partial at " + h);
            }
            n++;
        }
        return n;
    }

    @Test
    void genesisIsBitcoinCoresRegtestGenesis() {
        BlockHeader g = RegtestChain.genesis();
        assertEquals(RegtestChain.GENESIS_HASH, g.hash());
        assertEquals(1296688602L, g.time());
        assertEquals(0x207fffffL, g.bits());
        assertTrue(HeaderVerifier.checkProofOfWork(Network.REGTEST, g).accepted());
    }

    @Test
    void minedHeadersPassTheRegtestVerifierFully() {
        RegtestChain chain = RegtestChain.fromGenesis(42);
        List<BlockHeader> mined = chain.extend(300);
        assertEquals(300, mined.size());
        assertEquals(300, chain.tipHeight());
        assertEquals(300, verifyBranch(chain, 1, true));
        for (int i = 0; i < mined.size(); i++) {
            BlockHeader h = mined.get(i);
            assertEquals(RegtestChain.VERSION, h.version());
            assertEquals(RegtestChain.BITS, h.bits());
            assertEquals(RegtestChain.genesis().time() + 600L * (i + 1), h.time());
            assertTrue(h.hashValue().compareTo(CompactTarget.decode(RegtestChain.BITS)) <= 0);
        }
        // Distinct merkle roots, hence distinct headers.
        Set<String> roots = new HashSet<>();
        mined.forEach(h -> roots.add(h.merkleRoot()));
        assertEquals(300, roots.size());
        // Chainwork counts genesis too, as Core does.
        assertEquals(BLOCK_WORK.multiply(BigInteger.valueOf(301)), chain.chainwork());
    }

    @Test
    void sameSeedSameHeadersOtherSeedOtherHeaders() {
        List<BlockHeader> a = RegtestChain.fromGenesis(7).extend(20);
        List<BlockHeader> b = RegtestChain.fromGenesis(7).extend(20);
        List<BlockHeader> c = RegtestChain.fromGenesis(8).extend(20);
        assertEquals(a, b);
        for (int i = 0; i < a.size(); i++) {
            assertNotEquals(a.get(i), c.get(i));
        }
    }

    @Test
    void aLongerForkHasMoreWork() {
        RegtestChain main = RegtestChain.fromGenesis(1);
        main.extend(10);
        RegtestChain side = main.fork(7);
        assertEquals(7, side.tipHeight());
        assertEquals(main.at(7), side.tip());
        side.extend(5);
        assertEquals(12, side.tipHeight());
        for (long h = 0; h <= 7; h++) {
            assertEquals(main.at(h), side.at(h), "shared at " + h);
        }
        for (long h = 8; h <= 10; h++) {
            assertNotEquals(main.at(h).hash(), side.at(h).hash(), "competing at " + h);
        }
        assertEquals(main.at(7).hash(), side.at(8).prevHash());
        verifyBranch(side, 8, true);

        assertTrue(side.chainwork().compareTo(main.chainwork()) > 0);
        assertEquals(side.summary(10).chainwork(), main.summary(10).chainwork(), "equal length, equal work");
        assertEquals(BLOCK_WORK.multiply(BigInteger.valueOf(2)), side.chainwork().subtract(main.chainwork()));

        // A fork of the fork, and a second fork at the same height: all branches distinct.
        RegtestChain third = side.fork(9);
        third.extend(4);
        RegtestChain fourth = main.fork(7);
        fourth.extend(5);
        Set<String> tips = Set.of(main.tipHash(), side.tipHash(), third.tipHash(), fourth.tipHash());
        assertEquals(4, tips.size());
        assertNotEquals(side.at(8).hash(), fourth.at(8).hash());
        verifyBranch(third, 10, true);
        verifyBranch(fourth, 8, true);
        assertThrows(IllegalArgumentException.class, () -> main.fork(11));
    }

    @Test
    void aChainAfterAGivenParent() {
        RegtestChain base = RegtestChain.fromGenesis(3);
        base.extend(20);
        BlockHeader parent = base.at(20);
        RegtestChain cont = RegtestChain.after(parent.hash(), 20, parent.time(), 99);
        assertNull(cont.tip());
        assertEquals(parent.hash(), cont.tipHash());
        List<BlockHeader> mined = cont.extend(15);
        assertEquals(35, cont.tipHeight());
        assertEquals(parent.hash(), mined.get(0).prevHash());
        assertEquals(parent.time() + 600, mined.get(0).time());
        // Only the parent is known, so the verifier checks what it can: accepted, partially.
        Result first = HeaderVerifier.verify(Network.REGTEST, mined.get(0), 21, cont.ancestors(), mined.get(0).time());
        assertTrue(first.accepted() && first.partial());
        verifyBranch(cont, 21, false);
        assertEquals(BLOCK_WORK.multiply(BigInteger.valueOf(15)), cont.chainwork());
        RegtestChain fork = cont.fork(20);
        assertEquals(20, fork.tipHeight());
        fork.extend(16);
        assertTrue(fork.chainwork().compareTo(cont.chainwork()) > 0);
    }

    @Test
    void theVerifierRejectsBadRegtestHeaders() {
        RegtestChain chain = RegtestChain.fromGenesis(5);
        chain.extend(20);
        long height = 21;
        Ancestors anc = chain.ancestors();
        BlockSummary tip = chain.summary(20);
        byte[] root = new byte[32];
        root[0] = 1;

        // Harder bits than the rule asks for (regtest keeps powLimit): bad-diffbits, with valid proof of work.
        BlockHeader harder = RegtestChain.mine(RegtestChain.VERSION, tip.hash(), root, tip.time() + 600, 0x2000ffffL);
        assertTrue(HeaderVerifier.checkProofOfWork(Network.REGTEST, harder).accepted());
        assertEquals(RejectReason.BAD_DIFFBITS,
                HeaderVerifier.verify(Network.REGTEST, harder, height, anc, tip.time() + 600).reason());

        // Bits beyond powLimit: target out of range.
        byte[] raw = RegtestChain.serialize(RegtestChain.VERSION, tip.hash(), root, tip.time() + 600, 0x2100ffffL, 0);
        assertEquals(RejectReason.TARGET_OUT_OF_RANGE,
                HeaderVerifier.verify(Network.REGTEST, BlockHeader.parse(raw), height, anc, tip.time() + 600).reason());

        // A nonce whose hash misses the target: high-hash.
        BlockHeader highHash = null;
        for (long nonce = 0; highHash == null; nonce++) {
            BlockHeader h = BlockHeader.parse(RegtestChain.serialize(RegtestChain.VERSION, tip.hash(), root,
                    tip.time() + 600, RegtestChain.BITS, nonce));
            if (h.hashValue().compareTo(CompactTarget.decode(RegtestChain.BITS)) > 0) {
                highHash = h;
            }
        }
        assertEquals(RejectReason.HIGH_HASH,
                HeaderVerifier.verify(Network.REGTEST, highHash, height, anc, tip.time() + 600).reason());

        // Version 3 after BIP65 (height 1 on regtest): bad-version.
        BlockHeader v3 = RegtestChain.mine(3, tip.hash(), root, tip.time() + 600, RegtestChain.BITS);
        assertEquals(RejectReason.BAD_VERSION,
                HeaderVerifier.verify(Network.REGTEST, v3, height, anc, tip.time() + 600).reason());

        // Time equal to the median of the last 11 (heights 10..20): time-too-old; one second later is fine.
        long median = chain.at(15).time();
        BlockHeader old = RegtestChain.mine(RegtestChain.VERSION, tip.hash(), root, median, RegtestChain.BITS);
        assertEquals(RejectReason.TIME_TOO_OLD,
                HeaderVerifier.verify(Network.REGTEST, old, height, anc, tip.time()).reason());
        BlockHeader justAbove = RegtestChain.mine(RegtestChain.VERSION, tip.hash(), root, median + 1,
                RegtestChain.BITS);
        assertTrue(HeaderVerifier.verify(Network.REGTEST, justAbove, height, anc, tip.time()).accepted());

        // More than two hours ahead of the clock: time-too-new.
        BlockHeader future = RegtestChain.mine(RegtestChain.VERSION, tip.hash(), root, tip.time() + 7201,
                RegtestChain.BITS);
        assertEquals(RejectReason.TIME_TOO_NEW,
                HeaderVerifier.verify(Network.REGTEST, future, height, anc, tip.time()).reason());
    }

    @Test
    void hashrateOfARegularChainIsWorkPerSpacing() {
        RegtestChain chain = RegtestChain.fromGenesis(11);
        chain.extend(200);
        NetworkHashrate.Estimate[] e = NetworkHashrate.estimate(chain.summary(200), chain.ancestors(), 144);
        assertTrue(e[0].full());
        // 144 blocks of equal work over 144 spacings of 600 s.
        assertEquals(BLOCK_WORK.doubleValue() / 600, e[0].hashesPerSecond(), 0.0);
    }

    @Test
    void recordsCarryTheHeadersForTheHeadersTopic() {
        RegtestChain chain = RegtestChain.fromGenesis(9);
        chain.extend(3);
        List<HeaderRecord> records = chain.records(0, 3);
        assertEquals(4, records.size());
        for (HeaderRecord r : records) {
            assertEquals("regtest", r.network());
            assertEquals(chain.at(r.height()).hex(), r.headerHex());
            assertEquals(r, Json.read(Json.write(r), HeaderRecord.class));
            assertEquals(Network.REGTEST, Network.byName(r.network()).orElseThrow());
        }
        assertThrows(IllegalArgumentException.class, () -> chain.record(4));
    }
}
