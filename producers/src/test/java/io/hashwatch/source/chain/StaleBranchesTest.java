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
import io.hashwatch.testing.RegtestChain;
import io.hashwatch.testing.SharedData;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stale branches from Bitcoin Core's {@code getchaintips}, the fake node replaying real replies (a testnet3 node's and
 * a mainnet node's, resources/.../getchaintips/README.md) over real mainnet headers: the client reads it as Core wrote it, and the
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
        return recorded("testnet3_1807971.json");
    }

    private static JsonNode recorded(String name) throws IOException {
        try (InputStream in = StaleBranchesTest.class.getResourceAsStream("getchaintips/" + name)) {
            return Json.MAPPER.readTree(in).get("result");
        }
    }

    /** The tips the client reads from the fake node serving {@code reply} to getchaintips. */
    private static List<ChainSource.ChainTip> readThrough(JsonNode reply) throws Exception {
        FakeChain chain = FakeChain.of("main", FIRST, headers);
        chain.setTip(FIRST + 10);
        try (FakeBitcoind node = new FakeBitcoind(chain); Harness h = new Harness("bitcoind");
             BitcoindClient client = h.bitcoind(node.uri(), BitcoindAuth.none(), Harness.FAST)) {
            node.override = method -> method.equals("getchaintips") ? reply : null;
            return client.chainTips();
        }
    }

    @Test
    void theClientReadsTheRealReply() throws Exception {
        List<ChainSource.ChainTip> tips = readThrough(realReply());
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

    /**
     * A mainnet node's real reply (496,689, December 2017): each of its five branches is read with its status, a
     * branch with an invalid block is not stale, and the blocks of valid-fork and valid-headers branches are there.
     */
    @Test
    void theClientReadsARealMainnetReply() throws Exception {
        List<ChainSource.ChainTip> tips = readThrough(recorded("mainnet_496689.json"));
        assertEquals(6, tips.size());
        assertEquals(new ChainSource.ChainTip(496_689,
                "00000000000000000c75083aa9f8706d0324552af1a3e5d51eebbafdbab74d0b", 0, "active"), tips.get(0));
        assertEquals(List.of("valid-headers", "valid-fork", "headers-only", "valid-fork", "invalid"),
                tips.stream().skip(1).map(ChainSource.ChainTip::status).toList());
        assertEquals(List.of(490_398L, 481_946L, 480_852L, 480_492L), tips.stream()
                .filter(ChainSource.ChainTip::stale).map(ChainSource.ChainTip::height).toList());
        assertEquals(3, tips.stream().filter(t -> t.stale() && t.hasBlocks()).count());
        assertTrue(tips.stream().skip(1).allMatch(t -> t.branchLength() == 1));
    }

    @Test
    void theFollowerRecordsEachBranchOnceAndCountsTheNewOnes() throws Exception {
        ArrayNode reply = (ArrayNode) realReply().deepCopy();
        java.util.concurrent.atomic.AtomicReference<JsonNode> served =
                new java.util.concurrent.atomic.AtomicReference<>(reply.deepCopy());
        FakeChain chain = FakeChain.of("main", FIRST, headers);
        chain.setTip(FIRST + 299);
        try (FakeBitcoind node = new FakeBitcoind(chain); Harness h = new Harness("bitcoind")) {
            node.override = method -> method.equals("getchaintips") ? served.get() : null;
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
            served.set(reply.deepCopy());
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

    /** A reorganization the follower published is linked to the stale branch the node then lists. */
    @Test
    void aReorganizationTheFollowerSawIsLinkedToItsStaleBranch() throws Exception {
        RegtestChain main = RegtestChain.fromGenesis(8);
        main.extend(30);
        FakeChain chain = FakeChain.of("regtest", 0, main.headers());
        java.util.concurrent.atomic.AtomicReference<JsonNode> tips = new java.util.concurrent.atomic.AtomicReference<>(
                tipsReply(30, main.at(30).hash(), null));
        try (FakeBitcoind node = new FakeBitcoind(chain); Harness h = new Harness("bitcoind")) {
            node.override = method -> method.equals("getchaintips") ? tips.get() : null;
            ChainSettings s = Harness.FAST.withBackfillBlocks(20);
            h.follow(h.bitcoind(node.uri(), BitcoindAuth.none(), s), s);
            h.await(() -> h.topic.last() == 30, "backfill");
            // The first check (after the backfill, in the same round) has seen the node without stale branches.
            h.await(() -> !node.calls("getchaintips").isEmpty(), "the first getchaintips");
            // A longer branch from 25 replaces 26..30; the node then lists the old tip as a 5-block valid fork.
            RegtestChain branch = main.fork(25);
            branch.extend(8);
            String oldTip = main.at(30).hash();
            ObjectNode fork = Json.MAPPER.createObjectNode().put("height", 30).put("hash", oldTip)
                    .put("branchlen", 5).put("status", "valid-fork");
            tips.set(tipsReply(33, branch.at(33).hash(), fork));
            synchronized (chain) {
                chain.truncateAbove(25);
                chain.put(26, branch.headers().subList(26, 34));
                chain.setTip(33);
            }
            h.await(() -> h.topic.staleBranches.size() == 1, "the stale branch");
            StaleBranchRecord r = h.topic.staleBranches.get(0);
            assertEquals(oldTip, r.tipHash());
            assertEquals(25, r.forkHeight());
            assertEquals(5, r.depth());
            assertTrue(r.reorgSeen(), "the follower published that branch, then the reorganization");
            assertFalse(r.baseline());
            assertEquals(1, h.metrics.reorgs());
            assertEquals(5.0, h.registry.get("hashwatch_source_stale_blocks").counter().count());
        }
    }

    private static JsonNode tipsReply(long height, String hash, JsonNode fork) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        a.add(Json.MAPPER.createObjectNode().put("height", height).put("hash", hash).put("branchlen", 0)
                .put("status", "active"));
        if (fork != null) {
            a.add(fork);
        }
        return a;
    }
}
