package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.SharedData;
import io.hashwatch.testing.TopicSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code hashwatch backfill} end to end: real headers, embedded broker, the real topology, JSON-lines out. */
class BackfillIntegrationTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    @Timeout(180)
    void backfillsRealFullBlocksWithTheirCoinbasesAndDeadLettersCoinbasesOfAnotherHeight() throws Exception {
        Path blocks = SharedData.require("data/blocks/raw/mainnet_840002-840007.blocks.gz");
        Path out = tmp.resolve("blocks-out");
        CommandRunner r = CommandRunner.run("backfill", "--blocks", blocks.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        assertEquals(LongStream.rangeClosed(840_002, 840_007).boxed().toList(),
                heights(out.resolve(Topics.BLOCKS.name() + ".jsonl")), "heights from the first coinbase (BIP34)");
        assertRecordsMatchTheirSchemas(out);
        assertEquals(List.of(), lines(out.resolve(Topics.DEAD_LETTERS.name() + ".jsonl")));
        // Who mined them, as their coinbases say ("/Foundry USA Pool #dropgold/", "Mined by AntPool",
        // "/poolin.com/"), with the claimed fees and tx counts of ../shared/data/blocks/block_fees_points.csv.
        Map<Long, String> miners = Map.of(840_002L, "foundryusa", 840_003L, "antpool", 840_004L, "antpool",
                840_005L, "antpool", 840_006L, "poolin", 840_007L, "antpool");
        Map<Long, long[]> fees = new java.util.HashMap<>();
        for (Map<String, String> row : SharedData.readCsv(SharedData.require("data/blocks/block_fees_points.csv"))) {
            fees.put(Long.parseLong(row.get("height")), new long[]{Long.parseLong(row.get("total_fees_sat")),
                    Long.parseLong(row.get("tx_count"))});
        }
        List<String> pools = lines(out.resolve(Topics.POOLS.name() + ".jsonl"));
        assertEquals(6, pools.size());
        for (String line : pools) {
            JsonNode p = MAPPER.readTree(line);
            long h = p.get("height").asLong();
            assertEquals("attributed", p.get("attribution").asText(), line);
            assertEquals(miners.get(h), p.get("pool_slug").asText(), "pool at " + h);
            assertEquals(fees.get(h)[0], p.get("fees_claimed_sat").asLong(), "claimed fees at " + h);
            assertEquals(fees.get(h)[1], p.get("tx_count").asLong(), "tx count at " + h);
            assertFalse(p.get("empty").asBoolean());
        }
        // The windows ending at the last block (published once a commit interval: the file's last record is the
        // tip's), counted by pool: the same six blocks.
        List<String> windows = lines(out.resolve(Topics.POOL_WINDOWS.name() + ".jsonl"));
        JsonNode tipWindows = MAPPER.readTree(windows.get(windows.size() - 1));
        assertEquals(840_007, tipWindows.get("height").asLong());
        Map<String, Integer> byPool = new java.util.TreeMap<>();
        tipWindows.get("windows").get(0).get("pools").forEach(p -> byPool.put(p.get("slug").asText(),
                p.get("blocks").asInt()));
        assertEquals(Map.of("antpool", 4, "foundryusa", 1, "poolin", 1), byPool);

        // Told the wrong start height: every coinbase states another height: dead-lettered, the headers still count.
        Path wrong = tmp.resolve("wrong-out");
        CommandRunner w = CommandRunner.run("backfill", "--blocks", blocks.toString(), "--start-height", "840003",
                "--out", wrong.toString());
        assertEquals(0, w.exitCode(), () -> "stdout:\n" + w.out() + "\nstderr:\n" + w.err());
        assertEquals(LongStream.rangeClosed(840_003, 840_008).boxed().toList(),
                heights(wrong.resolve(Topics.BLOCKS.name() + ".jsonl")));
        List<String> dead = lines(wrong.resolve(Topics.DEAD_LETTERS.name() + ".jsonl"));
        assertEquals(6, dead.size());
        assertTrue(dead.get(0).contains("malformed_coinbase") && dead.get(0).contains("bad-cb-height"), dead.get(0));
        // Without a coinbase that parses, the blocks are unattributed: not unknown.
        for (String line : lines(wrong.resolve(Topics.POOLS.name() + ".jsonl"))) {
            assertEquals("unattributed", MAPPER.readTree(line).get("attribution").asText(), line);
        }
        assertEquals(6, lines(wrong.resolve(Topics.POOLS.name() + ".jsonl")).size());
        assertRecordsMatchTheirSchemas(wrong);
    }

    @Test
    @Timeout(180)
    void backfillsTwentyThousandRealMainnetHeaders() throws Exception {
        Path headers = SharedData.requireHeaders("mainnet_80001-100000.btcrelay.bin");
        Path out = tmp.resolve("out");

        long t0 = System.nanoTime();
        Path history = tmp.resolve("history.om");
        CommandRunner r = CommandRunner.run("backfill", "--headers", headers.toString(), "--start-height", "80001",
                "--network", "mainnet", "--out", out.toString(), "--openmetrics", history.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("backfill of 20000 headers took %.1f s (%.0f headers/s)%n", seconds, 20000 / seconds);
        System.out.println(r.out());
        assertEquals(0, r.exitCode(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        assertTrue(r.out().contains("20000 headers"), r.out());
        // The rate beyond start-up leaves out the part of the app's start-up that overlapped the publishing.
        Matcher times = Pattern.compile("publish to all processed: ([0-9.]+) s, [0-9]+"
                + " headers/s; beyond the streams app's start-up: ([0-9.]+) s, [0-9]+ headers/s").matcher(r.out());
        assertTrue(times.find(), r.out());
        double pipeline = Double.parseDouble(times.group(1));
        double processing = Double.parseDouble(times.group(2));
        assertTrue(processing > 0 && processing <= pipeline, r.out());

        List<Long> blockHeights = heights(out.resolve(Topics.BLOCKS.name() + ".jsonl"));
        assertEquals(LongStream.rangeClosed(80001, 100000).boxed().toList(), blockHeights,
                "one block per header, heights consecutive");
        assertEquals(20000, lines(out.resolve(Topics.HASHRATE.name() + ".jsonl")).size());
        assertEquals(20000, lines(out.resolve(Topics.DIFFICULTY.name() + ".jsonl")).size());

        List<Long> expectedRetargets = LongStream.rangeClosed(80002, 100000).filter(h -> h % 2016 == 0).boxed()
                .toList();
        assertEquals(10, expectedRetargets.size());
        assertEquals(expectedRetargets, heights(out.resolve(Topics.DIFFICULTY_ADJUSTMENTS.name() + ".jsonl")));
        assertEquals(List.of(), lines(out.resolve(Topics.DEAD_LETTERS.name() + ".jsonl")));
        assertEquals(List.of(), lines(out.resolve(Topics.REORGS.name() + ".jsonl")));
        assertRecordsMatchTheirSchemas(out);

        // The history as OpenMetrics with the blocks' timestamps, loaded by the real promtool.
        List<String> om = lines(history);
        assertEquals("# EOF", om.get(om.size() - 1));
        long samples = om.stream().filter(l -> !l.startsWith("#")).count();
        List<String> tip = om.stream().filter(l -> l.startsWith("hashwatch_tip_height{")).toList();
        assertEquals(20000, tip.size());
        assertEquals("hashwatch_tip_height{network=\"mainnet\"} 80001.0 1284614422", tip.get(0),
                "height 80,001 at its block time (2010-09-16)");
        java.util.Optional<Path> promtool = Tools.find("promtool");
        if (promtool.isEmpty()) {
            Tools.skipOrFailInCi("promtool (Debian package prometheus) is not installed: the OpenMetrics history"
                    + " was not loaded into a TSDB");
            return;
        }
        Path tsdb = tmp.resolve("tsdb");
        Tools.Result load = Tools.run(promtool.get().toString(), "tsdb", "create-blocks-from", "openmetrics",
                "--max-block-duration=8760h", history.toString(), tsdb.toString());
        assertEquals(0, load.exitCode(), load.output());
        Tools.Result list = Tools.run(promtool.get().toString(), "tsdb", "list", tsdb.toString());
        assertEquals(0, list.exitCode(), list.output());
        long loaded = list.output().lines().skip(1).mapToLong(l -> Long.parseLong(l.trim().split("\\s+")[4])).sum();
        assertEquals(samples, loaded, "every sample in the TSDB:\n" + list.output());
    }

    /**
     * Two epochs of 2013 (250,000..254,031) with the real daily closes of two sources: every block gets the USD
     * hashprice at the price of its own day, the median of the sources that have a close for it.
     */
    @Test
    @Timeout(180)
    void backfillsHashpriceAndEconomicsWithRealDailyPrices() throws Exception {
        Path all = SharedData.requireHeaders("mainnet_150001-340000.btcrelay.bin");
        Path cmc = SharedData.require("data/prices/btcusd_daily_2013-05-01_2021-07-01.cmc_kaggle.csv");
        Path bitstamp = SharedData.require("data/prices/btcusd_daily_2014-11-28_2022-08-20.bitstamp.csv");
        byte[] bytes = Files.readAllBytes(all);
        int from = 250_000;
        int count = 4032;
        Path slice = tmp.resolve("mainnet_250000-254031.bin");
        Files.write(slice, java.util.Arrays.copyOfRange(bytes, (from - 150_001) * 80, (from - 150_001 + count) * 80));
        Path out = tmp.resolve("out");

        CommandRunner r = CommandRunner.run("backfill", "--headers", slice.toString(), "--start-height",
                String.valueOf(from), "--prices", cmc.toString(), "--prices", bitstamp.toString(),
                "--out", out.toString());
        assertEquals(0, r.exitCode(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());

        java.util.TreeMap<Long, Double> closes = new java.util.TreeMap<>();
        List<String> csv = Files.readAllLines(cmc);
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",");
            closes.put(java.time.LocalDate.parse(f[0]).plusDays(1).atStartOfDay()
                    .toInstant(java.time.ZoneOffset.UTC).toEpochMilli(), Double.parseDouble(f[4]));
        }
        List<String> hashprice = lines(out.resolve(Topics.HASHPRICE.name() + ".jsonl"));
        assertEquals(count, hashprice.size());
        for (String line : hashprice) {
            JsonNode n = MAPPER.readTree(line);
            // 2013: only the CoinMarketCap file has closes, so the reference price is its close of the day before.
            var close = closes.floorEntry(n.get("time").asLong() * 1000);
            assertEquals(close.getValue(), n.get("price_usd").asDouble(), 0.0, line);
            assertEquals(n.get("hashprice_btc_per_ph_day").asDouble() * close.getValue(),
                    n.get("hashprice_usd_per_ph_day").asDouble(), 1e-9, line);
        }
        List<String> economics = lines(out.resolve(Topics.ECONOMICS.name() + ".jsonl"));
        assertEquals(count, economics.size(), "one record per block");
        for (String line : economics) {
            assertEquals(4, MAPPER.readTree(line).get("profiles").size(), "every default profile: " + line);
        }
        assertTrue(lines(out.resolve(Topics.REFERENCE_PRICES.name() + ".jsonl")).size() > 2900,
                "a reference price per daily close");
        assertEquals(List.of(), lines(out.resolve(Topics.DEAD_LETTERS.name() + ".jsonl")));
        assertRecordsMatchTheirSchemas(out);
    }

    /**
     * Every record the backfill wrote to an output topic conforms to the topic's committed JSON Schema
     * (docs/schemas/, what downstream consumers validate against); dead-letters hold the input as it came.
     */
    private static void assertRecordsMatchTheirSchemas(Path out) throws Exception {
        TopicSchemas schemas = TopicSchemas.ofRepository();
        StringBuilder counts = new StringBuilder();
        List<String> failures = new ArrayList<>();
        int total = 0;
        for (Topics.Topic<?, ?> topic : Topics.outputs()) {
            Path file = out.resolve(topic.name() + ".jsonl");
            if (topic != Topics.DEAD_LETTERS && Files.isRegularFile(file)) {
                try {
                    int n = schemas.assertExportValid(topic.name(), Files.readAllLines(file));
                    counts.append(' ').append(topic.name()).append('=').append(n);
                    total += n;
                } catch (AssertionError e) {
                    failures.add(e.getMessage());
                }
            }
        }
        System.out.println("records validated against docs/schemas: " + total + counts);
        assertEquals(List.of(), failures, "every topic's records conform to its schema");
        assertTrue(total > 0, "records validated");
    }

    private static List<String> lines(Path file) throws Exception {
        assertTrue(Files.isRegularFile(file), file + " written");
        return Files.readAllLines(file);
    }

    private static List<Long> heights(Path file) throws Exception {
        List<Long> out = new ArrayList<>();
        for (String line : lines(file)) {
            JsonNode n = MAPPER.readTree(line);
            assertEquals("mainnet", n.get("network").asText(), line);
            out.add(n.get("height").asLong());
        }
        return out;
    }
}
