package io.hashwatch.launcher;

import io.hashwatch.config.ConfigException;
import io.hashwatch.config.EconomicsSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --economics FILE} of {@code run} and {@code backfill}: declared and checked once. */
public final class EconomicsOption {
    @Option(names = "--economics", paramLabel = "FILE",
            description = "Economics settings (YAML: cost profiles, lease rate, reference price rules); default:"
                    + " the built-in economics.yaml.")
    Path file;

    /** The file's settings, or the built-in ones; a usage error naming the option when the file is not valid. */
    EconomicsSettings settings() {
        try {
            return file == null ? EconomicsSettings.defaults() : EconomicsSettings.load(file);
        } catch (ConfigException e) {
            throw new UsageException("--economics: " + e.getMessage());
        }
    }
}
