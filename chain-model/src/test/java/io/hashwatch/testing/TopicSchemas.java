package io.hashwatch.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The committed JSON Schemas of the topics' values (docs/schemas/&lt;topic&gt;.schema.json), and a check that records
 * conform, with a Maven Central validator (networknt json-schema-validator, draft 2020-12).
 */
public final class TopicSchemas {
    /** Where the schemas say they live (their {@code $id}). */
    public static final String ID_BASE = "https://github.com/hashwatch/hashwatch/blob/main/docs/schemas/";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SchemaRegistry REGISTRY =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final Path root;
    private final Map<String, Schema> schemas = new HashMap<>();

    /** @param root the repository's root (the parent of a module's directory, where tests run) */
    public TopicSchemas(Path root) {
        this.root = root;
    }

    /** The schemas of the repository the tests run in (the parent of the module's directory). */
    public static TopicSchemas ofRepository() {
        return new TopicSchemas(Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent());
    }

    public static Path file(Path root, String topic) {
        return root.resolve("docs").resolve("schemas").resolve(topic + ".schema.json");
    }

    /**
     * Every line of a backfill export ({@code <topic>.jsonl}) that holds a value (not a tombstone line) conforms to
     * the topic's schema; returns how many were checked.
     */
    public int assertExportValid(String topic, List<String> lines) {
        int checked = 0;
        // Each kind of violation once (array indexes and map keys folded), with the first record that has it.
        Map<String, String> violations = new java.util.TreeMap<>();
        for (String line : lines) {
            JsonNode value = parse(line);
            if (value.size() == 2 && value.path("deleted").asBoolean(false) && value.has("key")) {
                continue;
            }
            for (Error e : schema(topic).validate(value)) {
                violations.putIfAbsent(e.getEvaluationPath() + ": " + e.getMessage(), line);
            }
            checked++;
        }
        StringBuilder report = new StringBuilder();
        violations.forEach((v, line) -> report.append("\n  ").append(v).append("\n    e.g. ").append(line));
        assertTrue(violations.isEmpty(), topic + " records against " + file(root, topic).getFileName() + ":" + report);
        return checked;
    }

    public void assertValid(String topic, JsonNode value) {
        List<Error> errors = schema(topic).validate(value);
        assertEquals(List.of(), errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList(),
                () -> topic + " record against " + file(root, topic).getFileName() + ": " + value);
    }

    private Schema schema(String topic) {
        return schemas.computeIfAbsent(topic, t -> {
            Path file = file(root, t);
            assertTrue(Files.isRegularFile(file), file + " exists");
            try {
                return REGISTRY.getSchema(Files.readString(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static JsonNode parse(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
