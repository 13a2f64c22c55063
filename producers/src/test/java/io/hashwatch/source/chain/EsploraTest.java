package io.hashwatch.source.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.Subsidy;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.testing.SharedData;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Esplora / mempool.space client and a follower on it: the real mempool.space blocks 890440..890448 served
 * verbatim, and a fake API walking the real mainnet chain of {@code mainnet_586657-589289} with mempool.space's
 * extras or as plain Esplora; bulk backfill, rate limiting with Retry-After, an outage, a restart.
 */
@Timeout(60)
class EsploraTest {
    static final long FIRST = 586_657;

    private static FakeChain mainnet(long tip) {
        List<BlockHeader> headers = SharedData.readParsedHeaders(
                SharedData.requireHeaders("mainnet_586657-589289.dfinity.bin"));
        FakeChain c = FakeChain.of("main", FIRST, headers);
        c.put(0, List.of(Harness.mainnetGenesis()));
        c.setTip(tip);
        return c;
    }

    @Test
    void realMempoolSpaceBlocksVerbatim() throws Exception {
        List<JsonNode> blocks = new ArrayList<>();
        Samples.read(SharedData.require(Samples.WS_BLOCKS)).get("blocks").forEach(blocks::add);
        blocks.add(Samples.read(SharedData.require(Samples.WS_BLOCK)).get("block"));
        assertEquals(9, blocks.size());
        List<BlockHeader> headers = blocks.stream()
                .map(b -> BlockHeader.fromHex(b.at("/extras/header").asText())).toList();
        assertEquals(KnownChains.MAINNET_GENESIS, Harness.mainnetGenesis().hash());
        FakeChain chain = FakeChain.of("main", 890_440, headers).put(0, List.of(Harness.mainnetGenesis()));
        chain.setTip(890_448);
        try (FakeEsplora api = new FakeEsplora(chain); Harness h = new Harness("esplora")) {
            for (JsonNode b : blocks) {
                api.verbatim.put(b.get("id").asText(), b);
            }
            try (EsploraClient c = h.esplora(api.uri(), Harness.FAST)) {
                ChainSource.Tip tip = c.tip();
                assertEquals(Network.MAINNET, tip.network());
                assertEquals(890_448, tip.height());
                assertEquals("000000000000000000019bfe551da67e0d93dda4b355d16f1fdb4031ba7e5d61", tip.hash());
                List<ChainSource.Block> got = c.blocksDownFrom(890_448);
                assertEquals(9, got.size());
                for (int i = 0; i < 9; i++) {
                    ChainSource.Block b = got.get(i);
                    JsonNode real = blocks.get(8 - i);
                    assertEquals(real.get("id").asText(), b.hash(), "extras.header hashes to the id");
                    assertEquals(real.at("/extras/totalFees").asLong(), b.feesSat());
                    assertEquals(real.get("tx_count").asInt(), b.txCount());
                }
                ChainSource.Block one = c.block(890_440, blocks.get(0).get("id").asText());
                assertEquals(7_338_750L, one.feesSat());
            }
            // A follower backfills them with the real fees.
            ChainSettings s = Harness.FAST.withBackfillBlocks(9);
            h.follow(h.esplora(api.uri(), s), s);
            h.await(() -> h.topic.last() == 890_448, "backfill of the real blocks");
            assertEquals(LongStream.rangeClosed(890_440, 890_448).boxed().toList(), h.topic.heights());
            for (HeaderRecord r : h.topic.records) {
                JsonNode real = blocks.get((int) (r.height() - 890_440));
                assertEquals(real.at("/extras/header").asText(), r.headerHex());
                assertEquals(real.at("/extras/totalFees").asLong(), r.feesSat());
                assertEquals("esplora", r.source());
                // The claimed fees from the real extras.reward (the coinbase's outputs) less the subsidy.
                assertEquals(real.at("/extras/reward").asLong() - Subsidy.subsidySat(r.height()), r.feesClaimedSat());
                assertNull(r.coinbaseHex(), "no coinbase transaction in a bulk backfill");
                // Instead, the coinbase's parts as mempool.space gave them: what names the pool.
                assertEquals(real.at("/extras/coinbaseRaw").asText(), r.coinbaseScriptSigHex());
                List<String> addresses = new ArrayList<>();
                real.at("/extras/coinbaseAddresses").forEach(a -> addresses.add(a.asText()));
                assertTrue(!addresses.isEmpty(), "height " + r.height());
                assertEquals(addresses, r.coinbasePayoutAddresses(), "height " + r.height());
            }
            TopicList.assertLinked(h.topic.records);
        }
    }

    @Test
    void mempoolSpaceBackfillsInBulkFollowsAndHonoursRetryAfter() throws Exception {
        FakeChain chain = mainnet(FIRST + 299);
        try (FakeEsplora api = new FakeEsplora(chain); Harness h = new Harness("esplora")) {
            h.follow(h.esplora(api.uri(), Harness.FAST), Harness.FAST);
            h.await(() -> h.topic.last() == FIRST + 299, "backfill");
            assertEquals(LongStream.rangeClosed(FIRST + 100, FIRST + 299).boxed().toList(), h.topic.heights());
            for (HeaderRecord r : h.topic.records) {
                assertEquals(FakeChain.fees(r.height()), r.feesSat());
                assertEquals(FakeChain.txs(r.height()), r.txCount());
                assertEquals(FakeChain.fees(r.height()), r.feesClaimedSat(), "from extras.reward");
            }
            TopicList.assertLinked(h.topic.records);
            assertEquals(14, api.count("/v1/blocks/"), "200 blocks in bulk, 15 a request");
            assertTrue(api.count("/block/") == 0, "no per-block requests in the backfill");

            chain.advance(1);
            h.await(() -> h.topic.last() == FIRST + 300, "a new block");
            HeaderRecord tipRecord = h.topic.records.get(h.topic.records.size() - 1);
            assertEquals(FakeChain.coinbaseHex(FIRST + 300), tipRecord.coinbaseHex(), "/block/:hash/txid/0, /tx/:txid/hex");
            assertEquals(FakeChain.fees(FIRST + 300), tipRecord.feesClaimedSat());

            // Rate limited: the next request waits for Retry-After (1 s), not the 50 ms backoff.
            api.retryAfterSeconds = 1;
            int before = api.paths.size();
            api.mode = FakeEsplora.Mode.RATE_LIMITED;
            h.await(() -> h.metrics.errors(SourceException.Kind.HTTP) >= 1, "429 counted");
            h.await(() -> api.paths.size() >= before + 2, "a retry");
            long first429 = api.times.get(before);
            long retry = api.times.get(before + 1);
            assertTrue(retry - first429 >= 900, "retried after " + (retry - first429) + " ms");
            assertTrue(h.logged("HTTP 429"), h.lines());
            assertTrue(h.logged("Retry-After 1 s"), h.lines());
            api.mode = FakeEsplora.Mode.OK;
            chain.advance(2);
            h.await(() -> h.topic.last() == FIRST + 302, "recovered");

            // Outage, and a malformed reply, then recovery; a restart resumes.
            api.stop();
            h.await(() -> h.metrics.errors(SourceException.Kind.CONNECT) >= 1, "outage");
            api.restart();
            api.mode = FakeEsplora.Mode.GARBAGE;
            h.await(() -> h.metrics.errors(SourceException.Kind.MALFORMED) >= 1, "garbage");
            assertTrue(h.logged("is not a height (<html>maintenance</html>)"), h.lines());
            api.mode = FakeEsplora.Mode.SLOW;
            h.await(() -> h.metrics.errors(SourceException.Kind.TIMEOUT) >= 1, "timeout");
            api.mode = FakeEsplora.Mode.OK;
            chain.advance(1);
            h.await(() -> h.topic.last() == FIRST + 303, "recovered again");
            h.close();
            chain.advance(40);
            h.follow(h.esplora(api.uri(), Harness.FAST), Harness.FAST);
            h.await(() -> h.topic.last() == FIRST + 343, "resumed");
            assertEquals(LongStream.rangeClosed(FIRST + 100, FIRST + 343).boxed().toList(), h.topic.heights());
        }
    }

    @Test
    void plainEsploraHasNoFeesAndRebuildsHeadersFromTheFields() throws Exception {
        FakeChain chain = mainnet(FIRST + 59);
        try (FakeEsplora api = new FakeEsplora(chain); Harness h = new Harness("esplora")) {
            api.plain = true;
            ChainSettings s = Harness.FAST.withBackfillBlocks(50);
            h.follow(h.esplora(api.uri(), s), s);
            h.await(() -> h.topic.last() == FIRST + 59, "backfill");
            assertEquals(LongStream.rangeClosed(FIRST + 10, FIRST + 59).boxed().toList(), h.topic.heights());
            for (HeaderRecord r : h.topic.records) {
                assertNull(r.feesSat());
                assertEquals(FakeChain.txs(r.height()), r.txCount());
                assertEquals(chain.at(r.height()).hex(), r.headerHex(), "rebuilt from the block's fields");
            }
            assertEquals(5, api.count("/blocks/") - api.count("/blocks/tip/"), "50 blocks in bulk, 10 a request");
            assertEquals(1, h.count("has no /v1 API (plain Esplora)"), h.lines());
            assertFalse(h.metrics.feesAvailable());
            chain.advance(1);
            h.await(() -> h.topic.last() == FIRST + 60, "a new block, one by one");
            assertEquals(1, api.count("/block/" + chain.at(FIRST + 60).hash() + "/header"));
            HeaderRecord tipRecord = h.topic.records.get(h.topic.records.size() - 1);
            assertEquals(FakeChain.coinbaseHex(FIRST + 60), tipRecord.coinbaseHex());
            assertEquals(FakeChain.fees(FIRST + 60), tipRecord.feesClaimedSat(), "claimed fees from the coinbase");

            // An index that cannot give the coinbase: the header without it, logged once.
            api.coinbases = false;
            chain.advance(1);
            h.await(() -> h.topic.last() == FIRST + 61, "a block without coinbase");
            chain.advance(1);
            h.await(() -> h.topic.last() == FIRST + 62, "another");
            assertNull(h.topic.records.get(h.topic.records.size() - 1).coinbaseHex());
            assertEquals(1, h.count("no coinbase transaction for block"), h.lines());
        }
    }

    @Test
    void anEmptyPageBelowTheTipIsAnErrorRetriedAndLogged() throws Exception {
        FakeChain chain = mainnet(FIRST + 29);
        try (FakeEsplora api = new FakeEsplora(chain); Harness h = new Harness("esplora")) {
            api.emptyPages.set(2);
            ChainSettings s = Harness.FAST.withBackfillBlocks(30);
            h.follow(h.esplora(api.uri(), s), s);
            h.await(() -> h.topic.last() == FIRST + 29, "backfill after the empty pages");
            assertEquals(LongStream.rangeClosed(FIRST, FIRST + 29).boxed().toList(), h.topic.heights(),
                    "each once, none skipped");
            assertEquals(2, h.metrics.errors(SourceException.Kind.MALFORMED), h.lines());
            assertTrue(h.logged("an empty page"), h.lines());
        }
    }

    @Test
    void networksAreKnownByTheirGenesisBlock() throws Exception {
        FakeChain chain = mainnet(FIRST + 5);
        try (FakeEsplora api = new FakeEsplora(chain); Harness h = new Harness("esplora")) {
            // Signet's genesis block (Core's SigNetParams: time 1598918400, bits 0x1e0377ae, nonce 52613770).
            chain.put(0, List.of(BlockHeader.fromHex("0100000000000000000000000000000000000000000000000000000000"
                    + "000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a008f4d5fae77031e"
                    + "8ad22203")));
            try (EsploraClient c = h.esplora(api.uri(), Harness.FAST)) {
                assertEquals(Network.SIGNET, c.tip().network());
            }
            // Testnet3's (CTestNetParams: time 1296688602, nonce 414098458): refused, its rules are not implemented.
            chain.put(0, List.of(BlockHeader.fromHex("0100000000000000000000000000000000000000000000000000000000"
                    + "000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4adae5494dffff001d"
                    + "1aa4ae18")));
            try (EsploraClient c = h.esplora(api.uri(), Harness.FAST)) {
                SourceException e = assertThrows(SourceException.class, c::tip);
                assertEquals(SourceException.Kind.UNSUPPORTED_NETWORK, e.kind());
                assertTrue(e.getMessage().contains("testnet3: network not supported by the verifier"),
                        e.getMessage());
            }
            chain.put(0, List.of(chain.at(FIRST)));
            try (EsploraClient c = h.esplora(api.uri(), Harness.FAST)) {
                SourceException e = assertThrows(SourceException.class, c::tip);
                assertEquals(SourceException.Kind.WRONG_CHAIN, e.kind());
                assertTrue(e.getMessage().contains("is not Bitcoin's"), e.getMessage());
            }
        }
    }
}
