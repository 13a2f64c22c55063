package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.Subsidy;
import io.hashwatch.model.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hashwatch refit} over a miner-days topic on a real broker: 400 final days whose market cap is exactly
 * e^2 x difficulty^0.8 give back intercept 2 and slope 0.8 with R^2 1; open days, other networks and superseded
 * records are left out; a window of less than a year is refused with what to do.
 */
class RefitCommandTest {
    @TempDir
    Path tmp;

    /** A final day's record as the miner-stress processor writes it (the fields the fit reads, and the required). */
    private static String day(String network, LocalDate d, long lastHeight, double difficulty, double close,
                              boolean finalized) {
        return String.format(Locale.ROOT, "{\"network\":\"%s\",\"day\":\"%s\",\"finalized\":%s,\"totals\":{\"day\":"
                + "\"%s\",\"blocks\":144,\"first_height\":%d,\"last_height\":%d,\"hashrate\":1,\"mean_difficulty\":%s,"
                + "\"subsidy_btc\":450,\"fees_btc\":0,\"fee_blocks\":0,\"fees_complete\":false,\"revenue_btc\":450,"
                + "\"mean_hashprice_btc_per_ph_day\":1,\"close_price_usd\":%s,\"priced_blocks\":144},\"signals\":[]}",
                network, d, finalized, d, lastHeight - 143, lastHeight, Double.toString(difficulty),
                Double.toString(close));
    }

    @Test
    @Timeout(180)
    void fitsTheFinalDaysOfTheTopic() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("kafka"), 0)) {
            String bootstrap = kafka.bootstrapServers();
            CrashRecoveryIntegrationTest.createTopics(bootstrap);
            LocalDate first = LocalDate.parse("2024-01-01");
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(),
                    new ByteArraySerializer())) {
                p.partitionsFor(Topics.MINER_DAYS.name()); // the topic's metadata first: no record left behind
                for (int i = 0; i < 400; i++) {
                    LocalDate d = first.plusDays(i);
                    long height = 820_000 + 144L * i;
                    double difficulty = 7e13 * Math.exp(i / 400.0);
                    double supply = (double) Subsidy.supplySat(height) / Subsidy.SAT_PER_BTC;
                    double close = Math.exp(2 + 0.8 * Math.log(difficulty)) / supply;
                    String key = "mainnet:" + d;
                    // First an open version with a wrong price, then the final one: the latest counts.
                    send(p, key, day("mainnet", d, height, difficulty, close * 3, false));
                    send(p, key, day("mainnet", d, height, difficulty, close, true));
                    send(p, "regtest:" + d, day("regtest", d, height, difficulty, 1, true));
                }
                send(p, "mainnet:" + first.plusDays(400), day("mainnet", first.plusDays(400), 900_000, 9e13, 1,
                        false));
                p.flush();
                for (Future<RecordMetadata> f : sent) {
                    f.get(60, TimeUnit.SECONDS); // a failed send fails the test, not a silently shorter history
                }
            }
            CommandRunner all = CommandRunner.run("refit", "--bootstrap-servers", bootstrap);
            assertEquals(0, all.exitCode(), all.err());
            assertEquals(2.0, constant(all.out(), "intercept"), 1e-5, all.out());
            assertEquals(0.8, constant(all.out(), "slope"), 1e-6, all.out());
            assertEquals(1.0, constant(all.out(), "r_squared"), 1e-6, all.out());
            assertEquals(400, constant(all.out(), "days"), 0, all.out());
            assertTrue(all.out().contains("fit_from: \"2024-01-01\"") && all.out().contains("fit_to: \""
                    + first.plusDays(399) + "\""), all.out());

            CommandRunner shortWindow = CommandRunner.run("refit", "--bootstrap-servers", bootstrap, "--from",
                    first.plusDays(100).toString());
            assertEquals(2, shortWindow.exitCode(), shortWindow.out());
            assertTrue(shortWindow.err().contains("cannot refit over 300 priced final days of mainnet in the"
                    + " window: a difficulty regression needs at least 365 daily points"), shortWindow.err());
            CommandRunner bad = CommandRunner.run("refit", "--bootstrap-servers", bootstrap, "--to", "May 1");
            assertTrue(bad.err().contains("--to must be a date YYYY-MM-DD"), bad.err());
        }
    }

    private final List<Future<RecordMetadata>> sent = new ArrayList<>();

    private void send(KafkaProducer<String, byte[]> p, String key, String json) {
        sent.add(p.send(new ProducerRecord<>(Topics.MINER_DAYS.name(), key, json.getBytes(StandardCharsets.UTF_8))));
    }

    private static double constant(String out, String name) {
        Matcher m = Pattern.compile("\\b" + name + ": ([-0-9.]+)").matcher(out);
        assertTrue(m.find(), name + " in:\n" + out);
        return Double.parseDouble(m.group(1));
    }
}
