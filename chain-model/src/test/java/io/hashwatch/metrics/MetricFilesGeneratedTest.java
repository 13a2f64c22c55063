package io.hashwatch.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.metrics.MetricCatalog.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docs/metrics.md's metric tables and prometheus/known-metrics.txt are generated from {@link MetricCatalog}: a stale
 * one fails here with the command that regenerates it ({@link GeneratedFiles#REGENERATE}).
 */
class MetricFilesGeneratedTest {
    static final String DOC_BEGIN = "<!-- metrics:%s generated from MetricCatalog; do not edit -->";
    static final String DOC_END = "<!-- /metrics:%s -->";
    static final String KNOWN_HEADER = """
            # Every metric name hashwatch serves. Dashboards and rules may only use names listed here or recorded by
            # prometheus/rules (the dashboards' generator, DashboardsGeneratedTest, and prometheus/check_queries.py
            # check).
            #
            # hashwatch_*: generated from MetricCatalog (chain-model), with the suffixes Micrometer adds by type;
            # regenerate with
            #   %s
            """;
    static final String EXTERNAL_HEADER = """
            # Served beside them by Micrometer's binders: JVM and process, and of Kafka Streams and its clients
            # (KafkaStreamsMetrics) the seven names HashwatchStreams.KAFKA_METRICS_SERVED lets through. Captured from a real scrape of `./hashwatch run --headers .../mainnet_80001-100000.btcrelay.bin`
            # (Kafka 4.3.1 clients) after the replay, and kept by the generator: refresh with
            #   curl -s localhost:9336/metrics | grep -v '^#' | sed 's/[{ ].*//' | grep -v '^hashwatch_' | sort -u
            """;

    @Test
    void docsMetricTablesAreTheCatalogs() {
        Path doc = GeneratedFiles.root().resolve("docs/metrics.md");
        GeneratedFiles.check(doc, metricsDoc(GeneratedFiles.read(doc)));
    }

    @Test
    void knownMetricsAreTheCatalogsAndTheScrapes() {
        Path known = GeneratedFiles.root().resolve("prometheus/known-metrics.txt");
        GeneratedFiles.check(known, knownMetrics(GeneratedFiles.read(known)));
    }

    /** The document with each section's table, between its markers, written from the catalog. */
    static String metricsDoc(String doc) {
        Set<MetricCatalog.Section> sections = new LinkedHashSet<>();
        MetricCatalog.all().forEach(m -> sections.add(m.section()));
        for (MetricCatalog.Section section : sections) {
            String begin = DOC_BEGIN.formatted(section.id());
            String end = DOC_END.formatted(section.id());
            int a = doc.indexOf(begin);
            int b = doc.indexOf(end);
            assertTrue(a >= 0 && b > a, "docs/metrics.md has the markers of section " + section.id() + ": " + begin
                    + " and " + end);
            doc = doc.substring(0, a + begin.length()) + "\n" + table(section) + doc.substring(b);
        }
        return doc;
    }

    private static String table(MetricCatalog.Section section) {
        StringBuilder s = new StringBuilder("| metric | type | unit | labels | |\n|---|---|---|---|---|\n");
        for (Metric m : MetricCatalog.all()) {
            if (m.section() != section) {
                continue;
            }
            String type = switch (m.type()) {
                case COUNTER -> "counter";
                case DISTRIBUTION_SUMMARY -> "summary";
                default -> "gauge";
            };
            List<String> names = new ArrayList<>();
            m.prometheusNames().forEach(n -> names.add("`" + n + "`"));
            s.append("| ").append(String.join(", ", names)).append(" | ").append(type).append(" | ")
                    .append(m.unit()).append(" | ").append(String.join(", ", m.labels())).append(" | ")
                    .append(m.help().replace("|", "\\|")).append(" |\n");
        }
        return s.toString();
    }

    /** The catalog's series names, then the external names of the current file, kept as they are. */
    static String knownMetrics(String current) {
        Set<String> external = new TreeSet<>();
        for (String line : current.split("\n")) {
            String name = line.strip();
            if (!name.isEmpty() && !name.startsWith("#") && !name.startsWith("hashwatch_")) {
                external.add(name);
            }
        }
        StringBuilder s = new StringBuilder(KNOWN_HEADER.formatted(GeneratedFiles.REGENERATE));
        Set<String> ours = new TreeSet<>();
        MetricCatalog.all().forEach(m -> ours.addAll(m.prometheusNames()));
        ours.forEach(n -> s.append(n).append('\n'));
        s.append(EXTERNAL_HEADER);
        external.forEach(n -> s.append(n).append('\n'));
        return s.toString();
    }
}
