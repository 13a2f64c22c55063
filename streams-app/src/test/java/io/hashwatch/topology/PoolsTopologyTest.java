package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.bitcoin.BlockSummary;
import io.hashwatch.metrics.PoolMetrics;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.PoolBlockRecord;
import io.hashwatch.model.PoolWindowsRecord;
import io.hashwatch.model.PoolWindowsRecord.PoolDrought;
import io.hashwatch.model.PoolWindowsRecord.PoolShare;
import io.hashwatch.model.PoolWindowsRecord.PoolWindow;
import io.hashwatch.model.Topics;
import io.hashwatch.pools.Pool;
import io.hashwatch.pools.PoolList;
import io.hashwatch.testing.RegtestChain;
import io.hashwatch.testing.SharedData;
import io.hashwatch.testing.TopologyHarness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pools processor in the production topology over a regtest chain whose blocks carry real coinbases: the tags
 * and payout outputs of the real coinbases of {@code ../shared/data/pools} whose pool the source states (the 15
 * stratum jobs, the labelled mainnet blocks, blocks of 2009), each with its scriptSig's BIP34 height replaced by the
 * regtest height. Every record is checked against the stated pools and a straightforward recount of each window
 * written here, independently of the processor's running counts; a reorganization re-attributes the heights it
 * replaces.
 */
class PoolsTopologyTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final PoolList LIST = PoolList.bundled();
    private static final int[] WINDOWS = {144, 1008, 4320};
    /** The test clock, after every block of the test chains (4,500 blocks of 600 s from 2011). */
    private static final long NOW = 1_400_000_000L;

    @TempDir
    Path stateDir;

    /** A real coinbase's scriptSig (without its height push) and outputs, and the pool its source states. */
    record Sample(String tagHex, List<long[]> values, List<String> scripts, int poolId) {
    }

    /** One block of the test chain: which sample (null: no coinbase), its tx count (null: unknown). */
    record Planned(Sample sample, Integer txCount) {
    }

    static List<Sample> samples() throws IOException {
        List<Sample> out = new ArrayList<>();
        for (Map<String, String> row : SharedData.readCsv(SharedData.require("data/pools/stratum_jobs_890448.csv"))) {
            out.add(sample(row, Integer.parseInt(row.get("pool_id"))));
        }
        for (Map<String, String> row : SharedData.readCsv(SharedData.require("data/pools/coinbases.csv"))) {
            String stated = row.get("stated_pool");
            if (stated.isEmpty()) {
                continue;
            }
            // 881,423: the list's tag "Apollo" names FutureBit Apollo Solo (PoolListTest explains it).
            String name = row.get("height").equals("881423") ? "FutureBit Apollo Solo" : stated;
            int id = name.equals("Unknown") ? 0 : LIST.pools().stream().filter(p -> p.name().equals(name))
                    .findFirst().orElseThrow().id();
            out.add(sample(row, id));
        }
        List<Map<String, String>> early = SharedData.readCsv(SharedData.require(
                "data/pools/coinbases_early_h0-438.csv"));
        for (int i = 1; i < early.size(); i += 40) {
            out.add(sample(early.get(i), 0)); // before pools existed
        }
        return out;
    }

    /** The scriptSig less its leading height push (BIP34 from 227,931 on), and the outputs with a known value. */
    static Sample sample(Map<String, String> row, int poolId) throws IOException {
        String scriptSig = row.get("scriptsig_hex");
        int first = Integer.parseInt(scriptSig.substring(0, 2), 16);
        if (Long.parseLong(row.get("height")) >= 227_931 && first >= 1 && first <= 8) {
            scriptSig = scriptSig.substring(2 + 2 * first);
        }
        List<long[]> values = new ArrayList<>();
        List<String> scripts = new ArrayList<>();
        for (JsonNode o : Json.MAPPER.readTree(row.get("outputs_json"))) {
            if (o.hasNonNull("value_sat")) {
                values.add(new long[]{o.get("value_sat").asLong()});
                scripts.add(o.get("script_hex").asText());
            }
        }
        if (values.isEmpty()) {
            values.add(new long[]{1});
            scripts.add("51"); // OP_TRUE: the rows that name no paid output are attributed by tag
        }
        return new Sample(scriptSig, values, scripts, poolId);
    }

    /** A coinbase transaction at {@code height}: BIP34 height push, the sample's scriptSig (at most 100 bytes). */
    static String coinbase(long height, Sample s) {
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        byte[] n = scriptNumber(height);
        script.write(n.length);
        script.writeBytes(n);
        script.writeBytes(HEX.parseHex(s.tagHex()));
        byte[] sig = java.util.Arrays.copyOf(script.toByteArray(), Math.min(100, script.size()));
        ByteArrayOutputStream tx = new ByteArrayOutputStream();
        tx.writeBytes(HEX.parseHex("01000000" + "01" + "00".repeat(32) + "ffffffff"));
        varInt(tx, sig.length);
        tx.writeBytes(sig);
        tx.writeBytes(HEX.parseHex("ffffffff"));
        varInt(tx, s.values().size());
        for (int i = 0; i < s.values().size(); i++) {
            long v = s.values().get(i)[0];
            for (int b = 0; b < 8; b++) {
                tx.write((int) (v >>> (8 * b)) & 0xff);
            }
            byte[] sc = HEX.parseHex(s.scripts().get(i));
            varInt(tx, sc.length);
            tx.writeBytes(sc);
        }
        tx.writeBytes(new byte[4]);
        return HEX.formatHex(tx.toByteArray());
    }

    private static byte[] scriptNumber(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (v > 0) {
            out.write((int) (v & 0xff));
            v >>= 8;
        }
        byte[] b = out.toByteArray();
        if ((b[b.length - 1] & 0x80) != 0) {
            b = java.util.Arrays.copyOf(b, b.length + 1);
        }
        return b;
    }

    private static void varInt(ByteArrayOutputStream out, int n) {
        if (n < 0xfd) {
            out.write(n);
        } else {
            out.write(0xfd);
            out.write(n & 0xff);
            out.write(n >>> 8);
        }
    }

    /** A skewed, deterministic choice of samples: a few large pools, a long tail, some blocks without coinbase. */
    static List<Planned> plan(List<Sample> samples, int count, long seed) {
        Random r = new Random(seed);
        List<Planned> out = new ArrayList<>();
        double[] weights = new double[samples.size()];
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 1.0 / (1 + i % 9) / (1 + i % 9);
            total += weights[i];
        }
        for (int k = 0; k < count; k++) {
            Integer tx = r.nextInt(10) == 0 ? null : r.nextInt(8) == 0 ? 1 : 1 + r.nextInt(3000);
            if (r.nextInt(40) == 0) {
                out.add(new Planned(null, tx));
                continue;
            }
            double x = r.nextDouble() * total;
            int i = 0;
            while (i < weights.length - 1 && (x -= weights[i]) > 0) {
                i++;
            }
            out.add(new Planned(samples.get(i), tx));
        }
        return out;
    }

    static HeaderRecord header(RegtestChain chain, long height, Planned p) {
        HeaderRecord base = chain.record(height);
        String cb = p.sample() == null ? null : coinbase(height, p.sample());
        return new HeaderRecord(base.network(), height, base.headerHex(), null, p.txCount(), base.source(), null, cb,
                cb == null ? null : height * 7);
    }

    @Test
    void everyBlockAndWindowAgreesWithTheStatedPoolsAndARecount() throws IOException {
        List<Sample> samples = samples();
        int blocks = 4_500;
        RegtestChain chain = RegtestChain.fromGenesis(11);
        chain.extend(blocks);
        // Height 0 is the genesis block, sent without coinbase.
        List<Planned> plan = new ArrayList<>();
        plan.add(new Planned(null, 1));
        plan.addAll(plan(samples, blocks, 5));
        try (TopologyHarness h = new TopologyHarness(stateDir, "pools-test", NOW)) {
            // One header a commit interval: the windows are published once each, so every height's are checked.
            List<TestRecord<String, PoolBlockRecord>> out = new ArrayList<>();
            PoolWindowsRecord last = null;
            for (int i = 0; i <= blocks; i++) {
                h.send(header(chain, i, plan.get(i)));
                out.addAll(h.drain(Topics.POOLS));
                List<TestRecord<String, PoolWindowsRecord>> windows = h.drain(Topics.POOL_WINDOWS);
                assertEquals(1, windows.size(), "one windows record a commit interval, at " + i);
                assertEquals("regtest", windows.get(0).key());
                assertEquals("1", TopologyHarness.header(windows.get(0), Topics.SCHEMA_VERSION_HEADER));
                last = windows.get(0).value();
                checkWindows(chain, plan, i, last);
            }
            assertEquals(blocks + 1, out.size());
            for (int i = 0; i <= blocks; i++) {
                TestRecord<String, PoolBlockRecord> r = out.get(i);
                assertEquals("regtest:" + i, r.key());
                assertEquals("2", TopologyHarness.header(r, Topics.SCHEMA_VERSION_HEADER));
                check(chain, plan, i, r.value());
            }
            // Nothing moved: nothing published.
            assertEquals(List.of(), h.drain(Topics.POOL_WINDOWS));
            Map<Integer, Integer> byPool = new HashMap<>();
            plan.forEach(p -> byPool.merge(p.sample() == null ? -1 : p.sample().poolId(), 1, Integer::sum));
            assertEquals(byPool.get(-1), (int) h.counter("hashwatch_pool_attributions", "network", "regtest",
                    "result", "unattributed"));
            assertEquals(byPool.get(0), (int) h.counter("hashwatch_pool_attributions", "network", "regtest",
                    "result", "unknown"));
            PoolWindow week = last.windows().get(1);
            assertEquals(week.topShare(), h.gauge("hashwatch_pool_share_ratio", "network", "regtest", "window", "7d",
                    "pool", week.topPoolSlug()));
            assertEquals(week.hhi(), h.gauge("hashwatch_pools_hhi_ratio", "network", "regtest", "window", "7d"));
            // The droughts' gauges: every pool of the last record's droughts, and no other.
            List<PoolDrought> droughts = last.droughts();
            assertFalse(droughts.isEmpty());
            for (PoolDrought d : droughts) {
                assertEquals(d.probability(), h.gauge("hashwatch_pool_drought_probability_ratio", "network",
                        "regtest", "pool", d.slug()));
                assertEquals(d.blocksSinceLast(), h.gauge("hashwatch_pool_drought_blocks", "network", "regtest",
                        "pool", d.slug()));
                assertEquals(d.share(), h.gauge("hashwatch_pool_drought_share_ratio", "network", "regtest", "pool",
                        d.slug()));
            }
            assertEquals(droughts.size(), h.registry.find("hashwatch_pool_drought_probability_ratio").gauges().size());
            // Empty blocks by pool: the week's top pools each read their window's count, "other" the rest together.
            List<String> top = week.pools().stream().filter(p -> p.blocks() > 0).limit(PoolMetrics.TOP_POOLS)
                    .map(PoolShare::slug).toList();
            double emptyWithSeries = 0;
            for (PoolWindow window : last.windows()) {
                String label = PoolMetrics.windowLabel(window.windowBlocks());
                double other = 0;
                for (PoolShare p : window.pools()) {
                    if (top.contains(p.slug())) {
                        assertEquals(p.emptyBlocks(), h.gauge("hashwatch_pool_empty_blocks", "network", "regtest",
                                "window", label, "pool", p.slug()), label + " empty of " + p.slug());
                        emptyWithSeries += p.emptyBlocks();
                    } else {
                        other += p.emptyBlocks();
                    }
                }
                assertEquals(other, h.gauge("hashwatch_pool_empty_blocks", "network", "regtest", "window", label,
                        "pool", PoolMetrics.OTHER), label + " empty of the other pools");
            }
            assertTrue(emptyWithSeries > 0, "the plan has empty blocks");
            PoolDrought longest = droughts.stream().max((x, y) -> Long.compare(x.blocksSinceLast(),
                    y.blocksSinceLast())).orElseThrow();
            System.out.println("droughts at " + blocks + ": " + droughts.size() + " pools; longest " + longest);
            long poolSeries = h.registry.find("hashwatch_pool_share_ratio").tags("window", "7d").gauges().size();
            assertTrue(poolSeries <= 16, poolSeries + " series");
            System.out.println("pools at " + blocks + ", 7d: top " + week.topPoolSlug() + " " + week.topShare()
                    + ", hhi " + week.hhi() + ", nakamoto " + week.nakamotoCoefficient() + ", unknown "
                    + week.unknownShare() + ", pools " + week.pools().size() + ", series " + poolSeries);
        }
    }

    @Test
    void aReorganizationReattributesTheHeightsItReplaces() throws IOException {
        List<Sample> samples = samples();
        RegtestChain chain = RegtestChain.fromGenesis(12);
        chain.extend(300);
        List<Planned> plan = new ArrayList<>();
        plan.add(new Planned(null, 1));
        plan.addAll(plan(samples, 300, 6));
        try (TopologyHarness h = new TopologyHarness(stateDir, "pools-reorg", NOW)) {
            for (int i = 0; i <= 300; i++) {
                h.send(header(chain, i, plan.get(i)));
            }
            h.drain(Topics.POOLS);
            // A branch from 296 with five blocks (one more than the old chain's four above the fork), of one pool.
            RegtestChain fork = chain.fork(296);
            fork.extend(5);
            Sample foundry = samples.stream().filter(s -> s.poolId() == 111).findFirst().orElseThrow();
            List<Planned> newPlan = new ArrayList<>(plan.subList(0, 297));
            for (int i = 297; i <= 301; i++) {
                newPlan.add(new Planned(foundry, 2));
            }
            for (int i = 297; i <= 301; i++) {
                h.send(header(fork, i, newPlan.get(i)));
            }
            List<TestRecord<String, PoolBlockRecord>> out = h.drain(Topics.POOLS);
            // The side blocks 297..300 are kept; the fifth makes the branch heavier and 297..301 are connected.
            assertEquals(List.of("regtest:297", "regtest:298", "regtest:299", "regtest:300", "regtest:301"),
                    out.stream().map(TestRecord::key).toList());
            for (int i = 0; i < out.size(); i++) {
                PoolBlockRecord r = out.get(i).value();
                assertEquals(fork.at(297 + i).hash(), r.hash());
                assertEquals(111, r.poolId());
                check(fork, newPlan, 297 + i, r);
            }
            // The windows as of the new tip, once.
            List<TestRecord<String, PoolWindowsRecord>> windows = h.drain(Topics.POOL_WINDOWS);
            assertEquals(1, windows.size());
            assertEquals(fork.at(301).hash(), windows.get(0).value().hash());
            checkWindows(fork, newPlan, 301, windows.get(0).value());
            // Each connection counts: the old branch's blocks when they were connected, and the five new ones.
            long attributedBefore = plan.stream().filter(p -> p.sample() != null && p.sample().poolId() != 0).count();
            assertEquals(attributedBefore + 5, (long) h.counter("hashwatch_pool_attributions", "network", "regtest",
                    "result", "attributed"));
        }
    }

    /** The record of height {@code i} against the plan and a recount of each window from the plan. */
    static void check(RegtestChain chain, List<Planned> plan, int i, PoolBlockRecord r) {
        Planned p = plan.get(i);
        assertEquals(chain.at(i).hash(), r.hash(), "hash at " + i);
        if (p.sample() == null) {
            assertEquals("unattributed", r.attribution(), "at " + i);
            assertNull(r.poolId());
            assertNull(r.coinbaseTag());
        } else {
            assertEquals(p.sample().poolId() == 0 ? "unknown" : "attributed", r.attribution(), "at " + i);
            assertEquals(p.sample().poolId(), r.poolId(), "pool at " + i);
            assertEquals(i * 7L, r.feesClaimedSat());
            assertEquals(p.sample().poolId() == 0, "none".equals(r.match()), "match " + r.match() + " at " + i);
            assertNotNull(r.coinbaseTag());
        }
        assertEquals(p.txCount(), r.txCount());
        assertEquals(p.txCount() == null ? null : p.txCount() == 1, r.empty());
    }

    /** The windows ending at height {@code i} against a recount of each window from the plan. */
    static void checkWindows(RegtestChain chain, List<Planned> plan, int i, PoolWindowsRecord r) {
        assertEquals(i, r.height());
        assertEquals(chain.at(i).hash(), r.hash(), "hash at " + i);
        for (int w = 0; w < WINDOWS.length; w++) {
            expectWindow(chain, plan, i, w, r.windows().get(w));
        }
        expectDroughts(plan, i, r.droughts());
    }

    /** Droughts recounted from the plan: pools with >= 2% of the 1,008 blocks, gap by a scan back from the tip. */
    static void expectDroughts(List<Planned> plan, int tip, List<PoolDrought> got) {
        int from = Math.max(0, tip - 1008 + 1);
        Map<Integer, Integer> count = counts(plan, from, tip);
        int withCoinbase = tip - from + 1 - count.getOrDefault(-1, 0);
        List<PoolDrought> expected = new ArrayList<>();
        for (Pool pool : LIST.pools()) {
            int b = count.getOrDefault(pool.id(), 0);
            if (b == 0 || (double) b / withCoinbase < 0.02) {
                continue;
            }
            int last = tip;
            while (plan.get(last).sample() == null || plan.get(last).sample().poolId() != pool.id()) {
                last--;
            }
            double share = (double) b / withCoinbase;
            expected.add(new PoolDrought(pool.id(), pool.slug(), share, 1008, tip - last,
                    Math.pow(1 - share, tip - last)));
        }
        expected.sort((x, y) -> x.share() != y.share() ? Double.compare(y.share(), x.share())
                : Integer.compare(x.id(), y.id()));
        String at = "droughts at " + tip;
        assertEquals(expected.stream().map(PoolDrought::id).toList(), got.stream().map(PoolDrought::id).toList(), at);
        for (int k = 0; k < expected.size(); k++) {
            PoolDrought e = expected.get(k);
            PoolDrought g = got.get(k);
            assertEquals(e.slug(), g.slug(), at);
            assertEquals(1008, g.shareWindowBlocks(), at);
            assertEquals(e.blocksSinceLast(), g.blocksSinceLast(), at + " gap of " + e.slug());
            close(e.share(), g.share(), at + " share of " + e.slug());
            close(e.probability(), g.probability(), at + " odds of " + e.slug());
        }
    }

    static void expectWindow(RegtestChain chain, List<Planned> plan, int tip, int w, PoolWindow got) {
        int n = WINDOWS[w];
        String at = "window " + n + " at " + tip;
        int from = Math.max(0, tip - n + 1);
        Map<Integer, Integer> count = counts(plan, from, tip);
        int unattributed = count.getOrDefault(-1, 0);
        int unknown = count.getOrDefault(0, 0);
        int held = tip - from + 1;
        int withCoinbase = held - unattributed;
        assertEquals(n, got.windowBlocks(), at);
        assertEquals(held, got.blocks(), at);
        assertEquals(held == n, got.full(), at);
        assertEquals(withCoinbase, got.withCoinbase(), at);
        assertEquals(unknown, got.unknownBlocks(), at);
        assertEquals(unattributed, got.unattributedBlocks(), at);
        int empty = 0;
        int txKnown = 0;
        for (int h = from; h <= tip; h++) {
            if (plan.get(h).txCount() != null) {
                txKnown++;
                empty += plan.get(h).txCount() == 1 ? 1 : 0;
            }
        }
        assertEquals(empty, got.emptyBlocks(), at);
        assertEquals(txKnown, got.blocksWithTxCount(), at);
        // Core's getnetworkhashps: lookup min(n, tip), work over it / spread of its n + 1 timestamps.
        int lookup = Math.min(n, tip);
        Double rate = null;
        if (lookup > 0) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int h = tip - lookup; h <= tip; h++) {
                min = Math.min(min, chain.at(h).time());
                max = Math.max(max, chain.at(h).time());
            }
            BlockSummary t = chain.summary(tip);
            rate = t.chainwork().subtract(chain.summary(tip - lookup).chainwork()).doubleValue() / (max - min);
        }
        close(rate, got.networkHashrateHps(), at + " hashrate");
        if (withCoinbase == 0) {
            assertNull(got.unknownShare(), at);
            return;
        }
        close((double) unknown / withCoinbase, got.unknownShare(), at);
        // Identified pools, most blocks first (ties by id), with the next longer window's pools at 0 blocks.
        Map<Integer, Integer> longer = w + 1 < WINDOWS.length
                ? counts(plan, Math.max(0, tip - WINDOWS[w + 1] + 1), tip) : Map.of();
        int longerWithCoinbase = w + 1 < WINDOWS.length
                ? tip - Math.max(0, tip - WINDOWS[w + 1] + 1) + 1 - longer.getOrDefault(-1, 0) : 0;
        List<Integer> ids = new ArrayList<>();
        for (Pool pool : LIST.pools()) {
            if (count.getOrDefault(pool.id(), 0) > 0 || longer.getOrDefault(pool.id(), 0) > 0) {
                ids.add(pool.id());
            }
        }
        ids.sort((a, b) -> count.getOrDefault(b, 0).equals(count.getOrDefault(a, 0)) ? Integer.compare(a, b)
                : Integer.compare(count.getOrDefault(b, 0), count.getOrDefault(a, 0)));
        assertEquals(ids, got.pools().stream().map(PoolShare::id).toList(), at);
        Map<Integer, Integer> poolEmpty = new HashMap<>();
        Map<Integer, Integer> poolTxKnown = new HashMap<>();
        for (int h = from; h <= tip; h++) {
            Planned q = plan.get(h);
            if (q.sample() != null && q.txCount() != null) {
                poolTxKnown.merge(q.sample().poolId(), 1, Integer::sum);
                poolEmpty.merge(q.sample().poolId(), q.txCount() == 1 ? 1 : 0, Integer::sum);
            }
        }
        double hhi = 0;
        for (int k = 0; k < ids.size(); k++) {
            PoolShare s = got.pools().get(k);
            int b = count.getOrDefault(ids.get(k), 0);
            double share = (double) b / withCoinbase;
            hhi += share * share;
            assertEquals(b, s.blocks(), at);
            close(share, s.share(), at + " share");
            close(rate == null ? null : share * rate, s.hashrateHps(), at + " pool hashrate");
            Integer l = longer.get(ids.get(k));
            close(w + 1 < WINDOWS.length && l != null ? b / ((double) l / longerWithCoinbase * withCoinbase) : null,
                    s.luck(), at + " luck");
            assertEquals(LIST.byId(ids.get(k)).orElseThrow().slug(), s.slug());
            assertEquals(poolEmpty.getOrDefault(ids.get(k), 0), s.emptyBlocks(), at + " empty of " + s.slug());
            assertEquals(poolTxKnown.getOrDefault(ids.get(k), 0), s.blocksWithTxCount(), at + " tx counts of "
                    + s.slug());
        }
        close(hhi, got.hhi(), at + " hhi");
        int top = ids.isEmpty() ? 0 : count.getOrDefault(ids.get(0), 0);
        close(top == 0 ? null : (double) top / withCoinbase, got.topShare(), at + " top");
        // Nakamoto: add pools from the largest until they hold more than half of the blocks with a coinbase.
        Integer nakamoto = null;
        int sum = 0;
        for (int k = 0; k < ids.size(); k++) {
            sum += count.getOrDefault(ids.get(k), 0);
            if (sum * 2 > withCoinbase) {
                nakamoto = k + 1;
                break;
            }
        }
        assertEquals(nakamoto, got.nakamotoCoefficient(), at + " nakamoto");
    }

    /** Blocks per stated pool id (0 unknown, -1 no coinbase) over heights from..to. */
    static Map<Integer, Integer> counts(List<Planned> plan, int from, int to) {
        Map<Integer, Integer> out = new HashMap<>();
        for (int h = from; h <= to; h++) {
            Sample s = plan.get(h).sample();
            out.merge(s == null ? -1 : s.poolId(), 1, Integer::sum);
        }
        return out;
    }

    static void close(Double expected, Double actual, String what) {
        if (expected == null || actual == null) {
            assertEquals(expected, actual, what);
            return;
        }
        assertEquals(expected, actual, Math.abs(expected) * 1e-12 + 1e-300, what);
    }
}
