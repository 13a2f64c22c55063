package io.hashwatch.api;

import io.hashwatch.model.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live events of {@code GET /api/v1/events} (Server-Sent Events): the committed records of the output topics
 * (blocks, difficulty adjustments, hashprice, pools, miner-stress signals, alerts, pool windows) as they arrive, each with an
 * {@code id:} that is the position in every topic after it. A client that reconnects with {@code Last-Event-ID}
 * gets every event after that position from a bounded buffer (the last {@link #BUFFER} events, and at start the
 * last {@link #BACKLOG_PER_PARTITION} of each partition), on any instance, since offsets are the cluster's; a
 * position older than the buffer gets a {@code reset} event (reload with the REST resources). A reorganization
 * re-sends the replaced heights, as the topics do; a height removed is a {@code block} event with
 * {@code "removed": true}. A comment line every {@link #HEARTBEAT} keeps proxies from closing an idle stream.
 * <p>One consumer reads for all clients; one thread writes to them without blocking (a client whose previous write
 * is not done is skipped, and dropped once the buffer has moved past it).
 */
final class Events implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Events.class);
    /** The topics streamed, and the event type of each. */
    static final Map<String, String> TYPES = orderedTypes();
    /**
     * Topics read for {@link Latest} only, not streamed: a price update's new figures reach clients as the
     * {@code hashprice} event of {@code network:current} already.
     */
    static final List<String> LATEST_ONLY = List.of(Topics.ECONOMICS.name(), Topics.REFERENCE_PRICES.name());
    static final int BUFFER = 20_000;
    static final int BACKLOG_PER_PARTITION = 200;
    static final int MAX_CLIENTS = 256;
    static final Duration HEARTBEAT = Duration.ofSeconds(5);
    private static final long WRITE_PERIOD_MS = 100;

    private static Map<String, String> orderedTypes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Topics.BLOCKS.name(), "block");
        m.put(Topics.DIFFICULTY_ADJUSTMENTS.name(), "difficulty-adjustment");
        m.put(Topics.HASHPRICE.name(), "hashprice");
        m.put(Topics.POOLS.name(), "pools");
        m.put(Topics.MINER_SIGNALS.name(), "signal");
        m.put(Topics.ALERTS.name(), "alert");
        // Last: an event id numbers the topics in this order, and ids given out before it was added stay valid.
        m.put(Topics.POOL_WINDOWS.name(), "pool-windows");
        return m;
    }

    /**
     * One event: its place in the buffer, its topic partition and offset, the position after it, and its text
     * without the id line (as sent from the position after it).
     */
    record Event(long seq, TopicPartition tp, long offset, Map<TopicPartition, Long> position, String body) {
    }

    private final Map<String, Object> consumerProps;
    private final Latest latest = new Latest();
    /** Counted down once the reader has chosen where each partition's events start. */
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final ArrayDeque<Event> buffer = new ArrayDeque<>();
    /** Per partition: the offset below which events are no longer in the buffer. */
    private final Map<TopicPartition, Long> evictedBelow = new HashMap<>();
    /** Per partition: the next offset to read (the position after the last event). */
    private final Map<TopicPartition, Long> next = new HashMap<>();
    /** Per partition: the first offset streamed as an event (records before it only fill {@link Latest}). */
    private final Map<TopicPartition, Long> eventsFrom = new HashMap<>();
    private long seq;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private KafkaConsumer<String, byte[]> consumer;
    private Thread reader;
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hashwatch-api-events");
        t.setDaemon(true);
        return t;
    });

    /** @param kafka the client settings (bootstrap servers, TLS, SASL) the consumer connects with */
    Events(Map<String, Object> kafka) {
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "hashwatch-api-events");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumerProps = p;
    }

    void start() {
        consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
        reader = new Thread(this::read, "hashwatch-api-events-reader");
        reader.setDaemon(true);
        reader.start();
        writer.scheduleWithFixedDelay(this::writeAll, WRITE_PERIOD_MS, WRITE_PERIOD_MS, TimeUnit.MILLISECONDS);
        // Where the buffer starts is decided before start returns: a reader that only got the partitions' ends
        // after the app had written would start later than the events a client saw from another instance.
        try {
            if (!positioned.await(60, TimeUnit.SECONDS)) {
                log.warn("the API's event reader found no partitions within 60 s; it goes on trying");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void read() {
        try {
            List<TopicPartition> tps = new ArrayList<>();
            List<String> topics = new ArrayList<>(TYPES.keySet());
            topics.addAll(LATEST_ONLY);
            for (String topic : topics) {
                for (PartitionInfo pi : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                    tps.add(new TopicPartition(topic, pi.partition()));
                }
            }
            consumer.assign(tps);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            synchronized (this) {
                for (TopicPartition tp : tps) {
                    long from = Math.max(begin.get(tp), end.get(tp) - BACKLOG_PER_PARTITION);
                    // The hashprice history the economics resource serves is read from further back, for Latest
                    // only: two records a block at most (per height and current).
                    long latestFrom = tp.topic().equals(Topics.HASHPRICE.name())
                            ? Math.max(begin.get(tp), end.get(tp) - 2L * Latest.HASHPRICE_HEIGHTS) : from;
                    consumer.seek(tp, Math.min(from, latestFrom));
                    if (LATEST_ONLY.contains(tp.topic())) {
                        continue;
                    }
                    evictedBelow.put(tp, from);
                    next.put(tp, from);
                    eventsFrom.put(tp, from);
                }
            }
            positioned.countDown();
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    add(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running.get()) {
                log.error("the API's event reader stopped: /api/v1/events sends nothing new", e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private synchronized void add(ConsumerRecord<String, byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        latest.add(r.topic(), r.key(), r.value());
        if (!eventsFrom.containsKey(tp) || r.offset() < eventsFrom.get(tp)) {
            return;
        }
        next.put(tp, r.offset() + 1);
        String data = r.value() == null
                ? "{\"key\":\"" + r.key().replace("\"", "") + "\",\"removed\":true}"
                : new String(r.value(), StandardCharsets.UTF_8);
        String body = "event: " + TYPES.get(r.topic()) + "\ndata: " + data.replace("\n", "\ndata: ") + "\n\n";
        buffer.addLast(new Event(++seq, tp, r.offset(), Map.copyOf(next), body));
        while (buffer.size() > BUFFER) {
            Event old = buffer.removeFirst();
            evictedBelow.put(old.tp(), old.offset() + 1);
        }
    }

    /** A position in every streamed partition: {@code topicIndex.partition.nextOffset}, joined by {@code _}. */
    static String encode(Map<TopicPartition, Long> positions) {
        List<String> topics = new ArrayList<>(TYPES.keySet());
        StringBuilder b = new StringBuilder();
        positions.entrySet().stream()
                .sorted((x, y) -> x.getKey().topic().equals(y.getKey().topic())
                        ? Integer.compare(x.getKey().partition(), y.getKey().partition())
                        : Integer.compare(topics.indexOf(x.getKey().topic()), topics.indexOf(y.getKey().topic())))
                .forEach(e -> b.append(b.length() == 0 ? "" : "_").append(topics.indexOf(e.getKey().topic()))
                        .append('.').append(e.getKey().partition()).append('.').append(e.getValue()));
        return b.toString();
    }

    /** @return null when the text is not a position this API wrote */
    static Map<TopicPartition, Long> decode(String id) {
        List<String> topics = new ArrayList<>(TYPES.keySet());
        Map<TopicPartition, Long> m = new HashMap<>();
        if (id == null || id.isBlank() || id.length() > 4096) {
            return null;
        }
        try {
            for (String part : id.trim().split("_", -1)) {
                String[] f = part.split("\\.", -1);
                if (f.length != 3) {
                    return null;
                }
                int t = Integer.parseInt(f[0]);
                int partition = Integer.parseInt(f[1]);
                long offset = Long.parseLong(f[2]);
                if (t < 0 || t >= topics.size() || partition < 0 || offset < 0) {
                    return null;
                }
                m.put(new TopicPartition(topics.get(t), partition), offset);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return m;
    }

    /** A connected stream: where it is in the buffer, and whether a write to it is under way. */
    private final class Client {
        final Response response;
        final Callback done;
        long sentSeq;
        /** The position a resumed client had: events below it are skipped, and every id sent is at least it. */
        Map<TopicPartition, Long> seen;
        final AtomicBoolean writing = new AtomicBoolean();
        long lastWriteMs = System.currentTimeMillis();

        Client(Response response, Callback done) {
            this.response = response;
            this.done = done;
        }
    }

    /**
     * Starts a stream on {@code response}: from now, or after {@code lastEventId}. Completes {@code callback}
     * when the client goes away or the API stops.
     *
     * @return false when the API holds its most streams already (the caller answers 503)
     */
    boolean open(Response response, Callback callback, String lastEventId) {
        if (clients.size() >= MAX_CLIENTS) {
            return false;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        response.getHeaders().put("X-Accel-Buffering", "no");
        Client c = new Client(response, callback);
        String first = "retry: 2000\n\n";
        synchronized (this) {
            c.sentSeq = seq;
            Map<TopicPartition, Long> position = decode(lastEventId);
            if (lastEventId != null && position == null) {
                first += "event: reset\ndata: {\"reason\":\"Last-Event-ID is not a position of this API\"}\n\n";
            } else if (position != null) {
                boolean gap = false;
                for (Map.Entry<TopicPartition, Long> e : evictedBelow.entrySet()) {
                    long seenUpTo = position.getOrDefault(e.getKey(), 0L);
                    gap |= seenUpTo < e.getValue();
                }
                if (gap) {
                    first += "event: reset\ndata: {\"reason\":\"events after Last-Event-ID are no longer buffered: "
                            + "reload with the REST resources\"}\n\n";
                } else {
                    c.sentSeq = buffer.isEmpty() ? seq : buffer.peekFirst().seq() - 1;
                    c.seen = position;
                }
            }
        }
        c.writing.set(true);
        clients.add(c);
        response.write(false, ByteBuffer.wrap(first.getBytes(StandardCharsets.UTF_8)), written(c));
        return true;
    }

    private Callback written(Client c) {
        return Callback.from(() -> {
            c.lastWriteMs = System.currentTimeMillis();
            c.writing.set(false);
        }, failure -> drop(c, failure));
    }

    private void drop(Client c, Throwable failure) {
        if (clients.remove(c)) {
            c.done.failed(failure);
        }
    }

    /** Sends each client what it has not had yet, or a heartbeat; never waits on a client. */
    private void writeAll() {
        long now = System.currentTimeMillis();
        for (Client c : clients) {
            if (!c.writing.compareAndSet(false, true)) {
                continue;
            }
            byte[] pending;
            synchronized (this) {
                if (!buffer.isEmpty() && c.sentSeq < buffer.peekFirst().seq() - 1) {
                    c.writing.set(false);
                    drop(c, new IllegalStateException("client fell behind the event buffer"));
                    continue;
                }
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                for (Event e : buffer) {
                    if (e.seq() <= c.sentSeq) {
                        continue;
                    }
                    if (c.seen == null) {
                        out.writeBytes(("id: " + encode(e.position()) + "\n" + e.body())
                                .getBytes(StandardCharsets.UTF_8));
                    } else if (e.offset() >= c.seen.getOrDefault(e.tp(), 0L)) {
                        // A resumed client's position is ahead of this event's in the partitions it skipped.
                        Map<TopicPartition, Long> merged = new HashMap<>(e.position());
                        c.seen.forEach((tp, offset) -> merged.merge(tp, offset, Math::max));
                        out.writeBytes(("id: " + encode(merged) + "\n" + e.body()).getBytes(StandardCharsets.UTF_8));
                    }
                    c.sentSeq = e.seq();
                    if (out.size() > 1 << 20) {
                        break;
                    }
                }
                pending = out.toByteArray();
            }
            if (pending.length == 0 && now - c.lastWriteMs >= HEARTBEAT.toMillis()) {
                pending = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);
            }
            if (pending.length == 0) {
                c.writing.set(false);
                continue;
            }
            c.response.write(false, ByteBuffer.wrap(pending), written(c));
        }
    }

    /** The latest records of the resources no store holds (economics, alerts). */
    Latest latest() {
        return latest;
    }

    int clients() {
        return clients.size();
    }

    @Override
    public void close() {
        running.set(false);
        writer.shutdownNow();
        if (consumer != null) {
            consumer.wakeup();
        }
        for (Client c : clients) {
            drop(c, new IllegalStateException("closing"));
        }
        if (reader != null) {
            try {
                reader.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
