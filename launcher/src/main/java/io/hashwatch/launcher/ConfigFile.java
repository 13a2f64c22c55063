package io.hashwatch.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A {@code --config} file: Java properties. Keys {@code kafka.<name>} pass through, without the prefix, to every
 * Kafka client hashwatch makes (Streams, producer, admin, consumer: TLS, SASL, tuning). Other keys are hashwatch
 * settings named like the command's long flags without the dashes ({@code metrics-port=9336}); a flag on the
 * command line overrides the file. An unknown key is an error (a typo must not be silently ignored). Relative paths
 * in the file are resolved against the file's directory.
 */
public final class ConfigFile {
    public static final String KAFKA_PREFIX = "kafka.";

    private final Path file;
    private final Map<String, String> settings;
    private final Map<String, String> kafka;

    private ConfigFile(Path file, Map<String, String> settings, Map<String, String> kafka) {
        this.file = file;
        this.settings = settings;
        this.kafka = kafka;
    }

    /** No file: no settings, no client overrides. */
    public static ConfigFile none() {
        return new ConfigFile(null, Map.of(), Map.of());
    }

    /**
     * @param allowedSettings the hashwatch setting names this command knows
     * @throws UsageException if the file is missing, unreadable, malformed or has an unknown key
     */
    public static ConfigFile load(Path file, Set<String> allowedSettings) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("config file " + file + " does not exist (or is not a file): fix --config");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> settings = new TreeMap<>();
        Map<String, String> kafka = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            String value = p.getProperty(key).trim();
            if (key.startsWith(KAFKA_PREFIX) && key.length() > KAFKA_PREFIX.length()) {
                kafka.put(key.substring(KAFKA_PREFIX.length()), value);
            } else if (allowedSettings.contains(key)) {
                settings.put(key, value);
            } else {
                throw new UsageException("unknown setting '" + key + "' in config file " + file + ": use one of "
                        + new TreeSet<>(allowedSettings)
                        + " or kafka.<client property>");
            }
        }
        return new ConfigFile(file, Collections.unmodifiableMap(settings), Collections.unmodifiableMap(kafka));
    }

    /** The client properties from {@code kafka.*} keys, prefix removed. */
    public Map<String, String> kafka() {
        return kafka;
    }

    public String get(String name) {
        return settings.get(name);
    }

    /** Where a value came from, for error messages. */
    public String where(String name) {
        return "'" + name + "' in config file " + file;
    }

    /** A path setting, relative to the config file's directory. */
    public Path path(String name) {
        String v = settings.get(name);
        if (v == null) {
            return null;
        }
        Path p = Path.of(v);
        if (p.isAbsolute() || file == null) {
            return p;
        }
        Path base = file.toAbsolutePath().getParent();
        return base == null ? p : base.resolve(p).normalize();
    }
}
