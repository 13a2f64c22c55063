package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.EconomicsRecord;
import io.hashwatch.model.HashpriceRecord;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.SharedData;
import io.hashwatch.testing.Topologies;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real headers of 2013 joined with the real daily closes (CoinMarketCap via Kaggle): the USD hashprice and
 * a profile's economics equal an independent computation from the raw header bits and the CSV row of the day.
 */
class EconomicsReplayTest {
    private static final long FIRST = 150_001;
    private static final int FROM = 250_000;
    private static final int TO = 252_100;

    @TempDir
    Path stateDir;

    @Test
    void hashpriceOfRealBlocksAtTheRealPriceOfTheirDay() throws IOException {
        List<BlockHeader> headers = SharedData.readParsedHeaders(
                SharedData.requireHeaders("mainnet_150001-340000.btcrelay.bin"));
        TreeMap<Long, Double> closes = closes(SharedData.require(
                "data/prices/btcusd_daily_2013-05-01_2021-07-01.cmc_kaggle.csv"));

        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "economics-replay-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Map<String, HashpriceRecord> hashprice = new TreeMap<>();
        Map<String, EconomicsRecord> economics = new TreeMap<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(
                Topologies.withDefaults(new SimpleMeterRegistry(), () -> 2_000_000_000L), props)) {
            TestInputTopic<String, byte[]> prices = driver.createInputTopic(Topics.PRICES.name(),
                    Topics.PRICES.keySerde().serializer(), Topics.PRICES.valueSerde().serializer());
            TestInputTopic<String, byte[]> in = driver.createInputTopic(Topics.HEADERS.name(),
                    Topics.HEADERS.keySerde().serializer(), Topics.HEADERS.valueSerde().serializer());
            // Interleave in event time, as Kafka Streams does with timestamped records.
            long firstTime = headers.get(FROM - (int) FIRST).time() * 1000;
            long lastTime = headers.get(TO - (int) FIRST).time() * 1000;
            var ticks = closes.subMap(firstTime - 2 * 86_400_000L, lastTime + 86_400_000L).entrySet().iterator();
            var next = ticks.hasNext() ? ticks.next() : null;
            for (int h = FROM; h <= TO; h++) {
                BlockHeader header = headers.get(h - (int) FIRST);
                while (next != null && next.getKey() <= header.time() * 1000) {
                    prices.pipeInput("cmc", Json.write(new PriceTick("cmc", "BTC-USD", next.getValue(), null,
                            next.getKey(), next.getKey(), null)), next.getKey());
                    next = ticks.hasNext() ? ticks.next() : null;
                }
                in.pipeInput("mainnet", Json.write(new HeaderRecord("mainnet", h, header.hex(), null, null, "file",
                        null)), header.time() * 1000);
            }
            driver.createOutputTopic(Topics.HASHPRICE.name(), Topics.HASHPRICE.keySerde().deserializer(),
                    Topics.HASHPRICE.valueSerde().deserializer()).readKeyValuesToList()
                    .forEach(kv -> hashprice.put(kv.key, kv.value));
            driver.createOutputTopic(Topics.ECONOMICS.name(), Topics.ECONOMICS.keySerde().deserializer(),
                    Topics.ECONOMICS.valueSerde().deserializer()).readKeyValuesToList()
                    .forEach(kv -> economics.put(kv.key, kv.value));
        }

        int checked = 0;
        for (int h = FROM; h <= TO; h += 97) {
            BlockHeader header = headers.get(h - (int) FIRST);
            HashpriceRecord r = hashprice.get("mainnet:" + h);
            // The daily close of day D is the price at D+1 00:00 UTC: a block takes the last close before it.
            Map.Entry<Long, Double> close = closes.floorEntry(header.time() * 1000);
            assertEquals(close.getKey(), r.priceTimeMs(), "height " + h);
            assertEquals(close.getValue(), r.priceUsd(), 0.0);
            BigDecimal difficulty = new BigDecimal(target(0x1d00ffffL)).divide(new BigDecimal(target(header.bits())),
                    MathContext.DECIMAL128);
            // 25 BTC subsidy, no fees in a header file: BTC/PH/day = 25 * 86,400 * 10^15 / (difficulty * 2^32).
            BigDecimal btc = BigDecimal.valueOf(25 * 86_400L).multiply(BigDecimal.TEN.pow(15))
                    .divide(difficulty.multiply(BigDecimal.valueOf(4294967296L)), MathContext.DECIMAL128);
            assertFalse(r.feesIncluded());
            assertClose(btc.doubleValue(), r.hashpriceBtcPerPhDay());
            assertClose(btc.doubleValue() * close.getValue(), r.hashpriceUsdPerPhDay());

            EconomicsRecord.ProfileEconomics s19 = economics.get("mainnet:" + h).profiles().get("s19j_pro");
            double allInPerBtc = 29.5 * 24 * 0.05 / 0.6 / btc.doubleValue();
            assertClose(allInPerBtc, s19.allInCostPerBtcUsd());
            assertClose((close.getValue() - allInPerBtc) / allInPerBtc, s19.gap());
            assertClose(btc.doubleValue() * close.getValue() / (29.5 * 24), s19.breakevenPowerPriceUsdPerKwh());
            checked++;
        }
        assertTrue(checked >= 20);
    }

    private static BigInteger target(long bits) {
        return BigInteger.valueOf(bits & 0x007fffffL).shiftLeft(8 * ((int) (bits >>> 24) - 3));
    }

    private static void assertClose(double expected, double actual) {
        assertTrue(Math.abs(actual - expected) <= 1e-12 * Math.abs(expected), actual + " vs " + expected);
    }

    /** Close time (the next day's midnight UTC, ms) -> close price, from the CSV (date,open,high,low,close,...). */
    private static TreeMap<Long, Double> closes(Path csv) throws IOException {
        TreeMap<Long, Double> out = new TreeMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            long closeTime = LocalDate.parse(f[0]).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
            out.put(closeTime, Double.parseDouble(f[4]));
        }
        return out;
    }
}
