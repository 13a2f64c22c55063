package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.BlockRecord;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.ReferencePrice;
import io.hashwatch.model.RejectReason;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.Fuzz;
import io.hashwatch.testing.Fuzz.Mutant;
import io.hashwatch.testing.RegtestChain;
import io.hashwatch.testing.TopologyHarness;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random records through the whole topology (TopologyTestDriver): valid headers of a regtest chain and two
 * competing branches, in order, with duplicates, and mutations of them ({@link Fuzz}, plus changed hex digits of the
 * header itself, which make headers with a wrong parent, bits, time, version or proof of work, and sometimes valid
 * forks), interleaved with valid and mutated price ticks.
 *
 * <p>Checked after every record: exactly one of the verified, rejected and duplicate counters (ticks: accepted,
 * rejected) moved, by one; a rejected record is on {@code dead-letters} byte for byte with its key, a reason that
 * the counter that moved names, a bounded detail and the source topic; an accepted or duplicate record is not; a
 * duplicate or rejected header emits no block, an accepted one emits nothing or ends with its own block. At the end:
 * headers in = verified + rejected + duplicates, ticks in = accepted + rejected, dead letters = rejected, the
 * latest block per height forms one linked chain up to the tip gauge, and a new valid block and tick are still
 * processed. No exception handler is configured, so an exception in a processor fails the test at its record.
 *
 * <p>Seed: printed; {@code -Dhashwatch.fuzz.seed=N} reruns a failure, {@code -Dhashwatch.fuzz.scale=X} runs X
 * times as many records.
 */
class TopologyFuzzTest {
    private static final long NOW = 1_400_000_000L;
    private static final long NOW_MS = NOW * 1000;
    private static final Set<String> HEADER_REASONS = Arrays.stream(RejectReason.values())
            .filter(RejectReason::appliesToHeaders).map(RejectReason::label).collect(Collectors.toSet());
    private static final Set<String> PRICE_REASONS = Arrays.stream(RejectReason.values())
            .filter(RejectReason::appliesToPrices).map(RejectReason::label).collect(Collectors.toSet());
    /** Bitcoin's genesis header: mutations of it reach the anchor path of a network without chain state. */
    private static final String MAINNET_GENESIS_HEX = "0100000000000000000000000000000000000000000000000000000000000000"
            + "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";

    @TempDir
    Path stateDir;

    private TopologyHarness t;
    private final List<String> failures = new ArrayList<>();
    private final Map<String, BlockRecord> latestBlocks = new HashMap<>();
    private final Map<String, Integer> outcomes = new TreeMap<>();

    @Test
    void everyInputIsAcceptedOrDeadLetteredWithItsReasonAndTheAppNeverStops() {
        long started = System.nanoTime();
        Fuzz fuzz = new Fuzz(Fuzz.seed("topology"));
        RegtestChain main = RegtestChain.fromGenesis(90);
        main.extend(300);
        RegtestChain deep = main.fork(200);
        deep.extend(110);                                       // 201..310: a reorg of depth ~100 once sent
        RegtestChain shallow = main.fork(290);
        shallow.extend(5);                                      // 291..295: a side branch
        List<List<HeaderRecord>> branches = List.of(main.records(0, 300), deep.records(201, 310),
                shallow.records(291, 295), List.of(new HeaderRecord("mainnet", 0, MAINNET_GENESIS_HEX, null, null,
                        "fuzz", null)));
        List<HeaderRecord> pool = branches.stream().flatMap(List::stream).toList();
        int[] next = new int[branches.size()];
        int[] forkHeight = {-1, 200, 290, -1};                  // a branch is sent once main has its fork point
        List<byte[]> sentValid = new ArrayList<>();
        long tickTime = NOW_MS - 3_600_000L;

        int headersIn = 0;
        int ticksIn = 0;
        int cases = Fuzz.cases(5_000);
        try (TopologyHarness harness = new TopologyHarness(stateDir, "topology-fuzz-test", NOW)) {
            t = harness;
            // The first header of a network anchors its chain state (a replay may start anywhere): start from the
            // genesis, or the first mutant with valid proof of work (half of regtest's) would be the anchor.
            for (; next[0] < 20; next[0]++) {
                byte[] value = Json.write(branches.get(0).get(next[0]));
                sentValid.add(value);
                headersIn++;
                checkHeader("regtest", value, () -> "prelude: " + Fuzz.show(value));
            }
            for (int i = 0; i < cases && failures.size() < 10; i++) {
                int n = i;
                if (fuzz.chance(0.5)) {
                    byte[] value;
                    String what;
                    int r = fuzz.nextInt(100);
                    int b = r < 30 ? 0 : r < 45 ? 1 + fuzz.nextInt(3) : -1;
                    if (b >= 0 && next[b] < branches.get(b).size() && next[0] > forkHeight[b]) {
                        value = Json.write(branches.get(b).get(next[b]++));
                        sentValid.add(value);
                        what = "valid";
                    } else if (r < 55 && !sentValid.isEmpty()) {
                        value = fuzz.pick(sentValid);
                        what = "duplicate";
                    } else if (r < 70) {
                        value = changedHexDigit(fuzz, fuzz.pick(pool));
                        what = "hex digit changed";
                    } else {
                        Mutant m = fuzz.mutate(Json.write(fuzz.pick(pool)));
                        value = m.bytes();
                        what = m.toString();
                    }
                    String key = fuzz.chance(0.9) ? "regtest" : fuzz.chance(0.5) ? null : "k\u00e9y-" + fuzz.nextInt(9);
                    headersIn++;
                    checkHeader(key, value, () -> "case " + n + " header (" + what + "): " + Fuzz.show(value));
                } else {
                    byte[] value;
                    String what;
                    tickTime += fuzz.nextInt(20_000);
                    t.nowSeconds.set(Math.max(NOW, tickTime / 1000 + 60));     // the clock goes on with the feed
                    PriceTick valid = new PriceTick(fuzz.pick(List.of("coinbase", "kraken", "bitstamp")), "BTC-USD",
                            60_000 + fuzz.nextInt(1_000), 0.01, tickTime, tickTime + 30, Integer.toString(n));
                    if (fuzz.chance(0.4)) {
                        value = Json.write(valid);
                        what = "valid";
                    } else {
                        Mutant m = fuzz.mutate(Json.write(valid));
                        value = m.bytes();
                        what = m.toString();
                    }
                    ticksIn++;
                    checkTick(fuzz.chance(0.5) ? valid.exchange() : null, value, tickTime,
                            () -> "case " + n + " tick (" + what + "): " + Fuzz.show(value));
                }
            }
            // The rest of every branch, so that each run ends with the deep branch ahead of main: a reorganization.
            for (int b = 0; b < branches.size(); b++) {
                for (; next[b] < branches.get(b).size(); next[b]++) {
                    byte[] value = Json.write(branches.get(b).get(next[b]));
                    headersIn++;
                    checkHeader("regtest", value, () -> "rest of a branch: " + Fuzz.show(value));
                }
            }
            assertNoFailures();

            // Accounting over the whole run: in = verified + rejected + duplicates; dead letters = rejected.
            double verified = t.counterSum("hashwatch_headers_verified");
            double rejected = t.counterSum("hashwatch_headers_rejected");
            double duplicates = t.counterSum("hashwatch_headers_duplicate");
            assertEquals(headersIn, verified + rejected + duplicates, "headers in");
            double accepted = t.counterSum("hashwatch_prices_accepted");
            double rejectedTicks = t.counterSum("hashwatch_prices_rejected");
            assertEquals(ticksIn, accepted + rejectedTicks, "ticks in");
            assertEquals(rejected + rejectedTicks, (double) outcomes.getOrDefault("dead letters", 0));
            assertTrue(verified > 300 && rejected > 500 && duplicates > 100 && accepted > 500
                    && rejectedTicks > 500 && outcomes.containsKey("reorg"), "the run exercises every outcome: "
                    + outcomes);

            // The latest block per height is one linked chain, up to the tip the metrics show.
            TreeMap<Long, BlockRecord> regtest = new TreeMap<>();
            latestBlocks.values().stream().filter(x -> x != null && x.network().equals("regtest"))
                    .forEach(x -> regtest.put(x.height(), x));
            BlockRecord tip = regtest.lastEntry().getValue();
            assertEquals((double) tip.height(), t.gauge("hashwatch_tip_height", "network", "regtest"));
            for (long h = regtest.firstKey() + 1; h <= tip.height(); h++) {
                assertNotNull(regtest.get(h), "height " + h + " of the best chain");
                assertEquals(regtest.get(h - 1).hash(), regtest.get(h).prevHash(), "linked at " + h);
            }

            // The app never stopped: a new block on the best tip and a new tick are processed normally.
            BlockHeader block = RegtestChain.mine(RegtestChain.VERSION, tip.hash(), new byte[32], tip.time() + 600,
                    RegtestChain.BITS);
            t.send(new HeaderRecord("regtest", tip.height() + 1, block.hex(), null, null, "fuzz", null));
            List<TestRecord<String, BlockRecord>> blocks = t.drain(Topics.BLOCKS);
            assertEquals(block.hash(), blocks.get(blocks.size() - 1).value().hash());
            long minute = (tickTime / 60_000 + 24 * 60) * 60_000;           // a day after the last tick
            t.nowSeconds.set(minute / 1000 + 60);
            t.send(new PriceTick("final", "BTC-USD", 65_432, 1.0, minute + 1000, minute + 2000, null));
            Map<String, ReferencePrice> prices = new HashMap<>();
            t.drain(Topics.REFERENCE_PRICES).forEach(r -> prices.put(r.key(), r.value()));
            assertEquals(65_432, prices.get("BTC-USD:" + minute).price(), 0.0);
        }
        System.out.println("[fuzz] topology: " + cases + " records (" + headersIn + " headers, " + ticksIn
                + " ticks) in " + (System.nanoTime() - started) / 1_000_000 + " ms; " + outcomes);
    }

    /** One hex digit of the header changed to another: version, parent, merkle root, time, bits or nonce. */
    private static byte[] changedHexDigit(Fuzz fuzz, HeaderRecord r) {
        char[] hex = r.headerHex().toCharArray();
        int pos = fuzz.nextInt(hex.length);
        char c;
        do {
            c = Character.forDigit(fuzz.nextInt(16), 16);
        } while (c == hex[pos]);
        hex[pos] = c;
        return Json.write(new HeaderRecord(r.network(), r.height(), new String(hex), r.feesSat(), r.txCount(),
                r.source(), r.observedTimeMs()));
    }

    private void checkHeader(String key, byte[] value, Supplier<String> what) {
        double verified = t.counterSum("hashwatch_headers_verified");
        double duplicates = t.counterSum("hashwatch_headers_duplicate");
        Map<String, Double> rejected = byReason("hashwatch_headers_rejected");
        t.headers.pipeInput(key, value, TopologyHarness.HEADER_TIMESTAMP_MS);
        double dv = t.counterSum("hashwatch_headers_verified") - verified;
        double dd = t.counterSum("hashwatch_headers_duplicate") - duplicates;
        String reasonMoved = moved(rejected, byReason("hashwatch_headers_rejected"), what);
        List<TestRecord<String, byte[]>> dead = t.drain(Topics.DEAD_LETTERS);
        List<TestRecord<String, BlockRecord>> blocks = t.drain(Topics.BLOCKS);
        t.drain(Topics.REORGS).forEach(x -> count("reorg"));
        blocks.forEach(b -> latestBlocks.put(b.key(), b.value()));
        int moves = (int) dv + (int) dd + (reasonMoved == null ? 0 : 1);
        if (moves != 1 || dv < 0 || dd < 0) {
            failures.add(what.get() + ": verified +" + dv + ", duplicate +" + dd + ", rejected " + reasonMoved);
            return;
        }
        if (reasonMoved != null) {
            count("header " + reasonMoved);
            checkDeadLetter(dead, key, value, reasonMoved, HEADER_REASONS, "headers", what);
            if (!blocks.isEmpty()) {
                failures.add(what.get() + ": rejected, yet emitted " + blocks.size() + " block(s)");
            }
            return;
        }
        if (!dead.isEmpty()) {
            failures.add(what.get() + ": not rejected, yet dead-lettered: " + dead);
        }
        if (dd == 1) {
            count("header duplicate");
            if (!blocks.isEmpty()) {
                failures.add(what.get() + ": a duplicate emitted " + blocks.size() + " block(s)");
            }
            return;
        }
        count(blocks.isEmpty() ? "header verified, side branch" : "header verified, connected");
        if (!blocks.isEmpty()) {
            String hash = BlockHeader.fromHex(Json.read(value, HeaderRecord.class).headerHex()).hash();
            if (!blocks.get(blocks.size() - 1).value().hash().equals(hash)) {
                failures.add(what.get() + ": accepted, but the last block emitted is "
                        + blocks.get(blocks.size() - 1).value().hash());
            }
        }
    }

    private void checkTick(String key, byte[] value, long timestampMs, Supplier<String> what) {
        double accepted = t.counterSum("hashwatch_prices_accepted");
        Map<String, Double> rejected = byReason("hashwatch_prices_rejected");
        t.prices.pipeInput(key, value, timestampMs);
        double da = t.counterSum("hashwatch_prices_accepted") - accepted;
        String reasonMoved = moved(rejected, byReason("hashwatch_prices_rejected"), what);
        List<TestRecord<String, byte[]>> dead = t.drain(Topics.DEAD_LETTERS);
        t.drain(Topics.REFERENCE_PRICES);
        if (da + (reasonMoved == null ? 0 : 1) != 1) {
            failures.add(what.get() + ": accepted +" + da + ", rejected " + reasonMoved);
            return;
        }
        if (reasonMoved != null) {
            count("tick " + reasonMoved);
            checkDeadLetter(dead, key, value, reasonMoved, PRICE_REASONS, "prices", what);
        } else {
            count("tick accepted");
            if (!dead.isEmpty()) {
                failures.add(what.get() + ": accepted, yet dead-lettered");
            }
            try {
                PriceTick tick = Json.read(value, PriceTick.class);
                if (!(tick.price() >= 0.01 && tick.price() <= 1e7) || tick.tradeTimeMs() <= 0) {
                    failures.add(what.get() + ": accepted an absurd tick " + tick);
                }
            } catch (SerializationException e) {
                failures.add(what.get() + ": accepted what does not parse: " + e.getMessage());
            }
        }
    }

    private void checkDeadLetter(List<TestRecord<String, byte[]>> dead, String key, byte[] value, String reason,
                                 Set<String> reasons, String sourceTopic, Supplier<String> what) {
        count("dead letters");
        if (dead.size() != 1) {
            failures.add(what.get() + ": rejected (" + reason + ") with " + dead.size() + " dead letters");
            return;
        }
        TestRecord<String, byte[]> d = dead.get(0);
        String detail = d.headers().lastHeader(Topics.REJECT_DETAIL_HEADER) == null ? null : TopologyHarness.detail(d);
        if (!Arrays.equals(value, d.value()) || !Objects.equals(key, d.key())) {
            failures.add(what.get() + ": the dead letter is not the input byte for byte");
        } else if (!reasons.contains(reason) || !reason.equals(TopologyHarness.reason(d))) {
            failures.add(what.get() + ": reason " + TopologyHarness.reason(d) + ", counted as " + reason);
        } else if (detail == null || detail.isBlank() || detail.length() > DeadLetters.MAX_DETAIL_CHARS + 40) {
            failures.add(what.get() + ": detail '" + detail + "'");
        } else if (!sourceTopic.equals(TopologyHarness.header(d, Topics.REJECT_SOURCE_TOPIC_HEADER))) {
            failures.add(what.get() + ": source topic " + TopologyHarness.header(d, Topics.REJECT_SOURCE_TOPIC_HEADER));
        }
    }

    private Map<String, Double> byReason(String counter) {
        Map<String, Double> out = new HashMap<>();
        t.registry.find(counter).counters().forEach(c -> out.put(c.getId().getTag("reason"), c.count()));
        return out;
    }

    /** The one reason whose counter moved by exactly one, null if none moved; a failure if anything else moved. */
    private String moved(Map<String, Double> before, Map<String, Double> after, Supplier<String> what) {
        String moved = null;
        for (Map.Entry<String, Double> e : after.entrySet()) {
            double delta = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            if (delta == 0) {
                continue;
            }
            if (delta != 1 || moved != null) {
                failures.add(what.get() + ": reject counters moved " + before + " -> " + after);
                return null;
            }
            moved = e.getKey();
        }
        return moved;
    }

    private void count(String outcome) {
        outcomes.merge(outcome, 1, Integer::sum);
    }

    private void assertNoFailures() {
        assertTrue(failures.isEmpty(), failures.size() + " failure(s):\n" + failures.stream()
                .map(f -> f.length() <= 1500 ? f : f.substring(0, 1500) + "...").collect(Collectors.joining("\n")));
    }
}
