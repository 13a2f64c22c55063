package io.hashwatch.launcher;

import io.hashwatch.model.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hashwatch topics}: creates the missing hashwatch topics on a cluster, with the policy of {@link Topics}
 * ({@link TopicSetup}), and exits. What {@code run} does before it starts, for deployments that set topics up
 * apart from the app (compose's one-shot topic-init service runs this).
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = {"Create every missing hashwatch topic on a Kafka cluster and exit (existing topics are left"
                + " as they are).",
            "--config FILE takes the same kafka.<property> keys as run (TLS, SASL)."})
public final class TopicsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "1",
            description = "Partitions of each topic created (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", paramLabel = "N",
            description = "Replication of each topic created (default: the broker's default.replication.factor).")
    Short replicationFactor;

    @Override
    public Integer call() {
        Map<String, String> kafka = cluster.kafka();
        if (partitions < 1) {
            throw new UsageException("partitions must be >= 1 (--partitions), got " + partitions);
        }
        if (replicationFactor != null && replicationFactor < 1) {
            throw new UsageException("--replication-factor must be >= 1, got " + replicationFactor);
        }
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers);
        List<String> created;
        try (Admin admin = Admin.create(props)) {
            created = TopicSetup.createAll(admin, partitions, Optional.ofNullable(replicationFactor),
                    Duration.ofSeconds(cluster.timeoutSeconds));
        }
        for (Topics.Topic<?, ?> t : Topics.all()) {
            spec.commandLine().getOut().printf("%-24s %s%n", t.name(), created.contains(t.name()) ? "created"
                    : "exists");
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
