package io.hashwatch.launcher;

import io.hashwatch.model.Topics;
import io.hashwatch.model.Topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates every hashwatch topic ({@link Topics#all()}) if it is missing. Kafka Streams does not create its source
 * topics, so this runs before the app starts. Idempotent: an existing topic is left as it is.
 *
 * <ul>
 *   <li>compacted topics ({@link Topic#compacted()}: the per-block outputs) get {@code cleanup.policy=compact};</li>
 *   <li>the inputs ({@link Topics#inputs()}: {@code headers}, ...) and {@code reorgs} keep everything
 *   ({@code retention.ms=-1}): they are the history, and replayed records carry old timestamps that time-based
 *   retention would delete at once;</li>
 *   <li>{@code dead-letters} keep the broker's default retention.</li>
 * </ul>
 */
public final class TopicSetup {
    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    /** The topic-level configs hashwatch sets on a topic at creation. */
    public static Map<String, String> configFor(Topic<?, ?> topic) {
        Map<String, String> c = new HashMap<>();
        if (topic.compacted()) {
            c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        } else if (Topics.inputs().contains(topic) || topic.equals(Topics.REORGS)) {
            c.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
        }
        return c;
    }

    /**
     * Creates the missing topics and waits until the broker confirms.
     *
     * @param partitions        partitions of each new topic (>= 1)
     * @param replicationFactor replication of each new topic; empty takes the broker default
     * @return the names of the topics this call created (not those that existed)
     */
    public static List<String> createAll(Admin admin, int partitions, Optional<Short> replicationFactor,
                                         Duration timeout) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        List<NewTopic> wanted = new ArrayList<>();
        for (Topic<?, ?> t : Topics.all()) {
            wanted.add(new NewTopic(t.name(), Optional.of(partitions), replicationFactor).configs(configFor(t)));
        }
        Map<String, KafkaFuture<Void>> futures = new LinkedHashMap<>(admin.createTopics(wanted).values());
        List<String> created = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<String, KafkaFuture<Void>> e : futures.entrySet()) {
            try {
                e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                created.add(e.getKey());
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + e.getKey() + ": "
                            + ex.getCause().getMessage(), ex.getCause());
                }
            } catch (TimeoutException ex) {
                throw new IllegalStateException("creating topic " + e.getKey() + " took longer than "
                        + timeout.toSeconds() + " s: is Kafka reachable?", ex);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topics", ex);
            }
        }
        if (created.isEmpty()) {
            log.info("all {} hashwatch topics exist", futures.size());
        } else {
            log.info("created topics {} ({} partition(s), replication {})", created, partitions,
                    replicationFactor.map(String::valueOf).orElse("broker default"));
        }
        return created;
    }
}
