package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.metrics.ChainMetrics;
import io.hashwatch.model.BlockRecord;
import io.hashwatch.model.DifficultyRecord;
import io.hashwatch.model.HashrateRecord;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.ReorgRecord;
import io.hashwatch.model.Topics;
import io.hashwatch.model.Topics.Topic;
import io.hashwatch.testing.RegtestChain;
import io.hashwatch.testing.Topologies;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chain topology on synthetic regtest chains mined by the test fixture. */
class ChainTopologyTest {
    /** The test clock: an hour after the fixture chains' blocks, far from "now". */
    private static final long NOW = 1_400_000_000L;

    @TempDir
    Path stateDir;

    private SimpleMeterRegistry registry;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> headers;

    @BeforeEach
    void start() {
        registry = new SimpleMeterRegistry();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "chain-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(Topologies.withDefaults(registry, () -> NOW),
                props);
        headers = driver.createInputTopic(Topics.HEADERS.name(), Topics.HEADERS.keySerde().serializer(),
                Topics.HEADERS.valueSerde().serializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void send(HeaderRecord record) {
        headers.pipeInput(record.network(), Json.write(record));
    }

    private void sendAll(List<HeaderRecord> records) {
        records.forEach(this::send);
    }

    private <V> List<TestRecord<String, V>> drain(Topic<String, V> topic) {
        TestOutputTopic<String, V> out = driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
        return out.readRecordsToList();
    }

    private double counter(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void derivesBlockHashrateAndDifficultyForEveryBlock() {
        RegtestChain chain = RegtestChain.fromGenesis(1);
        chain.extend(200);
        sendAll(chain.records(0, 200));

        List<TestRecord<String, BlockRecord>> blocks = drain(Topics.BLOCKS);
        assertEquals(201, blocks.size());
        for (int h = 0; h <= 200; h++) {
            TestRecord<String, BlockRecord> r = blocks.get(h);
            assertEquals("regtest:" + h, r.key());
            assertEquals(chain.at(h).hash(), r.value().hash());
            assertEquals("full", r.value().verification());
            // Block-derived records carry the block's own time, for event-time joins.
            assertEquals(chain.at(h).time() * 1000, r.timestamp());
        }

        List<TestRecord<String, HashrateRecord>> hashrate = drain(Topics.HASHRATE);
        assertEquals(201, hashrate.size());
        assertNull(hashrate.get(0).value().hashrate1dHps(), "no interval to measure at genesis");
        // Regtest: every block is worth exactly 2 hashes (floor(2^256 / (2^255 - 2^232 + 1)) = 2) and 600 s apart,
        // except genesis, whose time is the real regtest genesis time 1296688602.
        HashrateRecord at200 = hashrate.get(200).value();
        assertEquals(144 * 2 / (144 * 600.0), at200.hashrate1dHps());
        assertTrue(at200.window1dFull());
        assertFalse(at200.window3dFull(), "432 blocks are not there yet");
        assertFalse(at200.window7dFull());
        assertEquals(200 * 2 / (double) (chain.at(200).time() - chain.at(0).time()), at200.hashrate3dHps());
        assertEquals(201, at200.epochWindowBlocks() + 1, "Core's nblocks=-1 lookup is height % 2016 + 1");
        assertTrue(at200.hashrate1dLowerHps() < at200.hashrate1dHps());
        assertTrue(at200.hashrate1dUpperHps() > at200.hashrate1dHps());

        List<TestRecord<String, DifficultyRecord>> difficulty = drain(Topics.DIFFICULTY);
        assertEquals(201, difficulty.size());
        DifficultyRecord d = difficulty.get(200).value();
        assertEquals(200, d.blocksInEpoch());
        assertEquals(2016 - 200, d.blocksRemaining());
        assertEquals(2016, d.nextRetargetHeight());
        // 600 s per block exactly: the projection is "no change" (mempool's formula over n+1 blocks).
        assertEquals(600.0 / ((200 * 600.0 + (chain.at(1).time() - chain.at(0).time() - 600)) / 201) - 1,
                d.projectedChange(), 1e-12);
        assertEquals("epoch", d.projectionMethod());
        assertEquals(201, counter("hashwatch_headers_verified", "network", "regtest", "verification", "full"));
        assertEquals(200.0, registry.find("hashwatch_tip_height").tag("network", "regtest").gauge().value());
        assertTrue(drain(Topics.DEAD_LETTERS).isEmpty());
    }

    @Test
    void duplicatesAreIgnoredIdempotently() {
        RegtestChain chain = RegtestChain.fromGenesis(2);
        chain.extend(20);
        sendAll(chain.records(0, 20));
        drain(Topics.BLOCKS);
        for (int i = 0; i < 3; i++) {
            sendAll(chain.records(5, 20));
        }
        assertTrue(drain(Topics.BLOCKS).isEmpty(), "a known header emits nothing");
        assertTrue(drain(Topics.DEAD_LETTERS).isEmpty(), "a duplicate is not an error");
        assertEquals(48, counter("hashwatch_headers_duplicate", "network", "regtest"));
        assertEquals(21, counter("hashwatch_headers_verified", "network", "regtest", "verification", "full"));
    }

    @Test
    void badInputGoesToTheDeadLetterTopicWithItsReasonAndProcessingGoesOn() {
        RegtestChain chain = RegtestChain.fromGenesis(3);
        chain.extend(12);
        sendAll(chain.records(0, 10));

        BlockHeader tip = chain.at(10);
        byte[] merkle = new byte[32];
        // Proof of work: the first nonce whose hash misses regtest's target.
        BlockHeader highHash = null;
        for (long nonce = 0; highHash == null; nonce++) {
            BlockHeader h = BlockHeader.parse(RegtestChain.serialize(RegtestChain.VERSION, tip.hash(), merkle,
                    tip.time() + 600, RegtestChain.BITS, nonce));
            if (h.hashValue().compareTo(io.hashwatch.bitcoin.CompactTarget.decode(RegtestChain.BITS)) > 0) {
                highHash = h;
            }
        }
        BlockHeader badBits = RegtestChain.mine(RegtestChain.VERSION, tip.hash(), merkle, tip.time() + 600,
                0x2000ffffL);
        BlockHeader orphan = RegtestChain.mine(RegtestChain.VERSION, "11".repeat(32), merkle, tip.time() + 600,
                RegtestChain.BITS);
        BlockHeader future = RegtestChain.mine(RegtestChain.VERSION, tip.hash(), merkle, NOW + 3 * 3600,
                RegtestChain.BITS);
        BlockHeader old = RegtestChain.mine(RegtestChain.VERSION, tip.hash(), merkle, chain.at(5).time(),
                RegtestChain.BITS);
        BlockHeader v1 = RegtestChain.mine(1, tip.hash(), merkle, tip.time() + 600, RegtestChain.BITS);

        send(rec(11, highHash));
        send(rec(11, badBits));
        send(rec(11, orphan));
        send(rec(11, future));
        send(rec(11, old));
        send(rec(11, v1));
        send(rec(12, chain.at(11)));       // claims the wrong height
        headers.pipeInput("regtest", "{not json".getBytes(StandardCharsets.UTF_8));
        headers.pipeInput("regtest", "{\"network\":\"regtest\",\"height\":\"x\",\"header_hex\":\"00\"}"
                .getBytes(StandardCharsets.UTF_8));
        send(new HeaderRecord("regtest", 11, "abcd", null, null, "t", null));
        send(new HeaderRecord("dogecoin", 11, tip.hex(), null, null, "t", null));
        sendAll(chain.records(11, 12));    // and the good chain goes on

        List<TestRecord<String, byte[]>> dead = drain(Topics.DEAD_LETTERS);
        List<String> reasons = dead.stream().map(r -> header(r, Topics.REJECT_REASON_HEADER)).toList();
        assertEquals(List.of("high_hash", "bad_diffbits", "prev_block_not_found", "time_too_new", "time_too_old",
                "bad_version", "height_mismatch", "malformed", "malformed", "malformed", "unknown_network"),
                reasons);
        // The dead letter is the input byte for byte, with the reason and the source topic in its headers.
        assertEquals(new String(Json.write(rec(11, highHash)), StandardCharsets.UTF_8),
                new String(dead.get(0).value(), StandardCharsets.UTF_8));
        assertEquals("headers", header(dead.get(0), Topics.REJECT_SOURCE_TOPIC_HEADER));
        assertTrue(header(dead.get(1), Topics.REJECT_DETAIL_HEADER).contains("207fffff"));
        assertEquals(3, counter("hashwatch_headers_rejected", "reason", "malformed"));
        assertEquals(1, counter("hashwatch_headers_rejected", "reason", "high_hash"));

        List<TestRecord<String, BlockRecord>> blocks = drain(Topics.BLOCKS);
        assertEquals(13, blocks.size());
        assertEquals(chain.at(12).hash(), blocks.get(12).value().hash());
    }

    @Test
    void aMalformedCoinbaseIsDeadLetteredAndTheHeaderStillCounts() {
        // Regtest: BIP34 from height 1; height 11 is OP_11. One 50 BTC output.
        String good = "01000000" + "01" + "00".repeat(32) + "ffffffff" + "025b00" + "ffffffff" + "01"
                + "00f2052a01000000" + "0151" + "00000000";
        RegtestChain chain = RegtestChain.fromGenesis(1);
        chain.extend(12);
        List<HeaderRecord> records = chain.records(0, 12);
        for (HeaderRecord r : records.subList(0, 11)) {
            send(r);
        }
        HeaderRecord r11 = records.get(11);
        send(new HeaderRecord(r11.network(), 11, r11.headerHex(), null, null, "t", null, good, 0L));
        HeaderRecord r12 = records.get(12);
        String wrongHeight = good; // says 11 at height 12: bad-cb-height
        send(new HeaderRecord(r12.network(), 12, r12.headerHex(), null, null, "t", null, wrongHeight, 0L));
        List<TestRecord<String, byte[]>> dead = drain(Topics.DEAD_LETTERS);
        assertEquals(List.of("malformed_coinbase"), dead.stream()
                .map(r -> header(r, Topics.REJECT_REASON_HEADER)).toList());
        String detail = header(dead.get(0), Topics.REJECT_DETAIL_HEADER);
        org.junit.jupiter.api.Assertions.assertTrue(detail.contains("bad-cb-height"), detail);
        List<Long> blocks = drain(Topics.BLOCKS).stream().map(r -> r.value().height()).toList();
        assertEquals(12L, blocks.get(blocks.size() - 1), "block 12 is processed without its coinbase");
        assertEquals(13, blocks.size());
        assertEquals(1, counter("hashwatch_headers_rejected", "reason", "malformed_coinbase"));
        org.junit.jupiter.api.Assertions.assertTrue(blocks.size() == 13);
    }

    @Test
    void aBranchWithMoreWorkRewindsToTheForkAndReemitsCorrectedRecords() {
        RegtestChain main = RegtestChain.fromGenesis(4);
        main.extend(10);
        RegtestChain fork = main.fork(7);
        fork.extend(5);                     // heights 8..12
        sendAll(main.records(0, 10));
        send(fork.record(8));               // competing header at a known height: equal work, kept aside
        send(fork.record(9));
        send(fork.record(10));
        assertTrue(drain(Topics.REORGS).isEmpty(), "equal work: the first-seen branch stays best");
        assertEquals(3, counter("hashwatch_headers_verified", "network", "regtest", "verification", "full") - 11);

        send(fork.record(11));              // now the fork has more work
        send(fork.record(12));

        List<TestRecord<String, ReorgRecord>> reorgs = drain(Topics.REORGS);
        assertEquals(1, reorgs.size());
        ReorgRecord reorg = reorgs.get(0).value();
        assertEquals(7, reorg.forkHeight());
        assertEquals(main.at(7).hash(), reorg.forkHash());
        assertEquals(10, reorg.oldTipHeight());
        assertEquals(11, reorg.newTipHeight());
        assertEquals(3, reorg.depth());
        assertEquals(4, reorg.added());
        assertEquals(1, counter("hashwatch_reorgs", "network", "regtest"));

        // Latest record per key is the truth: compaction leaves exactly the fork's chain.
        Map<String, BlockRecord> latest = new HashMap<>();
        drain(Topics.BLOCKS).forEach(r -> latest.put(r.key(), r.value()));
        Map<String, HashrateRecord> latestHashrate = new HashMap<>();
        drain(Topics.HASHRATE).forEach(r -> latestHashrate.put(r.key(), r.value()));
        for (int h = 8; h <= 12; h++) {
            assertEquals(fork.at(h).hash(), latest.get("regtest:" + h).hash(), "height " + h);
            assertEquals(fork.at(h).hash(), latestHashrate.get("regtest:" + h).hash());
        }
        assertEquals(main.at(7).hash(), latest.get("regtest:7").hash());

        // The disconnected blocks are now a side branch: the old chain can come back only with more work.
        send(main.record(10));
        assertEquals(1, counter("hashwatch_headers_duplicate", "network", "regtest"));
        assertTrue(drain(Topics.REORGS).isEmpty());
    }

    @Test
    void sideBranchBlocksMoreThanAnEpochBelowTheTipAreDroppedAtARetarget() {
        RegtestChain main = RegtestChain.fromGenesis(6);
        main.extend(4040);
        RegtestChain oldFork = main.fork(10);
        oldFork.extend(2);                  // heights 11..12: stale by the end
        RegtestChain recentFork = main.fork(3000);
        recentFork.extend(1);               // height 3001: within an epoch of the tip at 4032
        sendAll(main.records(0, 3005));
        send(oldFork.record(11));
        send(oldFork.record(12));
        send(recentFork.record(3001));
        KeyValueStore<String, StoredBlock> side = driver.getKeyValueStore(ChainProcessor.SIDE_BRANCH_STORE);
        assertEquals(3, count(side));

        sendAll(main.records(3006, 4031));
        assertEquals(3, count(side), "nothing is dropped before the retarget at 4032");
        send(main.record(4032));
        assertEquals(1, count(side), "the fork at height 11 is more than 2016 blocks below 4032");
        assertNotNull(side.get("regtest/" + recentFork.at(3001).hash()));
        // A dropped block sent again is a side branch whose parent is gone: rejected, not re-kept.
        send(oldFork.record(12));
        assertEquals(1, count(side));
        assertEquals(1, counter("hashwatch_headers_rejected", "reason", "prev_block_not_found"));
    }

    private static long count(KeyValueStore<String, StoredBlock> store) {
        try (var it = store.all()) {
            long n = 0;
            while (it.hasNext()) {
                it.next();
                n++;
            }
            return n;
        }
    }

    @Test
    void aReplayStartingMidChainIsPartiallyVerifiedNeverRejected() {
        RegtestChain chain = RegtestChain.fromGenesis(5);
        chain.extend(2040);
        // Start at a retarget height: regtest's minimum-difficulty rule walks back no further than that.
        sendAll(chain.records(2016, 2040));

        List<TestRecord<String, BlockRecord>> blocks = drain(Topics.BLOCKS);
        assertEquals(25, blocks.size());
        assertEquals("partial", blocks.get(0).value().verification(), "the anchor has no parent to check");
        // Median time past needs the 11 previous blocks: partial until the replay has them.
        for (int i = 1; i <= 10; i++) {
            assertEquals("partial", blocks.get(i).value().verification(), "height " + (2016 + i));
        }
        for (int i = 11; i < 25; i++) {
            assertEquals("full", blocks.get(i).value().verification(), "height " + (2016 + i));
        }
        assertEquals(11, counter("hashwatch_headers_verified", "network", "regtest", "verification", "partial"));
        HashrateRecord first = drain(Topics.HASHRATE).get(0).value();
        assertNull(first.hashrate1dHps());
        assertFalse(first.window1dFull());
        assertTrue(drain(Topics.DEAD_LETTERS).isEmpty());
    }

    private static HeaderRecord rec(long height, BlockHeader header) {
        return new HeaderRecord("regtest", height, header.hex(), null, null, "test", null);
    }

    private static String header(TestRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        assertNotNull(h, "header " + name);
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
