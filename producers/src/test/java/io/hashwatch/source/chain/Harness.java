package io.hashwatch.source.chain;

import static org.junit.jupiter.api.Assertions.fail;

import io.hashwatch.bitcoin.BlockHeader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** What a follower test needs: fast settings, metrics, the log lines, an in-memory topic, and waiting. */
final class Harness implements AutoCloseable {
    /** Poll every 100 ms, back off from 50 ms to 200 ms, 500 ms per request, backfill 200. */
    static final ChainSettings FAST = new ChainSettings(Duration.ofMillis(100), 200, 100, Duration.ofMillis(50),
            Duration.ofMillis(200), Duration.ofMillis(500), Duration.ZERO);
    static final String MAINNET_GENESIS_HEADER = "0100000000000000000000000000000000000000000000000000000000000000"
            + "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ChainSourceMetrics metrics;
    final SourceLog log;
    final List<String> lines = new CopyOnWriteArrayList<>();
    final TopicList topic = new TopicList();
    private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

    Harness(String source) {
        metrics = new ChainSourceMetrics(registry, source);
        log = new SourceLog(source);
        log.addListener((level, message) -> lines.add(level + " " + message));
    }

    static BlockHeader mainnetGenesis() {
        return BlockHeader.fromHex(MAINNET_GENESIS_HEADER);
    }

    BitcoindClient bitcoind(URI uri, BitcoindAuth auth, ChainSettings settings) {
        return new BitcoindClient(uri, auth, settings, metrics, log);
    }

    EsploraClient esplora(URI uri, ChainSettings settings) {
        return new EsploraClient(uri, settings, metrics, log);
    }

    ChainFollower follow(ChainSource source, ChainSettings settings) {
        ChainFollower f = new ChainFollower(source, settings, topic, topic, log);
        closing.add(f);
        return f.start();
    }

    long count(String text) {
        return lines.stream().filter(l -> l.contains(text)).count();
    }

    boolean logged(String text) {
        return count(text) > 0;
    }

    String lines() {
        return String.join("\n", lines);
    }

    void await(BooleanSupplier condition, String what) {
        await(condition, Duration.ofSeconds(15), what);
    }

    void await(BooleanSupplier condition, Duration limit, String what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what + "\nlog:\n" + lines() + "\nheights: " + summary());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    private String summary() {
        List<Long> h = topic.heights();
        return h.size() <= 20 ? h.toString() : h.size() + " records, " + h.get(0) + " .. " + h.get(h.size() - 1);
    }

    @Override
    public void close() {
        for (AutoCloseable c : closing) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }
}
