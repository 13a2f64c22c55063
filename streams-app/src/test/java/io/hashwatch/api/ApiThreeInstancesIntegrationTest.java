package io.hashwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.EmbeddedCluster;
import io.hashwatch.testing.SharedData;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three streams instances of one application on a real broker, no standby replicas: the sub-topologies' tasks spread
 * over the three, so mainnet's chain, pools and miner-stress stores sit on different instances with no instance
 * holding them all. Every endpoint answers 200 on every instance, with the same body: a request goes to the chain's
 * owner, which reads the pools' and the days' stores from their owners.
 */
class ApiThreeInstancesIntegrationTest {
    @TempDir
    Path stateDir;

    @Test
    @Timeout(240)
    void everyInstanceAnswersEveryPathAlikeWithTheSubTopologiesSplit() throws Exception {
        Path file = SharedData.requireHeaders("mainnet_586657-589289.dfinity.bin");
        long first = SharedData.firstHeight(file);
        List<byte[]> raw = SharedData.readHeaders(file).subList(0, 2100);
        long tip = first + raw.size() - 1;
        List<String> tags = new ArrayList<>();
        for (Map<String, String> row : SharedData.readCsv(SharedData.require("data/pools/coinbases.csv"))) {
            String script = row.get("scriptsig_hex");
            if (!row.get("stated_pool").isEmpty() && script.length() >= 4 && script.length() <= 200) {
                tags.add(script);
            }
        }
        try (EmbeddedCluster cluster = EmbeddedCluster.start(Duration.ofSeconds(90))) {
            cluster.createTopics();
            List<ApiInstance> instances = new ArrayList<>();
            try {
                for (String name : List.of("a", "b", "c")) {
                    instances.add(ApiInstance.start(cluster, "hashwatch-api-three", stateDir.resolve(name), true));
                }
                Properties p = new Properties();
                p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
                try (KafkaProducer<String, byte[]> producer =
                             new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
                    for (int i = 0; i < raw.size(); i++) {
                        long height = first + i;
                        // Real coinbase tags (every seventh block without one), so that the pools' stores hold
                        // attributions: an answer read from the wrong instance would show other counts.
                        String script = i % 7 == 3 ? null : tags.get((int) (height * 31 % tags.size()));
                        HeaderRecord r = new HeaderRecord("mainnet", height, HexFormat.of().formatHex(raw.get(i)),
                                1_000L * i, 1000 + i, "api-three", null, null, null, script, null);
                        producer.send(new ProducerRecord<>(Topics.HEADERS.name(), null,
                                io.hashwatch.bitcoin.BlockHeader.parse(raw.get(i)).time() * 1000, "mainnet",
                                Json.write(r)));
                    }
                }
                for (ApiInstance i : instances) {
                    i.awaitTip(tip, Duration.ofSeconds(120));
                }
                JsonNode owners = Json.MAPPER.readTree(instances.get(0).get("/api/v1/hashwatch/status")
                        .body()).get("networks").get("mainnet").get("store_owners");
                Set<String> distinct = new LinkedHashSet<>();
                owners.forEach(o -> distinct.add(o.asText()));
                System.out.println("mainnet's stores by owner: " + owners);
                assertEquals(3, owners.size(), "an owner for each store: " + owners);
                // What this test is about: the chain's and the pools' (or the days') stores on different instances.
                assertNotEquals(1, distinct.size(), "the sub-topologies on one instance: " + owners);

                String slug = topPoolSlug(instances.get(0));
                List<String> paths = List.of("/api/blocks/tip/height", "/api/blocks/tip/hash",
                        "/api/v1/difficulty-adjustment", "/api/v1/mining/hashrate/1w",
                        "/api/v1/mining/difficulty-adjustments/all", "/api/v1/mining/pools/24h",
                        "/api/v1/mining/pools/1w", "/api/v1/mining/pool/" + slug,
                        "/api/v1/mining/pool/" + slug + "/blocks", "/api/v1/mining/pool/" + slug + "/blocks/588000",
                        "/api/v1/mining/reward-stats/100", "/api/v1/hashwatch/hashrate?from=587000&to=587010",
                        "/api/v1/hashwatch/difficulty", "/api/v1/hashwatch/pools",
                        "/api/v1/hashwatch/miner-days?from=2019-07-01&to=2019-08-31",
                        "/api/v1/hashwatch/hashprice", "/api/v1/hashwatch/economics", "/api/v1/hashwatch/alerts",
                        "/api/v1/hashwatch/pool-shares");
                Map<String, String> expected = settled(instances.get(0), paths);
                assertTrue(expected.get("/api/v1/mining/pools/24h").contains("\"blockCount\":"),
                        expected.get("/api/v1/mining/pools/24h"));
                assertNotEquals(0, Json.MAPPER.readTree(expected.get("/api/v1/mining/pools/1w")).get("blockCount")
                        .asInt(), "the pools' store read");
                for (ApiInstance i : instances) {
                    assertEquals(expected, answersOnceEqual(i, paths, expected), i.base());
                    assertEquals(200, i.get("/api/v1/hashwatch/status").statusCode(), i.base());
                }
                // The internal reads: the holder of a store answers its records, the others 503 (never nothing).
                String days = "/api/internal/miner-days?network=mainnet&from=2019-07-01&to=2019-08-31";
                JsonNode publicDays = Json.MAPPER.readTree(expected.get(
                        "/api/v1/hashwatch/miner-days?from=2019-07-01&to=2019-08-31")).get("miner_days");
                String lastPool = "/api/internal/pool-blocks?network=mainnet&last=1";
                for (ApiInstance i : instances) {
                    String self = i.base().substring("http://".length());
                    HttpResponse<String> d = i.get(days);
                    HttpResponse<String> last = i.get(lastPool);
                    if (self.equals(owners.get("miner-days").asText())) {
                        assertEquals(200, d.statusCode(), d.body());
                        assertEquals(publicDays, Json.MAPPER.readTree(d.body()));
                    } else {
                        assertEquals(503, d.statusCode(), d.body());
                    }
                    if (self.equals(owners.get("pool-blocks").asText())) {
                        assertEquals(200, last.statusCode(), last.body());
                        assertEquals(tip, Json.MAPPER.readTree(last.body()).get(0).get("height").asLong());
                    } else {
                        assertEquals(503, last.statusCode(), last.body());
                    }
                }
            } finally {
                for (ApiInstance i : instances) {
                    i.close();
                }
            }
        }
    }

    /** The slug of the pool with the most blocks in the last week. */
    private static String topPoolSlug(ApiInstance at) throws Exception {
        HttpResponse<String> r = at.getRetrying("/api/v1/mining/pools/1w");
        assertEquals(200, r.statusCode(), r.body());
        return Json.MAPPER.readTree(r.body()).get("pools").get(0).get("slug").asText();
    }

    /**
     * The answers once two reads a second apart agree (at most 60 s): the pools' and the miner-stress sub-topologies
     * follow the chain's.
     */
    private static Map<String, String> settled(ApiInstance at, List<String> paths) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, String> last = at.answers(paths);
        while (System.nanoTime() < deadline) {
            Thread.sleep(1000);
            Map<String, String> now = at.answers(paths);
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        return last;
    }

    /** The answers once they equal {@code expected} (at most 30 s), else the last. */
    private static Map<String, String> answersOnceEqual(ApiInstance at, List<String> paths,
                                                        Map<String, String> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, String> now = at.answers(paths);
        while (!now.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            now = at.answers(paths);
        }
        return now;
    }
}
