package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.MinerDayRecord;
import io.hashwatch.model.MinerSignalRecord;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.Topics;
import io.hashwatch.stress.DayBlock;
import io.hashwatch.stress.DayIndicators;
import io.hashwatch.stress.DayTotals;
import io.hashwatch.stress.Indicators;
import io.hashwatch.stress.Signals;
import io.hashwatch.testing.RegtestChain;
import io.hashwatch.testing.SharedData;
import io.hashwatch.testing.TopologyHarness;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The miner-stress stage on the topology: {@code miner-days} updated at each block (published once a commit interval
 * while the day is open), final once stream time passes the
 * day's end plus the grace (60 s), corrected after a reorganization; {@code miner-signals} of final days.
 */
class MinerStressTopologyTest {
    private static final long FIRST = 150_001;
    private static final BigInteger TWO_256 = BigInteger.ONE.shiftLeft(256);
    private static final long GRACE_MS = 60_000;

    @TempDir
    Path stateDir;

    private static long dayEndMs(String day) {
        return LocalDate.parse(day).plusDays(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC) * 1000;
    }

    /** Every update says final exactly when its stream time (the block's, blocks being in time order) is past the
     *  day's end plus the grace; the last record of each day holds all its blocks. */
    @Test
    void dayIsUpdatedWhileOpenFinalAfterItsEndAndCorrectedByAReorg() {
        RegtestChain main = RegtestChain.fromGenesis(7);
        main.extend(200);
        try (TopologyHarness t = new TopologyHarness(stateDir, "miner-stress-regtest", 2_000_000_000L)) {
            t.send(main.records(0, 200));
            List<TestRecord<String, MinerDayRecord>> days = t.drain(Topics.MINER_DAYS);
            Map<String, MinerDayRecord> latest = new TreeMap<>();
            for (TestRecord<String, MinerDayRecord> r : days) {
                MinerDayRecord d = r.value();
                assertEquals("regtest:" + d.day(), r.key());
                assertEquals(r.timestamp() >= dayEndMs(d.day()) + GRACE_MS, d.finalized(), r.key() + " at "
                        + r.timestamp());
                latest.put(r.key(), d);
            }
            // Blocks by UTC day of their time, counted here from the fixture's headers.
            Map<String, Integer> perDay = new TreeMap<>();
            for (long h = 0; h <= 200; h++) {
                perDay.merge("regtest:" + DayTotals.dayOf(main.at(h).time()), 1, Integer::sum);
            }
            assertEquals(perDay.keySet(), latest.keySet());
            // Coalesced: the open day is held and published once a commit interval of wall-clock time (none passed
            // while the blocks were sent), a day that closes at once, final. So one record a day.
            assertEquals(perDay.size(), days.size());
            perDay.forEach((k, n) -> assertEquals(n, latest.get(k).totals().blocks(), k));
            String first = perDay.keySet().iterator().next();
            assertTrue(latest.get(first).finalized(), "the first day closed by the next day's blocks");
            String last = ((TreeMap<String, Integer>) perDay).lastKey();
            assertFalse(latest.get(last).finalized());
            // Regtest work per block: floor(2^256 / (0x7fffff * 2^232 + 1)) = 2, exactly.
            assertEquals(2.0 * latest.get(last).totals().blocks() / 86_400, latest.get(last).totals().hashrate(), 0);
            assertTrue(t.drain(Topics.MINER_SIGNALS).isEmpty(), "three days: no window is full, no event");

            // A fork from 150 with more blocks: its days replace the old branch's.
            RegtestChain fork = main.fork(150);
            fork.extend(60);                                         // 151..210
            t.send(fork.records(151, 210));
            Map<String, MinerDayRecord> after = new TreeMap<>(latest);
            t.drain(Topics.MINER_DAYS).forEach(r -> after.put(r.key(), r.value()));
            Map<String, Integer> forkDays = new TreeMap<>();
            for (long h = 0; h <= 210; h++) {
                forkDays.merge("regtest:" + DayTotals.dayOf(fork.at(h).time()), 1, Integer::sum);
            }
            forkDays.forEach((k, n) -> assertEquals(n, after.get(k).totals().blocks(), k));
            assertEquals(210, after.get(((TreeMap<String, Integer>) forkDays).lastKey()).totals().lastHeight());
        }
    }

    /**
     * Real headers 232,001..240,000 (2013-04-22 .. 2013-06-14) with the real daily closes: every final day equals
     * the day totals of its blocks built here from the raw bits and the CSV, and the indicators of that series.
     */
    @Test
    void realDaysEqualTheSeriesOfTheirBlocks() throws IOException {
        List<BlockHeader> headers = SharedData.readParsedHeaders(
                SharedData.requireHeaders("mainnet_150001-340000.btcrelay.bin"));
        TreeMap<Long, Double> closes = closes(SharedData.require(
                "data/prices/btcusd_daily_2013-05-01_2021-07-01.cmc_kaggle.csv"));
        int from = 232_001;
        int to = 240_000;
        Map<String, MinerDayRecord> latest = new TreeMap<>();
        Map<String, MinerSignalRecord> signals = new TreeMap<>();
        try (TopologyHarness t = new TopologyHarness(stateDir, "miner-stress-mainnet", 2_000_000_000L)) {
            long firstTime = headers.get(from - (int) FIRST).time() * 1000;
            var ticks = closes.tailMap(firstTime - 2 * 86_400_000L).entrySet().iterator();
            var next = ticks.hasNext() ? ticks.next() : null;
            for (int h = from; h <= to; h++) {
                BlockHeader header = headers.get(h - (int) FIRST);
                while (next != null && next.getKey() <= header.time() * 1000) {
                    t.send(new PriceTick("cmc", "BTC-USD", next.getValue(), null, next.getKey(), next.getKey(), null));
                    next = ticks.hasNext() ? ticks.next() : null;
                }
                t.send(new HeaderRecord("mainnet", h, header.hex(), null, null, "file", null));
            }
            t.drain(Topics.MINER_DAYS).forEach(r -> latest.put(r.key(), r.value()));
            t.drain(Topics.MINER_SIGNALS).forEach(r -> signals.put(r.key(), r.value()));

            // The series built here: blocks by UTC day of their time, work and difficulty from the bits.
            TreeMap<LocalDate, List<DayBlock>> byDay = new TreeMap<>();
            for (int h = from; h <= to; h++) {
                BlockHeader hd = headers.get(h - (int) FIRST);
                BigInteger target = BigInteger.valueOf(hd.bits() & 0x7fffffL).shiftLeft(8 * ((int) (hd.bits() >>> 24) - 3));
                double difficulty = new BigDecimal(BigInteger.valueOf(0xffffL).shiftLeft(8 * (0x1d - 3)))
                        .divide(new BigDecimal(target), MathContext.DECIMAL128).doubleValue();
                double btc = 25 * 86_400e15 / (difficulty * 4294967296.0);
                var close = closes.floorEntry(hd.time() * 1000);
                Double price = close == null || close.getKey() < hd.time() * 1000 - 129_600_000L ? null
                        : close.getValue();
                byDay.computeIfAbsent(LocalDate.ofEpochDay(hd.time() / 86_400), d -> new ArrayList<>()).add(
                        new DayBlock(h, hd.time(), TWO_256.divide(target.add(BigInteger.ONE)), difficulty,
                                2_500_000_000L, null, price, btc, price == null ? null : btc * price));
            }
            List<DayTotals> series = new ArrayList<>();
            byDay.forEach((d, blocks) -> series.add(DayTotals.of(d, blocks)));
            List<DayIndicators> expected = Indicators.compute(series);
            assertEquals(series.size(), latest.size());
            int finals = 0;
            int withRibbons = 0;
            for (int i = 0; i < series.size(); i++) {
                MinerDayRecord got = latest.get("mainnet:" + series.get(i).day());
                assertNotNull(got, series.get(i).day());
                assertEquals(series.get(i), got.totals(), got.day());
                assertEquals(expected.get(i), got.indicators(), got.day());
                if (!got.finalized()) {
                    assertEquals(series.size() - 1, i, "only the last day is open");
                    continue;
                }
                finals++;
                if (got.indicators().hashrateSma30() != null) {
                    withRibbons++;
                }
                Map<String, Double> events = Signals.of(expected.get(i), i == 0 ? null : expected.get(i - 1),
                        got.halving(), i == 0 ? null : latest.get("mainnet:" + series.get(i - 1).day()).halving(),
                        got.fleets());
                assertEquals(List.copyOf(events.keySet()), got.signals(), got.day());
                for (String e : events.keySet()) {
                    MinerSignalRecord s = signals.get("mainnet:" + got.day() + ":" + e);
                    assertNotNull(s, e + " of " + got.day());
                    assertEquals(events.get(e), s.value());
                }
                // The fleets at the day's mean hashprice: all-in cost per PH/s per day of s19j_pro at $0.05/kWh.
                double allIn = 29.5 * 24 * 0.05 / 0.6;
                Double hp = got.totals().meanHashpriceUsdPerPhDay();
                assertEquals(allIn, got.fleets().profiles().get("s19j_pro").allInCostUsdPerPhDay(), 1e-12);
                if (hp != null) {
                    assertEquals(hp - allIn, got.fleets().profiles().get("s19j_pro").marginUsdPerPhDay(), 1e-9);
                    assertEquals(hp / (24 * 0.05), got.fleets().breakevenEfficiencyJoulesPerTh().get("0.05"), 1e-9);
                } else {
                    assertNull(got.fleets().profilesUnderWater());
                }
            }
            assertEquals(signals.size(), latest.values().stream().mapToInt(d -> d.signals().size()).sum());
            // 50 days: the SMA30 and the shorter difficulty SMAs fill, from the processor's own window of days.
            assertTrue(finals >= 45 && withRibbons >= 15, finals + " final days, " + withRibbons + " with SMA30");

            // Gauges: the latest final day.
            MinerDayRecord lastFinal = latest.values().stream().filter(MinerDayRecord::finalized)
                    .reduce((a, b) -> b).orElseThrow();
            assertEquals(lastFinal.totals().blocks(), t.gauge("hashwatch_miner_day_blocks"), 0);
            assertEquals(lastFinal.totals().hashrate(), t.gauge("hashwatch_miner_day_hashrate_hashes_per_second"), 0);
            assertEquals(lastFinal.indicators().hashrateSma30(),
                    t.gauge("hashwatch_hash_ribbon_hashes_per_second", "window", "30"), 0);
            assertEquals(lastFinal.halving().blocksLeft(), t.gauge("hashwatch_halving_blocks_remaining"), 0);
            // 2013: the second halving at 420,000, counted from the day's highest block.
            assertEquals(420_000 - lastFinal.totals().lastHeight(), lastFinal.halving().blocksLeft());
            assertEquals(420_000, lastFinal.halving().nextHalvingHeight());
            assertEquals(1_250_000_000L, lastFinal.halving().nextSubsidySat());
        }
    }

    private static TreeMap<Long, Double> closes(Path csv) throws IOException {
        TreeMap<Long, Double> out = new TreeMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            out.put(LocalDate.parse(f[0]).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli(),
                    Double.parseDouble(f[4]));
        }
        return out;
    }
}
