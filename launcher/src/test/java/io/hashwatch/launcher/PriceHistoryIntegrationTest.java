package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hashwatch.HashwatchStreams;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.config.StreamsSettings;
import io.hashwatch.model.HashpriceRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.source.HeaderFileSource;
import io.hashwatch.source.HeaderPublisher;
import io.hashwatch.source.Pacing;
import io.hashwatch.source.price.PricePublisher;
import io.hashwatch.source.price.history.DailyBar;
import io.hashwatch.source.price.history.DailyHistory;
import io.hashwatch.source.price.history.PriceHistory;
import io.hashwatch.testing.SharedData;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The price history of a first start through a real broker and the streams app: the daily closes of two exchanges
 * are published and made into reference prices before the history's headers, so every block finds the price of its
 * own day (the close of the day before it, published at its midnight, as the median of both exchanges), not one
 * exchange's, not none. The exchanges' REST replies are tested in the producers module; here each exchange is its
 * real daily history from ../shared/data (Bitstamp's own, and CoinMarketCap's under another exchange's id).
 */
class PriceHistoryIntegrationTest {
    private static final String HEADERS = "mainnet_586657-589289.dfinity.bin";
    private static final long FIRST = 586_657;
    /** After the last header (2019-08-14): 40 days back covers all of them and the days before. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2019-08-20T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    /** date,open,high,low,close,... of a daily CSV, as the exchange would serve it. */
    private static TreeMap<LocalDate, BigDecimal[]> csv(Path file) throws IOException {
        TreeMap<LocalDate, BigDecimal[]> days = new TreeMap<>();
        for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
            String[] f = line.split(",");
            days.put(LocalDate.parse(f[0]), new BigDecimal[] {new BigDecimal(f[1]), new BigDecimal(f[2]),
                    new BigDecimal(f[3]), new BigDecimal(f[4])});
        }
        return days;
    }

    private static DailyHistory exchange(String id, TreeMap<LocalDate, BigDecimal[]> days) {
        return new DailyHistory() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public List<DailyBar> fetch(LocalDate from, LocalDate to) {
                return days.subMap(from, true, to, true).entrySet().stream().map(e -> new DailyBar(e.getKey(),
                        e.getValue()[0], e.getValue()[1], e.getValue()[2], e.getValue()[3])).toList();
            }
        };
    }

    @Test
    @Timeout(240)
    void everyBlockOfTheHistoryGetsTheMedianCloseOfTheDayBeforeIt() throws Exception {
        Path headers = SharedData.requireHeaders(HEADERS);
        TreeMap<LocalDate, BigDecimal[]> bitstamp = csv(SharedData.require(
                "data/prices/btcusd_daily_2014-11-28_2022-08-20.bitstamp.csv"));
        TreeMap<LocalDate, BigDecimal[]> cmc = csv(SharedData.require(
                "data/prices/btcusd_daily_2013-05-01_2021-07-01.cmc_kaggle.csv"));
        int port = EmbeddedKafka.freePort();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("kafka"), port)) {
            String bootstrap = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicSetup.createAll(admin, 1, Optional.of((short) 1), Duration.ofSeconds(60));
            }
            try (HashwatchStreams streams = new HashwatchStreams(new StreamsSettings(bootstrap, "hashwatch",
                    tmp.resolve("streams"), 1, 200, StreamsLifecycle.embeddedDefaults(Map.of())),
                    EconomicsSettings.defaults(), registry);
                 PricePublisher prices = new PricePublisher(bootstrap, Map.of());
                 HeaderPublisher blocks = new HeaderPublisher(bootstrap, Map.of());
                 PriceHistory history = new PriceHistory(List.of(exchange("bitstamp", bitstamp),
                         exchange("coinbase", cmc)), CLOCK)) {
                streams.start();
                new PriceBootstrap(bootstrap, Map.of(), CLOCK).run(List.of("coinbase", "bitstamp"), 40,
                        prices, history);
                HeaderFileSource file = new HeaderFileSource(headers, FIRST, "mainnet");
                blocks.publish(file, Pacing.asFastAsPossible());
                long last = FIRST + file.count() - 1;

                Map<Long, HashpriceRecord> byHeight = new HashMap<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
                while (byHeight.size() < file.count()) {
                    if (System.nanoTime() > deadline) {
                        fail("hashprice of " + byHeight.size() + " of " + file.count() + " blocks after 180 s");
                    }
                    Thread.sleep(1000);
                    for (PipelineOutput.Rec r : PipelineOutput.readCommitted(bootstrap, Map.of(),
                            Topics.HASHPRICE.name())) {
                        if (!r.key().endsWith(":current")) {
                            HashpriceRecord e = Json.read(r.value().getBytes(), HashpriceRecord.class);
                            byHeight.put(e.height(), e);
                        }
                    }
                }
                int checked = 0;
                for (long h = FIRST; h <= last; h++) {
                    HashpriceRecord e = byHeight.get(h);
                    LocalDate day = Instant.ofEpochSecond(e.time()).atZone(ZoneOffset.UTC).toLocalDate();
                    LocalDate before = day.minusDays(1);
                    double expected = (bitstamp.get(before)[3].doubleValue() + cmc.get(before)[3].doubleValue()) / 2;
                    assertNotNull(e.priceUsd(), "height " + h + " has no price");
                    assertEquals(day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(), e.priceTimeMs(),
                            "height " + h + " (" + day + "): the price of its day's midnight");
                    assertEquals(expected, e.priceUsd(), 1e-6, "height " + h + " (" + day + "): the mean of both"
                            + " exchanges' closes of " + before);
                    checked++;
                }
                assertEquals(file.count(), checked);

                // A restart finds the history on the prices topic and adds nothing: 40 days of 2 exchanges stay 80.
                int ticks = PipelineOutput.readCommitted(bootstrap, Map.of(), Topics.PRICES.name()).size();
                assertEquals(80, ticks);
                new PriceBootstrap(bootstrap, Map.of(), CLOCK).run(List.of("coinbase", "bitstamp"), 40, prices,
                        history);
                assertEquals(ticks, PipelineOutput.readCommitted(bootstrap, Map.of(), Topics.PRICES.name()).size());
                // Stopped two days later: only those two days' closes are added.
                Clock later = Clock.offset(CLOCK, Duration.ofDays(2));
                new PriceBootstrap(bootstrap, Map.of(), later).run(List.of("coinbase", "bitstamp"), 40, prices,
                        new PriceHistory(List.of(exchange("bitstamp", bitstamp), exchange("coinbase", cmc)), later));
                assertEquals(ticks + 4, PipelineOutput.readCommitted(bootstrap, Map.of(), Topics.PRICES.name()).size());
                // Every daily close reached the reference price: none was dropped as late.
                assertTrue(registry.scrape().lines().filter(l -> l.startsWith("hashwatch_prices_late_dropped_total"))
                        .allMatch(l -> l.endsWith(" 0.0")), registry.scrape());
            }
        }
    }
}
