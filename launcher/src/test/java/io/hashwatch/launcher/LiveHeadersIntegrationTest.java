package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.source.chain.BitcoindAuth;
import io.hashwatch.source.chain.BitcoindClient;
import io.hashwatch.source.chain.ChainFollower;
import io.hashwatch.source.chain.ChainPublisher;
import io.hashwatch.source.chain.ChainSettings;
import io.hashwatch.source.chain.ChainSourceMetrics;
import io.hashwatch.source.chain.HeadersTopicTail;
import io.hashwatch.source.chain.SourceLog;
import io.hashwatch.testing.RegtestChain;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live source through a real (embedded) broker: a follower backfills from a Bitcoin Core node (a minimal fake
 * serving a mined regtest chain) into the headers topic, a second follower started later reads the topic back and
 * resumes without duplicates or gaps, and a reorganization at the node is published from its fork point.
 */
class LiveHeadersIntegrationTest {
    @TempDir
    Path tmp;

    /** getblockchaininfo, getblockhash, getblockheader (raw), getblockstats on the branch in {@code chain}. */
    private static HttpServer node(AtomicReference<RegtestChain> chain, LongSupplier tip) throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                JsonNode req = Json.MAPPER.readTree(ex.getRequestBody().readAllBytes());
                JsonNode p = req.path("params");
                RegtestChain c = chain.get();
                long top = tip.getAsLong();
                ObjectNode reply = Json.MAPPER.createObjectNode();
                reply.set("id", req.get("id"));
                reply.putNull("error");
                int status = 200;
                switch (req.path("method").asText()) {
                    case "getblockchaininfo" -> reply.putObject("result").put("chain", "regtest").put("blocks", top)
                            .put("bestblockhash", c.at(top).hash()).put("initialblockdownload", false);
                    case "getblockhash" -> {
                        long h = p.path(0).asLong();
                        if (h > top || c.at(h) == null) {
                            status = 500;
                            reply.putObject("error").put("code", -8).put("message", "Block height out of range");
                        } else {
                            reply.put("result", c.at(h).hash());
                        }
                    }
                    case "getblockheader" -> {
                        BlockHeader found = null;
                        for (BlockHeader b : c.headers()) {
                            if (b.hash().equals(p.path(0).asText())) {
                                found = b;
                            }
                        }
                        reply.put("result", found == null ? null : found.hex());
                    }
                    case "getblockstats" -> reply.putObject("result").put("totalfee", 0).put("txs", 1);
                    default -> {
                        status = 404;
                        reply.putObject("error").put("code", -32601).put("message", "Method not found");
                    }
                }
                byte[] b = reply.toString().getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(status, b.length);
                ex.getResponseBody().write(b);
            }
        });
        server.start();
        return server;
    }

    private static List<HeaderRecord> readAll(String bootstrap) {
        Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<HeaderRecord> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c)) {
            TopicPartition tp = new TopicPartition(Topics.HEADERS.name(), 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    assertEquals("regtest", r.key());
                    out.add(Json.read(r.value(), HeaderRecord.class));
                }
            }
        }
        return out;
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static ChainFollower follower(URI node, String bootstrap, ChainSettings s, ChainSourceMetrics m) {
        SourceLog log = new SourceLog("bitcoind");
        return new ChainFollower(new BitcoindClient(node, BitcoindAuth.none(), s, m, log), s,
                new ChainPublisher(bootstrap, Map.of()), new HeadersTopicTail(bootstrap, Map.of(),
                Duration.ofSeconds(30)), log).start();
    }

    @Test
    @Timeout(180)
    void backfillRestartAndReorgThroughTheBroker() throws Exception {
        RegtestChain main = RegtestChain.fromGenesis(17);
        main.extend(40);
        AtomicReference<RegtestChain> chain = new AtomicReference<>(main);
        java.util.concurrent.atomic.AtomicLong tip = new java.util.concurrent.atomic.AtomicLong(20);
        HttpServer server = node(chain, tip::get);
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        ChainSettings s = new ChainSettings(Duration.ofMillis(100), 15, 100, Duration.ofMillis(50),
                Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ZERO);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("kafka"), 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     kafka.bootstrapServers()))) {
            TopicSetup.createAll(admin, 1, Optional.of((short) 1), Duration.ofSeconds(60));
            String bootstrap = kafka.bootstrapServers();

            ChainSourceMetrics m1 = new ChainSourceMetrics(new SimpleMeterRegistry(), "bitcoind");
            try (ChainFollower f = follower(uri, bootstrap, s, m1)) {
                await(() -> m1.publishedHeight() == 20, "backfill");
            }
            assertEquals(LongStream.rangeClosed(6, 20).boxed().toList(),
                    readAll(bootstrap).stream().map(HeaderRecord::height).toList());

            // While stopped the node moves on and reorganizes: 19 and 20 leave its chain.
            RegtestChain branch = main.fork(18);
            branch.extend(10);
            chain.set(branch);
            tip.set(25);
            ChainSourceMetrics m2 = new ChainSourceMetrics(new SimpleMeterRegistry(), "bitcoind");
            try (ChainFollower f = follower(uri, bootstrap, s, m2)) {
                await(() -> m2.publishedHeight() == 25, "resume on the new branch");
                tip.set(28);
                await(() -> m2.publishedHeight() == 28, "follow");
                assertEquals(1, m2.reorgs());
            }
            List<HeaderRecord> all = readAll(bootstrap);
            assertEquals(LongStream.concat(LongStream.rangeClosed(6, 20), LongStream.rangeClosed(19, 28))
                    .boxed().toList(), all.stream().map(HeaderRecord::height).toList(), "no duplicate, no gap");
            TreeMap<Long, String> last = new TreeMap<>();
            for (HeaderRecord r : all) {
                last.tailMap(r.height(), true).clear();
                last.put(r.height(), BlockHeader.fromHex(r.headerHex()).hash());
            }
            for (long h = 6; h <= 28; h++) {
                assertEquals(branch.at(h).hash(), last.get(h), "height " + h);
            }
        } finally {
            server.stop(0);
        }
    }
}
