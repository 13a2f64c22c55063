package io.hashwatch.source.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.Coinbase;
import io.hashwatch.model.Json;
import io.hashwatch.model.StaleBranchRecord;
import io.hashwatch.pools.PoolList;
import io.hashwatch.testing.SharedData;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stale branches from Bitcoin Core's {@code getchaintips}, the fake node replaying a real reply (a testnet3 node,
 * resources/.../getchaintips/README.md) over real mainnet headers: the client reads it as Core wrote it, and the
 * follower records each branch once, the node's history as a baseline, new branches counted with their depth and
 * the pool of a tip the node has.
 */
@Timeout(60)
class StaleBranchesTest {
    static final long FIRST = BitcoindFollowerTest.FIRST;
    static List<BlockHeader> headers;

    @BeforeAll
    static void load() {
        headers = SharedData.readParsedHeaders(SharedData.requireHeaders("mainnet_586657-589289.dfinity.bin"));
    }

    static JsonNode realReply() throws IOException {
        try (InputStream in = StaleBranchesTest.class.getResourceAsStream("getchaintips/testnet3_1807971.json")) {
            return Json.MAPPER.readTree(in).get("result");
        }
    }

    @Test
    void theClientReadsTheRealReply() throws Exception {
        JsonNode reply = realReply();
        FakeChain chain = FakeChain.of("main", FIRST, headers);
        chain.setTip(FIRST + 10);
        try (FakeBitcoind node = new FakeBitcoind(chain); Harness h = new Harness("bitcoind");
             BitcoindClient client = h.bitcoind(node.uri(), BitcoindAuth.none(), Harness.FAST)) {
            node.override = method -> method.equals("getchaintips") ? reply : null;
            List<ChainSource.ChainTip> tips = client.chainTips();
            assertEquals(5, tips.size());
            assertEquals(new ChainSource.ChainTip(1_807_971,
                    "00000000eef8f81f91d8c3471be9545daab28bb09f7961faf5c1b16abbc9ade9", 0, "active"), tips.get(0));
            assertTrue(tips.get(0).active());
            assertEquals(3, tips.stream().filter(t -> t.stale() && t.hasBlocks()).count());
            ChainSource.ChainTip headersOnly = tips.get(4);
            assertEquals(23, headersOnly.branchLength());
            assertTrue(headersOnly.stale());
            assertFalse(headersOnly.hasBlocks());
        }
    }

    @Test
    void theFollowerRecordsEachBranchOnceAndCountsTheNewOnes() throws Exception {
        ArrayNode reply = (ArrayNode) realReply().deepCopy();
        FakeChain chain = FakeChain.of("main", FIRST, headers);
        chain.setTip(FIRST + 299);
        try (FakeBitcoind node = new FakeBitcoind(chain); Harness h = new Harness("bitcoind")) {
            node.override = method -> method.equals("getchaintips") ? reply : null;
            h.follow(h.bitcoind(node.uri(), BitcoindAuth.none(), Harness.FAST), Harness.FAST);
            h.await(() -> h.topic.staleBranches.size() == 4, "the node's four branches");
            // What the node listed at start is history: recorded once, not counted.
            for (StaleBranchRecord r : h.topic.staleBranches) {
                assertTrue(r.baseline(), r.toString());
                assertEquals("mainnet", r.network());
                assertEquals(r.tipHeight() - r.depth(), r.forkHeight());
                assertNull(r.poolSlug());
            }
            assertEquals(0.0, h.registry.get("hashwatch_source_stale_blocks").counter().count());

            // A new two-block branch whose tip the node has (its block at FIRST + 290 stands in for it), and the
            // same reply again at the next tip: one new record, counted with its depth, with the tip's pool.
            String staleTip = headers.get(290).hash();
            ObjectNode fresh = Json.MAPPER.createObjectNode().put("height", FIRST + 290).put("hash", staleTip)
                    .put("branchlen", 2).put("status", "valid-fork");
            reply.add(fresh);
            chain.advance(1);
            h.await(() -> h.topic.staleBranches.size() == 5, "the new branch");
            chain.advance(1);
            h.await(() -> h.topic.last() == FIRST + 301, "the next tip");
            StaleBranchRecord r = h.topic.staleBranches.get(4);
            assertEquals(staleTip, r.tipHash());
            assertFalse(r.baseline());
            assertEquals(2, r.depth());
            assertEquals(FIRST + 288, r.forkHeight());
            assertEquals("valid-fork", r.status());
            Coinbase cb = Coinbase.parseHex(FakeChain.coinbaseHex(FIRST + 290));
            var expected = PoolList.bundled().attributeByAddresses(cb.scriptSigHex(),
                    PoolList.paidAddresses(cb.outputs()));
            assertNotNull(r.poolSlug());
            assertEquals(expected.pool().slug(), r.poolSlug());
            assertEquals(5, h.topic.staleBranches.size(), "each branch once");
            assertEquals(2.0, h.registry.get("hashwatch_source_stale_blocks").counter().count());
            assertEquals(2.0, h.registry.get("hashwatch_source_stale_branch_depth_blocks").summary().max());
            assertTrue(h.logged("stale branch of 2 block(s) at height " + (FIRST + 290)), h.lines());
        }
    }
}
