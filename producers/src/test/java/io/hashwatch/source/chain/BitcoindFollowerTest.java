package io.hashwatch.source.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.testing.SharedData;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The follower against a fake Bitcoin Core walking the real mainnet chain of {@code mainnet_586657-589289}: backfill,
 * new blocks, an outage and recovery, a restart that resumes, every kind of bad reply, a wrong or unsupported chain,
 * and the fee fallback of a pruned node.
 */
@Timeout(60)
class BitcoindFollowerTest {
    static final long FIRST = 586_657;
    static List<BlockHeader> headers;

    @BeforeAll
    static void load() {
        Path bin = SharedData.requireHeaders("mainnet_586657-589289.dfinity.bin");
        headers = SharedData.readParsedHeaders(bin);
    }

    private static FakeChain mainnet(long tip) {
        FakeChain c = FakeChain.of("main", FIRST, headers);
        c.setTip(tip);
        return c;
    }

    /** The records are exactly heights from..to, once each, with the real headers, fees and tx counts. */
    private static void assertExactly(List<HeaderRecord> records, long from, long to, boolean fees) {
        assertEquals(LongStream.rangeClosed(from, to).boxed().toList(),
                records.stream().map(HeaderRecord::height).toList(), "heights, once each, in order");
        for (HeaderRecord r : records) {
            assertEquals("mainnet", r.network());
            assertEquals("bitcoind", r.source());
            assertEquals(headers.get((int) (r.height() - FIRST)).hex(), r.headerHex(), "header at " + r.height());
            assertEquals(fees ? FakeChain.fees(r.height()) : null, r.feesSat());
            assertEquals(fees ? Integer.valueOf(FakeChain.txs(r.height())) : null, r.txCount());
            // The coinbase (getblock + getrawtransaction) and what its miner claimed, equal to the stats' total.
            assertEquals(fees ? FakeChain.coinbaseHex(r.height()) : null, r.coinbaseHex(), "coinbase at " + r.height());
            assertEquals(fees ? FakeChain.fees(r.height()) : null, r.feesClaimedSat());
            assertTrue(r.observedTimeMs() != null && r.observedTimeMs() > 0);
        }
        TopicList.assertLinked(records);
    }

    @Test
    void backfillFollowOutageAndRestartWithoutDuplicatesOrGaps() throws Exception {
        FakeChain chain = mainnet(FIRST + 499);
        try (FakeBitcoind node = new FakeBitcoind(chain); Harness h = new Harness("bitcoind")) {
            ChainFollower f = h.follow(h.bitcoind(node.uri(), BitcoindAuth.none(), Harness.FAST), Harness.FAST);

            // Initial backfill: the last 200 blocks up to the tip.
            // The follower updates its metrics just after the topic takes the chunk: wait for both.
            h.await(() -> h.topic.last() == FIRST + 499 && h.metrics.publishedHeight() == FIRST + 499,
                    "backfill to the tip");
            assertExactly(h.topic.records, FIRST + 300, FIRST + 499, true);
            assertTrue(h.logged("the headers topic has no mainnet headers: backfilling 200 blocks"), h.lines());
            assertTrue(h.metrics.up());
            assertEquals(FIRST + 499, h.metrics.publishedHeight());
            assertEquals(FIRST + 499, h.metrics.tipHeight());
            assertEquals(200, h.metrics.headers());

            // The node's tip advances: new blocks follow.
            chain.advance(3);
            h.await(() -> h.topic.last() == FIRST + 502, "three new blocks");

            // Outage: nothing listens; blocks come meanwhile; the node comes back.
            node.stop();
            h.await(() -> !h.metrics.up(), "source down");
            long failures = h.metrics.errors(SourceException.Kind.CONNECT);
            assertTrue(failures >= 1);
            chain.advance(5);
            h.await(() -> h.metrics.errors(SourceException.Kind.CONNECT) >= failures + 2, "retries");
            assertEquals(1, h.count("down (connect)"), "the outage is logged once:\n" + h.lines());
            node.restart();
            h.await(() -> h.topic.last() == FIRST + 507, "catch up after the outage");
            assertEquals(1, h.count("up again after"), h.lines());
            assertTrue(h.metrics.up());
            assertTrue(h.metrics.lastMessageMs() > 0);

            // Restart: a new follower reads the topic back and resumes after its last height.
            f.close();
            chain.advance(4);
            h.follow(h.bitcoind(node.uri(), BitcoindAuth.none(), Harness.FAST), Harness.FAST);
            h.await(() -> h.topic.last() == FIRST + 511, "resume after a restart");
            assertTrue(h.logged("resuming mainnet after height " + (FIRST + 507)), h.lines());
            assertExactly(h.topic.records, FIRST + 300, FIRST + 511, true);
            assertEquals(2, h.topic.loads, "the topic is read back once per start");
        }
    }

    @Test
    void badRepliesTimeoutsAndHttpErrorsGiveALogLineAndAMetricNeverACrash() throws Exception {
        FakeChain chain = mainnet(FIRST + 20);
        try (FakeBitcoind node = new FakeBitcoind(chain); Harness h = new Harness("bitcoind")) {
            ChainSettings s = Harness.FAST.withBackfillBlocks(10);
            ChainFollower f = h.follow(h.bitcoind(node.uri(), BitcoindAuth.none(), s), s);
            h.await(() -> h.topic.last() == FIRST + 20, "backfill");

            Object[][] cases = {
                {FakeBitcoind.Mode.GARBAGE, SourceException.Kind.MALFORMED, "not a JSON-RPC object"},
                {FakeBitcoind.Mode.WARMUP, SourceException.Kind.RPC_ERROR, "RPC error -28: Loading block index"},
                {FakeBitcoind.Mode.HTTP_503, SourceException.Kind.HTTP, "HTTP 503"},
                {FakeBitcoind.Mode.SLOW, SourceException.Kind.TIMEOUT, "no reply within 500 ms"},
                {FakeBitcoind.Mode.WRONG_ID, SourceException.Kind.MALFORMED, "does not match request id"},
            };
            long height = FIRST + 20;
            for (Object[] c : cases) {
                FakeBitcoind.Mode mode = (FakeBitcoind.Mode) c[0];
                SourceException.Kind kind = (SourceException.Kind) c[1];
                String text = (String) c[2];
                long before = h.metrics.errors(kind);
                node.mode = mode;
                h.await(() -> h.metrics.errors(kind) > before, mode + " counted as " + kind.label());
                h.await(() -> h.logged(text), mode + " logged");
                assertFalse(h.metrics.up(), mode + ": down");
                node.mode = FakeBitcoind.Mode.OK;
                chain.advance(1);
                long expected = ++height;
                h.await(() -> h.topic.last() == expected, "recovery after " + mode);
                assertTrue(h.metrics.up());
            }
            assertEquals(cases.length, h.count("up again after"), h.lines());
            assertExactly(h.topic.records, FIRST + 11, height, true);

            // The node is swapped for another chain: refused, nothing published; back: published again.
            chain.chainName = "regtest";
            h.await(() -> h.metrics.errors(SourceException.Kind.WRONG_CHAIN) > 0, "wrong chain counted");
            assertTrue(h.logged("is now on regtest but this follower publishes mainnet"), h.lines());
            chain.chainName = "main";
            chain.advance(1);
            long expected = ++height;
            h.await(() -> h.topic.last() == expected, "recovery after the wrong chain");
            assertTrue(f.rounds() > 10);
        }
    }

    @Test
    void aServerWithoutBatchesGetsOneCallAtATime() throws Exception {
        FakeChain chain = mainnet(FIRST + 40);
        try (FakeBitcoind node = new FakeBitcoind(chain); Harness h = new Harness("bitcoind")) {
            node.noBatches = true;
            ChainSettings s = Harness.FAST.withBackfillBlocks(30);
            h.follow(h.bitcoind(node.uri(), BitcoindAuth.none(), s), s);
            h.await(() -> h.topic.last() == FIRST + 40, "backfill one call at a time");
            assertExactly(h.topic.records, FIRST + 11, FIRST + 40, true);
            assertEquals(1, h.count("does not take JSON-RPC batches"), h.lines());
            assertEquals(0, node.batches.get());
        }
    }

    @Test
    void aCoinbaseThatDoesNotParseIsPublishedForThePipelineWithoutClaimedFees() throws Exception {
        FakeChain chain = mainnet(FIRST + 5);
        try (FakeBitcoind node = new FakeBitcoind(chain); Harness h = new Harness("bitcoind")) {
            node.override = m -> m.equals("getrawtransaction")
                    ? com.fasterxml.jackson.databind.node.TextNode.valueOf("0100000000") : null;
            ChainSettings s = Harness.FAST.withBackfillBlocks(3);
            h.follow(h.bitcoind(node.uri(), BitcoindAuth.none(), s), s);
            h.await(() -> h.topic.last() == FIRST + 5, "backfill");
            for (HeaderRecord r : h.topic.records) {
                assertEquals("0100000000", r.coinbaseHex());
                assertNull(r.feesClaimedSat());
                assertEquals(FakeChain.fees(r.height()), r.feesSat(), "the header and its stats still count");
            }
            assertTrue(h.logged("the coinbase does not parse"), h.lines());
            assertTrue(h.metrics.errors(SourceException.Kind.MALFORMED) >= 3);
        }
    }

    @Test
    void networksWithoutVerifierRulesAreRefusedClearly() throws Exception {
        FakeChain chain = mainnet(FIRST + 5);
        // Core calls testnet3 "test"; testnet4 and signet are followed (KnownChainsTest).
        for (String name : List.of("test", "dogecoin")) {
            chain.chainName = name;
            try (FakeBitcoind node = new FakeBitcoind(chain); Harness h = new Harness("bitcoind")) {
                h.follow(h.bitcoind(node.uri(), BitcoindAuth.none(), Harness.FAST), Harness.FAST);
                h.await(() -> h.metrics.errors(SourceException.Kind.UNSUPPORTED_NETWORK) >= 2, name + " refused");
                String expected = name.equals("test") ? "testnet3: network not supported by the verifier ("
                        : "'dogecoin', a chain the verifier has no rules for";
                assertEquals(1, h.count(expected), h.lines());
                assertTrue(h.topic.records.isEmpty());
                assertFalse(h.metrics.up());
            }
        }
    }

    @Test
    void aPrunedNodeGivesHeadersWithoutFeesLoggedOnce() throws Exception {
        FakeChain chain = mainnet(FIRST + 30);
        try (FakeBitcoind node = new FakeBitcoind(chain); Harness h = new Harness("bitcoind")) {
            node.stats = "pruned";
            ChainSettings s = Harness.FAST.withBackfillBlocks(20);
            h.follow(h.bitcoind(node.uri(), BitcoindAuth.none(), s), s);
            h.await(() -> h.topic.last() == FIRST + 30, "backfill without fees");
            assertExactly(h.topic.records, FIRST + 11, FIRST + 30, false);
            assertEquals(1, h.count("getblockstats failed"), h.lines());
            assertTrue(h.logged("Can't read block from disk"), h.lines());
            assertEquals(1, h.count("no coinbase for block"), h.lines());
            assertTrue(h.logged("Block not available (pruned data)"), h.lines());
            assertFalse(h.metrics.feesAvailable());

            node.stats = "ok";
            chain.advance(1);
            h.await(() -> h.topic.last() == FIRST + 31, "the next block with fees");
            HeaderRecord last = h.topic.records.get(h.topic.records.size() - 1);
            assertEquals(FakeChain.fees(FIRST + 31), last.feesSat());
            assertTrue(h.logged("getblockstats works again"), h.lines());
            assertTrue(h.logged("coinbases available again"), h.lines());
            assertEquals(FakeChain.coinbaseHex(FIRST + 31), last.coinbaseHex());
            assertTrue(h.metrics.feesAvailable());

            node.stats = "missing"; // an old node without getblockstats: asked once, then not any more
            chain.advance(2);
            h.await(() -> h.topic.last() == FIRST + 33, "blocks without fees");
            assertNull(h.topic.records.get(h.topic.records.size() - 1).feesSat());
            int asked = node.calls("getblockstats").size();
            chain.advance(1);
            h.await(() -> h.topic.last() == FIRST + 34, "one more block");
            assertEquals(asked, node.calls("getblockstats").size(), "not asked again");
        }
    }
}
