package io.hashwatch.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file of the repository that is generated from the sources: the test compares it with what it would generate, and
 * with {@code -Dhashwatch.regenerate=true} writes it instead.
 */
public final class GeneratedFiles {
    /** The command that regenerates every generated file of the repository. */
    public static final String REGENERATE = "mvn -B -q -pl chain-model test -Dtest='*GeneratedTest'"
            + " -Dhashwatch.regenerate=true";

    private GeneratedFiles() {
    }

    /** The repository's root: the parent of the module the tests run in. */
    public static Path root() {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        assertTrue(Files.exists(root.resolve("docs")) && Files.exists(root.resolve("pom.xml")),
                "the tests run in a module of the repository: " + root);
        return root;
    }

    public static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file is as generated; or, when regenerating, is written so. */
    public static void check(Path file, String generated) {
        if (Boolean.getBoolean("hashwatch.regenerate")) {
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, generated, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        assertEquals(generated, read(file), root().relativize(file) + " is stale: regenerate it with\n  " + REGENERATE
                + "\nand commit the result");
    }
}
