package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.CompactTarget;
import io.hashwatch.bitcoin.Work;
import io.hashwatch.metrics.ChainMetrics;
import io.hashwatch.model.BlockRecord;
import io.hashwatch.model.DifficultyAdjustmentRecord;
import io.hashwatch.model.DifficultyRecord;
import io.hashwatch.model.HashrateRecord;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.SharedData;
import io.hashwatch.testing.Topologies;
import io.hashwatch.testing.SharedData.HeaderRow;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology over 20,000 real mainnet headers (80,001..100,000, nine full retargets), checked against the real
 * chain: the next headers' bits, the epoch-boundary CSV's difficulties and times, and an independent BigDecimal
 * computation of Core's getnetworkhashps.
 */
class MainnetReplayTest {
    private static final String FILE = "mainnet_80001-100000.btcrelay.bin";
    private static final long FIRST = 80_001;

    @TempDir
    static Path stateDir;

    private static List<BlockHeader> headers;
    private static List<BlockRecord> blocks;
    private static List<HashrateRecord> hashrate;
    private static List<DifficultyRecord> difficulty;
    private static List<DifficultyAdjustmentRecord> adjustments;
    private static int deadLetters;

    @BeforeAll
    static void replay() {
        Path file = SharedData.requireHeaders(FILE);
        headers = SharedData.readParsedHeaders(file);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "mainnet-replay-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(
                Topologies.withDefaults(new SimpleMeterRegistry(), () -> System.currentTimeMillis() / 1000), props)) {
            TestInputTopic<String, byte[]> in = driver.createInputTopic(Topics.HEADERS.name(),
                    Topics.HEADERS.keySerde().serializer(), Topics.HEADERS.valueSerde().serializer());
            for (int i = 0; i < headers.size(); i++) {
                in.pipeInput("mainnet", Json.write(new HeaderRecord("mainnet", FIRST + i, headers.get(i).hex(),
                        null, null, "file", null)));
            }
            blocks = values(driver, Topics.BLOCKS);
            hashrate = values(driver, Topics.HASHRATE);
            difficulty = values(driver, Topics.DIFFICULTY);
            adjustments = values(driver, Topics.DIFFICULTY_ADJUSTMENTS);
            deadLetters = values(driver, Topics.DEAD_LETTERS).size();
        }
    }

    @AfterAll
    static void release() {
        headers = null;
        blocks = null;
        hashrate = null;
        difficulty = null;
    }

    private static <V> List<V> values(TopologyTestDriver driver, Topics.Topic<String, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(),
                topic.valueSerde().deserializer()).readValuesToList();
    }

    @Test
    void everyRealHeaderIsAcceptedAndOnlyTheHistoryLessOnesArePartial() {
        assertEquals(0, deadLetters);
        assertEquals(20_000, blocks.size());
        List<Long> partial = blocks.stream().filter(b -> b.verification().equals("partial"))
                .map(BlockRecord::height).toList();
        // The anchor and the next ten lack the 11 blocks of median time past; 80,640 is the first retarget,
        // whose epoch began at 78,624, before the replay: only the x4 clamp can be checked there.
        List<Long> expected = new java.util.ArrayList<>();
        for (long h = 80_001; h <= 80_011; h++) {
            expected.add(h);
        }
        expected.add(80_640L);
        assertEquals(expected, partial);
    }

    @Test
    void atEachEpochsLastBlockTheProjectedBitsAreTheRealNextBlocksBits() {
        int checked = 0;
        for (DifficultyRecord d : difficulty) {
            if (d.blocksInEpoch() == 2015 && d.height() < 100_000) {
                if (d.height() < 82_655) {
                    assertEquals(null, d.projectedNextBits(), "epoch start before the replay");
                    continue;
                }
                BlockHeader next = headers.get((int) (d.height() + 1 - FIRST));
                assertEquals(CompactTarget.toHex(next.bits()), d.projectedNextBits(), "height " + d.height());
                assertEquals("consensus", d.projectionMethod());
                BlockHeader last = headers.get((int) (d.height() - FIRST));
                assertEquals(Work.difficulty(next.bits()) / Work.difficulty(last.bits()) - 1, d.projectedChange(), 0.0);
                checked++;
            }
        }
        assertEquals(9, checked);
    }

    @Test
    void adjustmentsMatchTheEpochBoundaryCsv() {
        Map<Long, HeaderRow> csv = SharedData.readHeaderCsv(SharedData.requireHeaders(
                "epoch_boundaries_0-832608.ckb.csv")).stream()
                .collect(Collectors.toMap(HeaderRow::height, Function.identity()));
        assertEquals(10, adjustments.size());
        for (DifficultyAdjustmentRecord a : adjustments) {
            assertEquals(0, a.height() % 2016);
            HeaderRow first = csv.get(a.height());
            HeaderRow last = csv.get(a.height() - 1);
            assertEquals(first.hash(), a.hash());
            assertEquals(CompactTarget.toHex(first.bits()), a.newBits());
            assertEquals(CompactTarget.toHex(last.bits()), a.oldBits());
            double csvChange = first.difficulty().doubleValue() / last.difficulty().doubleValue() - 1;
            assertEquals(csvChange, a.change(), 1e-6, "height " + a.height());
            if (a.height() > 80_640) {
                HeaderRow previousFirst = csv.get(a.height() - 2016);
                assertEquals(first.time() - previousFirst.time(), (long) a.epochDurationSeconds());
                assertEquals(last.time() - previousFirst.time(), (long) a.consensusTimespanSeconds());
            } else {
                org.junit.jupiter.api.Assertions.assertNull(a.epochDurationSeconds(), "the epoch began before the replay");
            }
        }
    }

    @Test
    void hashrateWindowsEqualCoresFormulaComputedIndependently() {
        int[] heights = {85_000, 90_719, 90_720, 99_999, 100_000};
        for (int h : heights) {
            HashrateRecord r = hashrate.get(h - (int) FIRST);
            assertEquals(h, r.height());
            assertClose(independent(h, 144), r.hashrate1dHps(), h);
            assertClose(independent(h, 432), r.hashrate3dHps(), h);
            assertClose(independent(h, 1008), r.hashrate7dHps(), h);
            assertClose(independent(h, h % 2016 + 1), r.hashrateEpochHps(), h);
            assertTrue(r.window7dFull() && r.window1dFull() && r.windowEpochFull());
            assertTrue(r.hashrate7dLowerHps() < r.hashrate7dHps() && r.hashrate7dHps() < r.hashrate7dUpperHps());
            assertEquals(r.hashrate7dHps() * 1007 / 1008, r.hashrate7dBiasCorrectedHps(), 1e-9 * r.hashrate7dHps());
        }
    }

    /** getnetworkhashps n h from the raw headers: work of blocks h-n+1..h over max-min time of blocks h-n..h. */
    private static BigDecimal independent(int height, int n) {
        BigInteger work = BigInteger.ZERO;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int h = height - n; h <= height; h++) {
            BlockHeader header = headers.get(h - (int) FIRST);
            min = Math.min(min, header.time());
            max = Math.max(max, header.time());
            if (h > height - n) {
                BigInteger target = CompactTarget.decode(header.bits());
                work = work.add(BigInteger.ONE.shiftLeft(256).divide(target.add(BigInteger.ONE)));
            }
        }
        return new BigDecimal(work).divide(BigDecimal.valueOf(max - min), MathContext.DECIMAL128);
    }

    private static void assertClose(BigDecimal expected, Double actual, int height) {
        double rel = Math.abs(actual - expected.doubleValue()) / expected.doubleValue();
        assertTrue(rel < 1e-12, "height " + height + ": " + actual + " vs " + expected + " (relative " + rel + ")");
    }
}
