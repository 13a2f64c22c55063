package io.hashwatch.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The file checks and clean-up the commands share. */
public final class PathChecks {
    private static final Logger log = LoggerFactory.getLogger(PathChecks.class);

    private PathChecks() {
    }

    /** A usage error naming {@code flag} unless {@code file} is a readable regular file. */
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

    /**
     * Deletes a temporary directory and everything in it. A failure is only logged: what is left behind is
     * garbage in the temporary directory, not a reason to fail the command that is done with it.
     */
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
