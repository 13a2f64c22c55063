package io.hashwatch.bench;

import io.hashwatch.model.PriceTick;
import io.hashwatch.model.Topics;
import io.hashwatch.source.price.PricePublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** The ticks step: generated price ticks through the pass-through ceiling and the full topology, on a fresh broker. */
final class TicksStep {
    private final Report report;
    private final int ticks;
    private final long commitIntervalMs;
    private final Map<String, String> streamsConfig;

    TicksStep(Report report, int ticks, long commitIntervalMs, Map<String, String> streamsConfig) {
        this.report = report;
        this.ticks = ticks;
        this.commitIntervalMs = commitIntervalMs;
        this.streamsConfig = streamsConfig;
    }

    void run() throws Exception {
        List<PriceTick> generated = generateTicks(ticks);
        BenchBroker.withFreshBroker("hashwatch-bench-ticks-", streamsConfig, broker -> {
            long t0 = System.nanoTime();
            try (PricePublisher publisher = new PricePublisher(broker.bootstrapServers(), Map.of())) {
                generated.forEach(publisher);
                publisher.flush();
            }
            double produceSeconds = (System.nanoTime() - t0) / 1e9;
            report.line("ticks: broker produce (PricePublisher): %,.0f ticks/s", generated.size() / produceSeconds);
            Measured ceiling = ThroughputMeter.measure(broker.admin(),
                    broker.streamsSettings(PassThroughTopology.APPLICATION_ID, commitIntervalMs),
                    PassThroughTopology.build(Topics.PRICES.name(), PassThroughTopology.OUTPUT, PriceTick.class),
                    Topics.PRICES.name(), generated.size());
            report.line("ticks: ceiling, pass-through Streams app: sustained %,.0f ticks/s, end to end %,.0f ticks/s"
                            + " (%,d in %.2f s); %s", ceiling.sustained(), ceiling.perSecond(), ceiling.records(),
                    ceiling.processing().toNanos() / 1e9, ceiling.cpu());
            fullTopology(broker, generated.size(), ceiling);
        });
    }

    private void fullTopology(BenchBroker broker, int ticks, Measured ceiling) throws Exception {
        ThroughputMeter.measureFullTopology(broker, commitIntervalMs, Topics.PRICES.name(), ticks, m -> {
            long referencePrices = endOffset(broker.admin(), Topics.REFERENCE_PRICES.name());
            report.line("ticks: full topology (validation, conflation per exchange and minute, repartition by pair,"
                            + " one-minute reference price, economics price history), ticks/s: %s (%,d in %.2f s;"
                            + " %,d reference prices); %s", m.against(ceiling), m.records(),
                    m.processing().toNanos() / 1e9, referencePrices, m.cpu());
        });
    }

    private static long endOffset(Admin admin, String topic) throws Exception {
        return admin.listOffsets(Map.of(new TopicPartition(topic, 0), OffsetSpec.latest())).all()
                .get(60, TimeUnit.SECONDS).values().iterator().next().offset();
    }

    /**
     * Three exchanges taking turns, one trade each about every second, around a common random walk with a little
     * noise per exchange: what a live feed of BTC-USD looks like, only faster.
     */
    static List<PriceTick> generateTicks(int count) {
        SplittableRandom random = new SplittableRandom(42);
        String[] exchanges = {"coinbase", "kraken", "bitstamp"};
        long start = 1_735_689_600_000L; // 2025-01-01T00:00Z
        double price = 95_000;
        List<PriceTick> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            price *= 1 + (random.nextDouble() - 0.5) * 0.0004;
            double quote = Math.round(price * (1 + (random.nextDouble() - 0.5) * 0.001) * 100) / 100.0;
            long trade = start + i * 333L;
            out.add(new PriceTick(exchanges[i % 3], "BTC-USD", quote, 0.01, trade, trade + 40,
                    Integer.toString(i)));
        }
        return out;
    }
}
