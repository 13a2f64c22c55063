package io.hashwatch.launcher;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits until a Kafka Streams app's committed offsets reach the end offsets of every partition it reads: the given
 * input topics and whatever its tasks consume (repartition topics, topics it writes and reads back). With
 * exactly-once, every output of every input record is then committed too. Committed offsets are read before end
 * offsets, so a partition an upstream task is still writing to never looks caught up.
 */
public final class CommittedOffsets {
    private static final Logger log = LoggerFactory.getLogger(CommittedOffsets.class);
    /** Give up when the streams app commits nothing new for this long. */
    static final Duration STALL_TIMEOUT = Duration.ofMinutes(5);

    private CommittedOffsets() {
    }

    /** Told at every poll the committed offset of each partition the app reads (0 where nothing is committed). */
    @FunctionalInterface
    public interface Listener {
        void committed(long nanoTime, Map<TopicPartition, Long> offsets);
    }

    static void await(Admin admin, String applicationId, KafkaStreams streams, Collection<String> inputTopics,
                      AtomicReference<Throwable> failure, Duration poll)
            throws InterruptedException, ExecutionException, TimeoutException {
        await(admin, applicationId, streams, inputTopics, failure, poll, (t, offsets) -> { });
    }

    /**
     * @param failure  set by the app's uncaught-exception handler; thrown as soon as it is
     * @param poll     how often offsets are compared (the resolution of a measurement that ends here)
     * @param listener told the committed offsets at every poll
     */
    public static void await(Admin admin, String applicationId, KafkaStreams streams, Collection<String> inputTopics,
                      AtomicReference<Throwable> failure, Duration poll, Listener listener)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<TopicPartition> inputs = new HashSet<>();
        Map<String, TopicDescription> described = admin.describeTopics(inputTopics).allTopicNames()
                .get(60, TimeUnit.SECONDS);
        described.values().forEach(d -> d.partitions().forEach(p -> inputs.add(new TopicPartition(d.name(),
                p.partition()))));
        long lastDone = -1;
        long lastChange = System.nanoTime();
        long lastLog = System.nanoTime();
        int caughtUp = 0;
        while (true) {
            Throwable f = failure.get();
            if (f != null) {
                throw new IllegalStateException("the streams app failed: " + f, f);
            }
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                    || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                throw new IllegalStateException("the streams app stopped (" + state + ") before processing every"
                        + " input record");
            }
            Set<TopicPartition> sources = new HashSet<>(inputs);
            boolean assigned = state == KafkaStreams.State.RUNNING;
            for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
                for (TaskMetadata task : thread.activeTasks()) {
                    sources.addAll(task.topicPartitions());
                }
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            sources.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(latest).all()
                    .get(60, TimeUnit.SECONDS);
            long done = 0;
            long total = 0;
            boolean all = assigned;
            Map<TopicPartition, Long> offsets = new HashMap<>();
            for (TopicPartition tp : sources) {
                long e = end.get(tp).offset();
                OffsetAndMetadata c = committed.get(tp);
                long at = c == null ? 0 : c.offset();
                offsets.put(tp, at);
                if (inputs.contains(tp)) {
                    done += Math.min(at, e);
                    total += e;
                }
                if (at < e) {
                    all = false;
                }
            }
            listener.committed(System.nanoTime(), offsets);
            // Twice in a row: a task that had not been assigned yet cannot be missed.
            caughtUp = all ? caughtUp + 1 : 0;
            if (caughtUp >= 2) {
                return;
            }
            long now = System.nanoTime();
            if (done != lastDone) {
                lastDone = done;
                lastChange = now;
            } else if (now - lastChange > STALL_TIMEOUT.toNanos()) {
                throw new IllegalStateException("the streams app committed nothing for " + STALL_TIMEOUT.toMinutes()
                        + " min (" + done + " of " + total + " input records, state " + state + ")");
            }
            if (now - lastLog >= 2_000_000_000L) {
                log.info("{} committed {} of {} input records ({} %), state {}", applicationId, done, total,
                        total == 0 ? 100 : done * 100 / total, state);
                lastLog = now;
            }
            Thread.sleep(poll.toMillis());
        }
    }
}
