package io.hashwatch.launcher;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The cluster a one-shot command ({@code topics}, {@code refit}) talks to: {@code --bootstrap-servers},
 * {@code --timeout}, and {@code --config FILE} with the same {@code kafka.<property>} keys as {@code run}.
 */
public final class ClusterOptions {
    /** The command this is mixed into: the config file fills the options its command line left out. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", required = true,
            description = "The Kafka cluster (a running `hashwatch run`'s embedded broker: 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for the cluster (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--config", paramLabel = "FILE", description = "Settings file (Java properties).")
    Path config;

    /** Applies the config file, if any, and returns its {@code kafka.*} client settings (TLS, SASL). */
    Map<String, String> kafka() {
        return (config == null ? ConfigFile.none() : ConfigFile.apply(config, command)).kafka();
    }
}
