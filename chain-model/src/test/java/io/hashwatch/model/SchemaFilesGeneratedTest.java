package io.hashwatch.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.FieldScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.metrics.GeneratedFiles;
import io.hashwatch.model.Topics.Topic;
import io.hashwatch.testing.TopicSchemas;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * docs/schemas/&lt;topic&gt;.schema.json, the JSON Schema (2020-12) of every topic's value, generated from the record
 * classes as {@link Json#MAPPER} writes them: snake_case names, every component present (null where it has no
 * value) but for those written only when set, boxed numbers and {@link Nullable} components nullable. A stale file
 * fails here with the command that regenerates it.
 */
class SchemaFilesGeneratedTest {
    /** The inputs are read raw (the topology parses them, to dead-letter what does not): the records they hold. */
    private static final Map<String, Class<?>> RAW_INPUTS = Map.of(Topics.HEADERS.name(), HeaderRecord.class,
            Topics.PRICES.name(), PriceTick.class);

    /** The record class of a topic's value; none for dead-letters, whose value is the rejected input as received. */
    static Optional<Class<?>> valueType(Topic<?, ?> topic) {
        if (topic.valueSerde() instanceof Json.JsonSerde<?> json) {
            return Optional.of(json.type());
        }
        return Optional.ofNullable(RAW_INPUTS.get(topic.name()));
    }

    @Test
    void everyTopicsSchemaIsGeneratedFromItsRecord() {
        List<String> without = new ArrayList<>();
        for (Topic<?, ?> topic : Topics.all()) {
            Optional<Class<?>> type = valueType(topic);
            if (type.isEmpty()) {
                without.add(topic.name());
                continue;
            }
            GeneratedFiles.check(TopicSchemas.file(GeneratedFiles.root(), topic.name()), schema(topic, type.get()));
        }
        assertEquals(List.of(Topics.DEAD_LETTERS.name()), without, "the topics whose value is no hashwatch record");
    }

    /**
     * Every field docs/topics.md names in the first column of a topic's table is a property of that topic's schema
     * (at any depth): the names consumers read are the names written. It caught the forecast quantiles, documented as
     * {@code forecast_change_p05} and written as {@code forecast_change_p_05}.
     */
    @Test
    void everyFieldTheTopicsDocNamesIsWritten() throws Exception {
        String doc = GeneratedFiles.read(GeneratedFiles.root().resolve("docs/topics.md"));
        java.util.regex.Pattern name = java.util.regex.Pattern.compile("`([a-z0-9_]+)`");
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (String section : doc.split("\n## ")) {
            java.util.regex.Matcher title = java.util.regex.Pattern.compile("^`([a-z-]+)`").matcher(section);
            if (!title.find()) {
                continue;
            }
            java.nio.file.Path file = TopicSchemas.file(GeneratedFiles.root(), title.group(1));
            if (!java.nio.file.Files.exists(file)) {
                continue; // dead-letters: the input as received
            }
            java.util.Set<String> properties = new java.util.HashSet<>();
            Json.MAPPER.readTree(file.toFile()).findParents("properties")
                    .forEach(p -> p.get("properties").fieldNames().forEachRemaining(properties::add));
            for (String line : section.split("\n")) {
                if (!line.startsWith("| `")) {
                    continue;
                }
                java.util.regex.Matcher m = name.matcher(line.split("\\|")[1]);
                while (m.find()) {
                    checked++;
                    if (!properties.contains(m.group(1))) {
                        missing.add(title.group(1) + "." + m.group(1));
                    }
                }
            }
        }
        assertEquals(List.of(), missing, "fields docs/topics.md names that no schema has");
        org.junit.jupiter.api.Assertions.assertTrue(checked > 100, checked + " field names checked");
        // And the mapper writes (and reads) the forecast under those names: a record built by its components' names,
        // whatever else the record holds.
        java.lang.reflect.RecordComponent[] components = DifficultyRecord.class.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        Map<String, Double> forecast = Map.of("forecastChangeP05", -0.05, "forecastChangeP10", -0.04,
                "forecastChangeP50", 0.01, "forecastChangeP90", 0.04, "forecastChangeP95", 0.05,
                "forecastProbabilityDecrease", 0.4);
        for (int i = 0; i < components.length; i++) {
            Class<?> c = components[i].getType();
            types[i] = c;
            args[i] = c == long.class ? (Object) 1L : c == int.class ? (Object) 1 : c == double.class ? (Object) 1.0
                    : c == String.class ? "mainnet" : forecast.get(components[i].getName());
        }
        DifficultyRecord d = DifficultyRecord.class.getDeclaredConstructor(types).newInstance(args);
        JsonNode written = Json.MAPPER.valueToTree(d);
        assertEquals(-0.05, written.get("forecast_change_p05").asDouble());
        assertEquals(0.05, written.get("forecast_change_p95").asDouble());
        assertEquals(0.4, written.get("forecast_probability_decrease").asDouble());
        assertEquals(d, Json.MAPPER.treeToValue(written, DifficultyRecord.class));
    }

    static String schema(Topic<?, ?> topic, Class<?> type) {
        SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(Json.MAPPER,
                SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
                .with(new JacksonModule())
                .with(Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES)
                .without(Option.SCHEMA_VERSION_INDICATOR);
        PropertyNamingStrategies.NamingBase naming =
                (PropertyNamingStrategies.NamingBase) Json.MAPPER.getPropertyNamingStrategy();
        config.forFields()
                .withPropertyNameOverrideResolver(f -> {
                    // An explicit name is what the mapper writes (Jackson does not rename it).
                    JsonProperty explicit = f.getAnnotation(JsonProperty.class);
                    return explicit != null && !explicit.value().isEmpty() ? explicit.value()
                            : naming.translate(f.getDeclaredName());
                })
                .withRequiredCheck(f -> !writtenOnlyWhenSet(f))
                .withNullableCheck(SchemaFilesGeneratedTest::nullable)
                .withEnumResolver(f -> f.getDeclaredName().equals("network") && f.getType().getErasedType()
                        == String.class ? Arrays.stream(Network.values()).map(Network::id).toList() : null);
        ObjectNode generated = new SchemaGenerator(config.build()).generateSchema(type);
        boxedItemsNullable(generated);
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("$schema", SchemaVersion.DRAFT_2020_12.getIdentifier());
        root.put("$id", TopicSchemas.ID_BASE + topic.name() + ".schema.json");
        root.put("title", topic.name());
        root.put("description", "The value of a record of topic " + topic.name() + " (" + type.getSimpleName()
                + "), schema version " + topic.schemaVersion() + ": the record header " + Topics.SCHEMA_VERSION_HEADER
                + " says which. Generated from the record class; see docs/topics.md.");
        root.put("x-hashwatch-schema-version", topic.schemaVersion());
        root.setAll(generated);
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Array items and map values are boxed (generics), and the records hold null in them (an SMA whose window is not
     * full, a profile without a price): the generator's nullable check sees only fields, so they are marked here.
     */
    private static void boxedItemsNullable(JsonNode node) {
        for (String container : List.of("items", "additionalProperties")) {
            JsonNode item = node.get(container);
            if (item instanceof ObjectNode o && o.path("type").isTextual()
                    && List.of("number", "integer", "boolean").contains(o.get("type").asText())) {
                o.set("type", Json.MAPPER.createArrayNode().add(o.get("type").asText()).add("null"));
            }
        }
        node.forEach(SchemaFilesGeneratedTest::boxedItemsNullable);
    }

    /** A component the mapper leaves out when it has no value, instead of writing null. */
    private static boolean writtenOnlyWhenSet(FieldScope f) {
        JsonInclude include = f.getAnnotationConsideringFieldAndGetter(JsonInclude.class);
        return include != null && include.value() != JsonInclude.Include.ALWAYS;
    }

    private static Boolean nullable(FieldScope f) {
        if (writtenOnlyWhenSet(f)) {
            return false;
        }
        Class<?> c = f.getType().getErasedType();
        if (c.isPrimitive()) {
            return false;
        }
        if (Number.class.isAssignableFrom(c) || c == Boolean.class) {
            return true;
        }
        return !f.isFakeContainerItemScope() && f.getAnnotationConsideringFieldAndGetter(Nullable.class) != null;
    }
}
