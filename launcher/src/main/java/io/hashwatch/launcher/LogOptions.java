package io.hashwatch.launcher;

import java.nio.file.Path;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * Where the logs of a command that runs Kafka go. The console is for hashwatch's own lines and real problems; the
 * embedded broker and the Kafka clients log a great deal (configs, rebalances, warnings that are routine on one
 * node), so their lines go to a file, and only the clients' errors to the console. {@code --verbose} leaves them
 * on the console, as log4j2.xml has them (warnings and up).
 */
final class LogOptions {
    /** The loggers of the Kafka clients and Streams, and of Jetty: file, and errors on the console too. */
    private static final List<String> LIBRARY_LOGGERS = List.of("org.apache.kafka", "org.eclipse.jetty");
    /**
     * The embedded broker's loggers: file only. Its errors are about its clients (a retried out-of-order sequence
     * when a transaction starts on a fresh partition, logged at ERROR) and reach hashwatch through them when they
     * matter.
     */
    private static final List<String> BROKER_LOGGERS = List.of("kafka", "state.change.logger",
            "org.apache.kafka.server", "org.apache.kafka.storage", "org.apache.kafka.controller",
            "org.apache.kafka.raft", "org.apache.kafka.metadata", "org.apache.kafka.image",
            "org.apache.kafka.coordinator", "org.apache.kafka.queue", "org.apache.kafka.snapshot");
    private static final String CONSOLE = "stderr";
    private static final String FILE = "kafka-file";
    static final String FILE_NAME = "kafka.log";
    private static final String USER_CONFIGURATION = "log4j2.configurationFile";

    @Option(names = "--verbose", description = "Kafka's warnings on the console, as its log configuration says,"
            + " instead of its lines in the log file named at start-up.")
    boolean verbose;

    /**
     * Unless {@code --verbose}, sends the library loggers to {@code dir/kafka.log} (appended to) from now on, and
     * says so on the console. A logging configuration of the user's own ({@code -Dlog4j2.configurationFile}) is
     * left as it is.
     */
    void sendKafkaLogsTo(Path dir) {
        if (verbose || System.getProperty(USER_CONFIGURATION) != null) {
            return;
        }
        Path file = dir.resolve(FILE_NAME).toAbsolutePath();
        LoggerContext context = LoggerContext.getContext(false);
        Configuration config = context.getConfiguration();
        Appender previous = config.getAppender(FILE);
        Appender toFile = FileAppender.newBuilder().setName(FILE).withFileName(file.toString()).withAppend(true)
                .setLayout(PatternLayout.newBuilder().withConfiguration(config)
                        .withPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%t] %c - %msg%n").build())
                .setConfiguration(config).build();
        toFile.start();
        config.addAppender(toFile);
        Appender console = config.getAppender(CONSOLE);
        for (String name : LIBRARY_LOGGERS) {
            LoggerConfig logger = toFile(config, name, toFile);
            if (console != null) {
                logger.addAppender(console, Level.ERROR, null);
            }
        }
        for (String name : BROKER_LOGGERS) {
            toFile(config, name, toFile);
        }
        context.updateLoggers();
        if (previous != null && previous != toFile) {
            previous.stop();
        }
        LoggerFactory.getLogger(LogOptions.class).info("Kafka's logs: {} (--verbose shows its warnings here)", file);
    }

    /** The logger {@code name} (created if the configuration has none) writing INFO and up to the file only. */
    private static LoggerConfig toFile(Configuration config, String name, Appender file) {
        LoggerConfig logger = config.getLoggers().get(name);
        if (logger == null) {
            logger = new LoggerConfig(name, Level.INFO, false);
            config.addLogger(name, logger);
        }
        logger.removeAppender(CONSOLE);
        logger.removeAppender(FILE);
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        logger.addAppender(file, Level.INFO, null);
        return logger;
    }
}
