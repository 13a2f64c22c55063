package io.hashwatch.launcher;

import io.hashwatch.bitcoin.Network;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks and clean-up the commands share for the files and names their options take. */
public final class PathChecks {
    private static final Logger log = LoggerFactory.getLogger(PathChecks.class);

    private PathChecks() {
    }

    /** @throws UsageException naming {@code flag} unless {@code file} is a readable regular file */
    public static void checkReadableFile(Path file, String flag) {
        if (!Files.exists(file)) {
            throw new UsageException(flag + " file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new UsageException(flag + " " + file + " is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new UsageException(flag + " file " + file + " is not readable");
        }
    }

    /** The names {@code --network} takes, for error messages. */
    public static String networks() {
        return Arrays.stream(Network.values()).map(Network::id).collect(Collectors.joining(", "));
    }

    /** {@code --network} names a network hashwatch verifies, or a usage error lists them. */
    public static void checkNetwork(String network) {
        if (Network.byName(network).isEmpty()) {
            throw new UsageException("unknown network '" + network + "' (--network): use one of " + networks());
        }
    }

    /** Deletes a directory tree; what cannot be deleted is logged and left. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not delete the temporary directory {}: {}", dir, e.toString());
        }
    }
}
