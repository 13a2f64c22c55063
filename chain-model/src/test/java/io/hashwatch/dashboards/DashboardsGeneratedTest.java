package io.hashwatch.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.dashboards.Grafana.Dashboard;
import io.hashwatch.metrics.GeneratedFiles;
import io.hashwatch.metrics.MetricCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * grafana/dashboards/*.json are generated from the panel definitions of this package: a stale file fails here with
 * the command that regenerates it ({@link GeneratedFiles#REGENERATE}), and so does a query naming a metric that
 * nothing serves: neither {@link MetricCatalog}, nor a recording rule of prometheus/rules, nor the Kafka, JVM and
 * process names of prometheus/known-metrics.txt, nor Prometheus itself.
 */
class DashboardsGeneratedTest {
    /** Every dashboard, by the file it is written to (grafana/provisioning loads the folder). */
    static Map<String, Dashboard> dashboards() {
        Map<String, Dashboard> all = new LinkedHashMap<>();
        all.put(NetworkDashboard.FILE, NetworkDashboard.dashboard());
        all.put(EconomicsDashboard.FILE, EconomicsDashboard.dashboard());
        all.put(PipelineDashboard.FILE, PipelineDashboard.dashboard());
        all.put(PoolsDashboard.FILE, PoolsDashboard.dashboard());
        all.put(MinerStressDashboard.FILE, MinerStressDashboard.dashboard());
        return all;
    }

    private static final Set<String> PROMETHEUS_BUILTIN = Set.of("up", "scrape_duration_seconds",
            "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added", "ALERTS",
            "ALERTS_FOR_STATE");
    private static final Set<String> PROMQL_KEYWORDS = Set.of("and", "or", "unless", "bool", "by", "without", "on",
            "ignoring", "group_left", "group_right", "offset", "inf", "nan", "atan2");

    @Test
    void dashboardsAreGeneratedFromTheirDefinitions() {
        Path dir = GeneratedFiles.root().resolve("grafana/dashboards");
        Map<String, Dashboard> dashboards = dashboards();
        Set<String> uids = new HashSet<>();
        for (Map.Entry<String, Dashboard> e : dashboards.entrySet()) {
            assertTrue(uids.add(e.getValue().uid), "uid " + e.getValue().uid + " is unique");
            GeneratedFiles.check(dir.resolve(e.getKey()), Grafana.write(e.getValue().render()));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(new TreeSet<>(dashboards.keySet()),
                    new TreeSet<>(files.map(f -> f.getFileName().toString()).toList()),
                    "grafana/dashboards holds the generated dashboards only");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyQueryNamesServedMetricsOnly() {
        Set<String> known = knownNames();
        List<String> unknown = new ArrayList<>();
        int queries = 0;
        for (Map.Entry<String, Dashboard> e : dashboards().entrySet()) {
            for (String expr : e.getValue().expressions()) {
                queries++;
                for (String name : metricNames(expr)) {
                    if (!known.contains(name)) {
                        unknown.add(e.getKey() + ": " + name + " in " + expr);
                    }
                }
            }
        }
        assertTrue(queries > 100, queries + " queries");
        assertEquals(List.of(), unknown, "metrics no catalog entry, recording rule or scrape serves");
    }

    @Test
    void metricNamesAreReadOutOfExpressions() {
        assertEquals(Set.of("hashwatch_tip_height", "network:hashwatch_tip_height:delta1h"),
                metricNames("max by (network) (hashwatch_tip_height{network=\"$network\"}) - ignoring(x)"
                        + " network:hashwatch_tip_height:delta1h offset 1h > bool 0.5e3"));
        assertEquals(Set.of("kafka_consumer_fetch_manager_records_lag"),
                metricNames("sum(rate(kafka_consumer_fetch_manager_records_lag{topic=~\"a|b\"}[$__rate_interval]))"));
    }

    /** The names an expression selects: functions, keywords, label matchers, ranges and numbers left out. */
    static Set<String> metricNames(String expr) {
        String e = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^\\]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\boffset\\s+-?[0-9a-z]+", " ")
                .replaceAll("(?<![A-Za-z0-9_:])[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*").matcher(e);
        while (m.find()) {
            String word = m.group();
            if (e.substring(m.end()).stripLeading().startsWith("(") || PROMQL_KEYWORDS.contains(word.toLowerCase())) {
                continue;
            }
            names.add(word);
        }
        return names;
    }

    /** The catalog's series, the rules' recordings, the scraped Kafka/JVM/process names, Prometheus' own. */
    private static Set<String> knownNames() {
        Set<String> known = new HashSet<>(PROMETHEUS_BUILTIN);
        MetricCatalog.all().forEach(m -> known.addAll(m.prometheusNames()));
        Path root = GeneratedFiles.root();
        GeneratedFiles.read(root.resolve("prometheus/known-metrics.txt")).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith("hashwatch_")).forEach(known::add);
        Pattern record = Pattern.compile("^\\s*-?\\s*record:\\s*(\\S+)", Pattern.MULTILINE);
        try (Stream<Path> rules = Files.list(root.resolve("prometheus/rules"))) {
            for (Path f : rules.filter(f -> f.toString().endsWith(".yml") && !f.toString().endsWith("_test.yml"))
                    .toList()) {
                Matcher m = record.matcher(GeneratedFiles.read(f));
                while (m.find()) {
                    known.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return known;
    }
}
