package io.hashwatch.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * A {@code --config} file: Java properties. Keys {@code kafka.<name>} pass through, without the prefix, to every
 * Kafka client hashwatch makes (Streams, producer, admin, consumer: TLS, SASL, tuning). Every other key is one of the
 * command's long options without the dashes ({@code metrics-port=9336}), parsed exactly as that option would be; an
 * option given on the command line wins over the file. The keys are the command's own options, so there is no list
 * to keep in step; an unknown key is an error (a typo must not be silently ignored). Relative paths in the file are
 * resolved against the file's directory.
 */
public final class ConfigFile {
    public static final String KAFKA_PREFIX = "kafka.";
    /** Options that say how to run the command line itself, not what to run. */
    private static final Set<String> NOT_SETTINGS = Set.of("config", "help", "version", "verbose");

    private final Map<String, String> kafka;

    private ConfigFile(Map<String, String> kafka) {
        this.kafka = kafka;
    }

    /** No file: no client overrides. */
    public static ConfigFile none() {
        return new ConfigFile(Map.of());
    }

    /**
     * Reads {@code file} and sets each option of {@code command} that the command line left out from it.
     *
     * @throws UsageException if the file is missing, unreadable or malformed, has an unknown key or a bad value
     */
    public static ConfigFile apply(Path file, CommandSpec command) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("config file " + file + " does not exist (or is not a file): fix --config");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> kafka = new TreeMap<>();
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            String value = p.getProperty(key).trim();
            if (key.startsWith(KAFKA_PREFIX) && key.length() > KAFKA_PREFIX.length()) {
                kafka.put(key.substring(KAFKA_PREFIX.length()), value);
                continue;
            }
            OptionSpec option = NOT_SETTINGS.contains(key) ? null : command.findOption("--" + key);
            if (option == null) {
                throw new UsageException("unknown setting '" + key + "' in config file " + file + ": use one of "
                        + settingNames(command) + " or kafka.<client property>");
            }
            if (!command.commandLine().getParseResult().hasMatchedOption(option)) {
                set(option, option.type() == Path.class ? relativeTo(file, value) : value, key, file);
            }
        }
        return new ConfigFile(Collections.unmodifiableMap(kafka));
    }

    /** Parses {@code value} as the command line would, through a fresh copy of the option, and sets it. */
    private static void set(OptionSpec option, String value, String key, Path file) {
        // A binding of its own: a value that fails to parse leaves the command's option as it was.
        Binding binding = new Binding();
        CommandSpec scratch = CommandSpec.create()
                .addOption(OptionSpec.builder(option).setter(binding).getter(binding).build());
        try {
            new CommandLine(scratch).parseArgs(option.longestName(), value);
        } catch (ParameterException e) {
            throw new UsageException("'" + key + "' in config file " + file + ": " + e.getMessage());
        }
        option.setValue(binding.value);
    }

    /** Where the scratch option keeps its value. */
    private static final class Binding implements CommandLine.Model.IGetter, CommandLine.Model.ISetter {
        private Object value;

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            return (T) value;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T newValue) {
            T old = (T) value;
            value = newValue;
            return old;
        }
    }

    private static String relativeTo(Path file, String value) {
        Path p = Path.of(value);
        Path base = file.toAbsolutePath().getParent();
        return p.isAbsolute() || base == null ? value : base.resolve(p).normalize().toString();
    }

    private static List<String> settingNames(CommandSpec command) {
        return command.options().stream().map(o -> o.longestName().replaceFirst("^--", ""))
                .filter(n -> !NOT_SETTINGS.contains(n)).sorted().toList();
    }

    /** The client properties from {@code kafka.*} keys, prefix removed. */
    public Map<String, String> kafka() {
        return kafka;
    }
}
