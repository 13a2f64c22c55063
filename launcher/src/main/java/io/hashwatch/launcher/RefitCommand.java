package io.hashwatch.launcher;

import io.hashwatch.bitcoin.Subsidy;
import io.hashwatch.model.Json;
import io.hashwatch.model.MinerDayRecord;
import io.hashwatch.model.Topics;
import io.hashwatch.stress.DayTotals;
import io.hashwatch.stress.DifficultyRegression;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hashwatch refit}: the difficulty-regression model fitted over the history the monitor holds (the final days
 * of {@code miner-days}: each day's mean difficulty, and its closing price times the supply at its last block), the
 * fit of docs/methods.md#network-cost-model; prints the constants as economics.yaml takes them. Refuses a window of
 * fewer than {@value DifficultyRegression#MIN_DAYS} priced days: shorter fits follow the last cycle, not the model.
 */
@Command(name = "refit", mixinStandardHelpOptions = true,
        description = {"Fit ln(market cap) = intercept + slope x ln(difficulty) over the final days of the"
                + " miner-days topic and print the constants for economics.yaml (difficulty_regression_refit).",
            "--config FILE takes the same kafka.<property> keys as run (TLS, SASL)."})
public final class RefitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First day of the window (default: the first"
            + " priced day).")
    String from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last day of the window (default: the last"
            + " final day).")
    String to;

    @Option(names = "--network", paramLabel = "NAME", defaultValue = "mainnet",
            description = "Network (default: ${DEFAULT-VALUE}; prices are mainnet's only).")
    String network;

    @Override
    public Integer call() {
        Map<String, String> kafka = cluster.kafka();
        PathChecks.checkNetwork(network);
        LocalDate first = day(from, "--from");
        LocalDate last = day(to, "--to");
        List<DifficultyRegression.Point> points = new ArrayList<>();
        for (MinerDayRecord d : finalDays(kafka).values()) {
            LocalDate date = LocalDate.parse(d.day());
            DayTotals t = d.totals();
            if ((first != null && date.isBefore(first)) || (last != null && date.isAfter(last))
                    || t.closePriceUsd() == null || !(t.meanDifficulty() > 0)) {
                continue;
            }
            double supplyBtc = (double) Subsidy.supplySat(t.lastHeight()) / Subsidy.SAT_PER_BTC;
            points.add(new DifficultyRegression.Point(d.day(), t.meanDifficulty(), t.closePriceUsd() * supplyBtc));
        }
        DifficultyRegression.Fit fit;
        try {
            fit = DifficultyRegression.fit(points);
        } catch (IllegalArgumentException e) {
            throw new UsageException("cannot refit over " + points.size() + " priced final days of " + network
                    + (first == null && last == null ? "" : " in the window") + ": " + e.getMessage()
                    + " (let the history fill, or widen --from/--to)");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("# ln(price x supply) = intercept + slope x ln(difficulty), %d days %s .. %s, R^2 %.4f%n",
                fit.days(), fit.from(), fit.to(), fit.rSquared());
        out.printf("difficulty_regression_refit:%n  intercept: %.6f%n  slope: %.6f%n  fit_from: \"%s\"%n"
                + "  fit_to: \"%s\"%n  r_squared: %.6f%n  days: %d%n", fit.intercept(), fit.slope(), fit.from(),
                fit.to(), fit.rSquared(), fit.days());
        out.flush();
        return 0;
    }

    private static LocalDate day(String text, String flag) {
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new UsageException(flag + " must be a date YYYY-MM-DD, got '" + text + "'");
        }
    }

    /** The latest record of each final day of the network (the topic is compacted: the latest is the truth). */
    private TreeMap<String, MinerDayRecord> finalDays(Map<String, String> kafka) {
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Duration timeout = Duration.ofSeconds(cluster.timeoutSeconds);
        TreeMap<String, MinerDayRecord> days = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(Topics.MINER_DAYS.name(), timeout)) {
                parts.add(new TopicPartition(p.topic(), p.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            String prefix = network + ":";
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new UsageException("reading topic " + Topics.MINER_DAYS.name() + " took longer than "
                            + cluster.timeoutSeconds + " s (--timeout)");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() == null || !r.key().startsWith(prefix)) {
                        continue;
                    }
                    if (r.value() == null) {
                        days.remove(r.key()); // a day a reorganization left empty
                        continue;
                    }
                    try {
                        MinerDayRecord d = Json.read(r.value(), MinerDayRecord.class);
                        if (d.finalized()) {
                            days.put(r.key(), d);
                        } else {
                            days.remove(r.key());
                        }
                    } catch (SerializationException e) {
                        // not a record of ours
                    }
                }
            }
        }
        return days;
    }
}
