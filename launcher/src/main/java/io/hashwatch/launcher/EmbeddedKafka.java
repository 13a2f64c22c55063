package io.hashwatch.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined broker and controller) running in this JVM, for {@code hashwatch run}
 * and {@code backfill} without an external cluster.
 *
 * <p>Layout under the data directory: {@code server.properties} (the effective configuration, which also keeps the
 * ports), {@code logs/} (the log dir, with {@code meta.properties} and the metadata log). The storage is formatted
 * once, when {@code logs/meta.properties} is missing ({@code kafka-storage format}); a later start on the same
 * directory resumes with the topics, records and committed offsets kept. The controller quorum is static
 * ({@code controller.quorum.voters}, the node itself), so no endpoint is recorded in the metadata log and a restart
 * may bind other ports.
 *
 * <p>Listeners are on loopback only: PLAINTEXT for clients, CONTROLLER for the quorum. Internal topics (consumer
 * offsets, transaction state, share-group state) have one partition, replication factor 1 and min ISR 1; group
 * rebalances start at once; topics are never auto-created (hashwatch creates its own).
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;

    private final Path dir;
    private final int port;
    private final KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(Path dir, int port, KafkaRaftServer server) {
        this.dir = dir;
        this.port = port;
        this.server = server;
    }

    /**
     * Formats (first time only) and starts a broker on {@code dir}.
     *
     * @param port client port; 0 takes the port of the last run on this directory if it is free, else a free one
     */
    public static EmbeddedKafka start(Path dir, int port) {
        return start(dir, port, Map.of());
    }

    /** As {@link #start(Path, int)}, with further broker settings over the defaults. */
    public static EmbeddedKafka start(Path dir, int port, Map<String, String> overrides) {
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dir);
            Path logDir = dir.resolve("logs").toAbsolutePath();
            Properties previous = readProperties(dir.resolve("server.properties"));
            int clientPort = port != 0 ? port : reusableOrFree(previous, "hashwatch.client.port");
            int controllerPort = reusableOrFree(previous, "hashwatch.controller.port");
            if (controllerPort == clientPort) {
                controllerPort = freePort();
            }

            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", String.valueOf(NODE_ID));
            p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
            p.put("listeners", "PLAINTEXT://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":"
                    + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("log.dirs", logDir.toString());
            p.put("num.partitions", "1");
            p.put("default.replication.factor", "1");
            p.put("min.insync.replicas", "1");
            p.put("offsets.topic.replication.factor", "1");
            p.put("offsets.topic.num.partitions", "1");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("transaction.state.log.num.partitions", "1");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            p.put("share.coordinator.state.topic.num.partitions", "1");
            p.put("group.initial.rebalance.delay.ms", "0");
            p.put("auto.create.topics.enable", "false");
            // The log cleaner's dedupe buffer is on this JVM's heap: Kafka's 128 MiB default, sized for brokers of
            // their own, was a third of run's live heap (a heap dump at the tip of the 190,000 headers). 16 MiB
            // holds the offset map of about 670,000 keys a cleaning pass, beyond any compacted topic here.
            p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16L * 1024 * 1024));
            p.putAll(overrides);
            // Kept for the next start on this directory (ignored by Kafka).
            Properties saved = new Properties();
            saved.putAll(p);
            saved.put("hashwatch.client.port", String.valueOf(clientPort));
            saved.put("hashwatch.controller.port", String.valueOf(controllerPort));
            Path configFile = dir.resolve("server.properties");
            try (Writer w = Files.newBufferedWriter(configFile)) {
                saved.store(w, "written by hashwatch on every start of the embedded broker");
            }

            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(configFile);
            }
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p), Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException e) {
                try {
                    server.shutdown();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            EmbeddedKafka kafka = new EmbeddedKafka(dir, clientPort, server);
            log.info("embedded Kafka broker up at {} (data in {}) in {} ms", kafka.bootstrapServers(), dir,
                    Duration.ofNanos(System.nanoTime() - t0).toMillis());
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the embedded Kafka broker in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    private static void format(Path configFile) {
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "--config", configFile.toString(), "--cluster-id",
                    clusterId, "--ignore-formatted"}, out);
        }
        String output = buf.toString(StandardCharsets.UTF_8).trim();
        if (rc != 0) {
            throw new IllegalStateException("formatting the embedded Kafka storage failed (" + rc + "): " + output);
        }
        log.info("formatted new embedded Kafka storage, cluster id {}", clusterId);
        log.debug("kafka-storage format: {}", output);
    }

    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    /** Stops the broker and controller and waits until they are down. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        log.info("embedded Kafka broker stopped in {} ms", Duration.ofNanos(System.nanoTime() - t0).toMillis());
    }

    private static Properties readProperties(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
        }
        return p;
    }

    private static int reusableOrFree(Properties previous, String key) throws IOException {
        String v = previous.getProperty(key);
        if (v != null) {
            try {
                int p = Integer.parseInt(v.trim());
                if (p > 0 && isFree(p)) {
                    return p;
                }
            } catch (NumberFormatException ignored) {
                // fall through to a free port
            }
        }
        return freePort();
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return s.getLocalPort();
        }
    }
}
