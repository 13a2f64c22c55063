package io.hashwatch.testing;

import io.hashwatch.model.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/** A real single-node KRaft cluster in-process, for integration tests. */
public final class EmbeddedCluster implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private EmbeddedCluster(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Starts the cluster; fails after {@code timeout} rather than hanging (see PITFALLS: metadata version). */
    public static EmbeddedCluster start(Duration timeout) throws Exception {
        return start(timeout, Map.of());
    }

    /** As {@link #start(Duration)}, with further broker settings. */
    public static EmbeddedCluster start(Duration timeout, Map<String, String> brokerConfig) throws Exception {
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setBootstrapMetadataVersion(MetadataVersion.LATEST_PRODUCTION)
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0");
        brokerConfig.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        ExecutorService starter = Executors.newSingleThreadExecutor();
        try {
            Future<?> started = starter.submit(() -> {
                cluster.format();
                cluster.startup();
                cluster.waitForReadyBrokers();
                return null;
            });
            started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            cluster.close();
            throw e;
        } finally {
            starter.shutdownNow();
        }
        return new EmbeddedCluster(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
    }

    /** Creates every hashwatch topic with one partition, with the retention the registry gives it. */
    public void createTopics() throws Exception {
        createTopics(1);
    }

    /** Creates every hashwatch topic with {@code partitions} partitions, with the registry's retention. */
    public void createTopics(int partitions) throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (Topics.Topic<?, ?> t : Topics.all()) {
            topics.add(new NewTopic(t.name(), partitions, (short) 1).configs(t.retention().configs()));
        }
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
