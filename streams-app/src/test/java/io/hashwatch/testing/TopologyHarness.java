package io.hashwatch.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.RejectReason;
import io.hashwatch.model.Topics;
import io.hashwatch.model.Topics.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The production topology ({@link Topologies#withDefaults}) on a {@link TopologyTestDriver}, with a settable clock,
 * the two input topics, and readers for outputs and metrics, for the hostile-input and fuzz tests. No exception
 * handler is configured: an exception out of a processor fails the test at the record that caused it, rather than
 * being logged away by the production safety net.
 *
 * <p>Records are stamped as the producers stamp them (a header with its block's time, a tick with its receive time),
 * never with the wall clock: TopologyTestDriver runs the whole topology as one task, so any input's timestamp moves
 * the stream time the reference price's lateness is judged by (in Kafka that is a task of its own).
 */
public final class TopologyHarness implements AutoCloseable {
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** The clock of the future-time rule, in seconds; tests may move it. */
    public final AtomicLong nowSeconds;
    public final TopologyTestDriver driver;
    public final TestInputTopic<String, byte[]> headers;
    public final TestInputTopic<String, byte[]> prices;
    private final Map<String, TestOutputTopic<String, ?>> outputs = new HashMap<>();

    public TopologyHarness(Path stateDir, String applicationId, long nowSeconds) {
        this.nowSeconds = new AtomicLong(nowSeconds);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(Topologies.withDefaults(registry, this.nowSeconds::get), props);
        headers = driver.createInputTopic(Topics.HEADERS.name(), Topics.HEADERS.keySerde().serializer(),
                Topics.HEADERS.valueSerde().serializer());
        prices = driver.createInputTopic(Topics.PRICES.name(), Topics.PRICES.keySerde().serializer(),
                Topics.PRICES.valueSerde().serializer());
    }

    /** Stamp of header records whose header cannot be read: the regtest genesis time, 2011. */
    public static final long HEADER_TIMESTAMP_MS = 1_296_688_602_000L;

    /** A header record, stamped with its block's time. */
    public void send(HeaderRecord record) {
        long stamp = HEADER_TIMESTAMP_MS;
        try {
            stamp = BlockHeader.fromHex(record.headerHex()).time() * 1000;
        } catch (IllegalArgumentException e) {
            // not a header: the default stamp
        }
        headers.pipeInput(record.network(), Json.write(record), stamp);
    }

    public void send(List<HeaderRecord> records) {
        records.forEach(this::send);
    }

    /** A raw header record value, keyed like the producers key it. */
    public void sendHeader(byte[] value) {
        headers.pipeInput("regtest", value, HEADER_TIMESTAMP_MS);
    }

    public void sendHeader(String value) {
        sendHeader(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** A tick, stamped with its receive time as the producers stamp it. */
    public void send(PriceTick tick) {
        prices.pipeInput(tick.exchange(), Json.write(tick), tick.receiveTimeMs());
    }

    public void sendPrice(byte[] value, long timestampMs) {
        prices.pipeInput("fuzz", value, timestampMs);
    }

    public void sendPrice(String value, long timestampMs) {
        sendPrice(value == null ? null : value.getBytes(StandardCharsets.UTF_8), timestampMs);
    }

    /** Everything written to {@code topic} since the last call. */
    public <V> List<TestRecord<String, V>> drain(Topic<String, V> topic) {
        @SuppressWarnings("unchecked")
        TestOutputTopic<String, V> out = (TestOutputTopic<String, V>) outputs.computeIfAbsent(topic.name(),
                n -> driver.createOutputTopic(n, topic.keySerde().deserializer(), topic.valueSerde().deserializer()));
        if (topic == Topics.MINER_DAYS || topic == Topics.POOL_WINDOWS) {
            // The open day and the pool windows are held and published each commit interval of wall-clock time
            // (30 s here, the driver's at-least-once default): let one pass.
            driver.advanceWallClockTime(Duration.ofSeconds(30));
        }
        return out.readRecordsToList();
    }

    /** A counter's value; 0 when it was never registered. */
    public double counter(String name, String... tags) {
        Counter c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    /** The sum of every counter of that name, whatever its tags. */
    public double counterSum(String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    public double rejectedHeaders(RejectReason reason) {
        return counter("hashwatch_headers_rejected", "reason", reason.label());
    }

    public double rejectedPrices(RejectReason reason) {
        return counter("hashwatch_prices_rejected", "reason", reason.label());
    }

    public double gauge(String name, String... tags) {
        return registry.find(name).tags(tags).gauge().value();
    }

    /** A header of a record, as text; fails when absent. */
    public static String header(TestRecord<String, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        assertNotNull(h, "header " + name);
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    public static String reason(TestRecord<String, ?> r) {
        return header(r, Topics.REJECT_REASON_HEADER);
    }

    public static String detail(TestRecord<String, ?> r) {
        return header(r, Topics.REJECT_DETAIL_HEADER);
    }

    @Override
    public void close() {
        driver.close();
    }
}
