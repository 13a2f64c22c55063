package io.hashwatch.launcher;

import io.hashwatch.model.Topics;
import io.hashwatch.model.Topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
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
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates every hashwatch topic ({@link Topics#all()}) if it is missing, with the configs of its
 * {@link Topics.Retention}. Kafka Streams does not create its source topics, so this runs before the app starts.
 * Idempotent: an existing topic is left as it is.
 */
public final class TopicSetup {
    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {
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
        return createAll(admin, partitions, replicationFactor, timeout, List.of());
    }

    /**
     * As {@link #createAll(Admin, int, Optional, Duration)}, with {@code others} in the same call (a streams app's
     * internal topics, on a fresh cluster: {@link io.hashwatch.HashwatchStreams#internalTopics}).
     */
    public static List<String> createAll(Admin admin, int partitions, Optional<Short> replicationFactor,
                                         Duration timeout, List<NewTopic> others) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        List<NewTopic> wanted = new ArrayList<>();
        for (Topic<?, ?> t : Topics.all()) {
            wanted.add(new NewTopic(t.name(), Optional.of(partitions), replicationFactor)
                    .configs(t.retention().configs()));
        }
        wanted.addAll(others);
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
