package io.hashwatch.dashboards;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hashwatch.metrics.MetricCatalog.Metric;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small Grafana dashboard model: a panel is its type, title, size, queries, unit and what differs from its type's
 * defaults; the generator lays the panels out (left to right, each as high as the columns under it allow, as
 * Grafana's gravity does), numbers them, and writes the JSON that grafana/dashboards/ holds
 * ({@code DashboardsGeneratedTest}).
 */
public final class Grafana {
    /** The uid of the provisioned Prometheus datasource (grafana/provisioning/datasources). */
    static final String DATASOURCE_UID = "prometheus";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.ALLOW_SINGLE_QUOTES);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Grafana() {
    }

    /** A JSON value written with single quotes (so that it reads in a Java string). */
    public static JsonNode json(String singleQuoted) {
        try {
            return MAPPER.readTree(singleQuoted);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + singleQuoted, e);
        }
    }

    static ObjectNode datasource() {
        return NODES.objectNode().put("type", "prometheus").put("uid", DATASOURCE_UID);
    }

    /** The JSON text: two-space indent, one element a line, as the files were written by hand. */
    static String write(JsonNode node) {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("").withArrayEmptySeparator(""))
                .withObjectIndenter(indenter).withArrayIndenter(indenter);
        try {
            return MAPPER.writer(printer).writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets a value at a dotted path under {@code node}, creating objects on the way; null removes it. */
    static void set(ObjectNode node, String path, Object value) {
        String[] keys = path.split("\\.");
        ObjectNode at = node;
        for (int i = 0; i < keys.length - 1; i++) {
            at = at.has(keys[i]) ? (ObjectNode) at.get(keys[i]) : at.putObject(keys[i]);
        }
        String key = keys[keys.length - 1];
        if (value == null) {
            at.remove(key);
        } else {
            at.set(key, MAPPER.valueToTree(value));
        }
    }

    // ------------------------------------------------------------------------------------------------ panels

    public static Panel stat(String title, int w, int h) {
        return new Panel("stat", title, w, h);
    }

    public static Panel timeseries(String title, int w, int h) {
        return new Panel("timeseries", title, w, h);
    }

    public static Panel table(String title, int w, int h) {
        return new Panel("table", title, w, h);
    }

    /** A state timeline whose values are named by {@code mappings} (value to text and color). */
    public static Panel stateTimeline(String title, int w, int h) {
        return new Panel("state-timeline", title, w, h);
    }

    /** A panel: what it shows and how; the layout and ids are the dashboard's. */
    public static final class Panel {
        final String type;
        final String title;
        final int w;
        final int h;
        private String description;
        private final List<ObjectNode> targets = new ArrayList<>();
        private final ObjectNode options;
        private final ObjectNode defaults;
        private final ArrayNode overrides = NODES.arrayNode();
        private JsonNode transformations;

        private Panel(String type, String title, int w, int h) {
            this.type = type;
            this.title = title;
            this.w = w;
            this.h = h;
            switch (type) {
                case "stat" -> {
                    options = (ObjectNode) json("{'reduceOptions': {'calcs': ['lastNotNull'], 'fields': '',"
                            + " 'values': false}, 'colorMode': 'value', 'graphMode': 'none', 'textMode': 'auto',"
                            + " 'justifyMode': 'auto', 'orientation': 'auto', 'wideLayout': true,"
                            + " 'showPercentChange': false}");
                    defaults = (ObjectNode) json("{'color': {'mode': 'thresholds'}, 'thresholds': {'mode':"
                            + " 'absolute', 'steps': [{'color': 'blue', 'value': null}]}}");
                }
                case "timeseries" -> {
                    options = (ObjectNode) json("{'legend': {'calcs': [], 'displayMode': 'list', 'placement':"
                            + " 'bottom', 'showLegend': true}, 'tooltip': {'mode': 'multi', 'sort': 'none'}}");
                    defaults = (ObjectNode) json("{'color': {'mode': 'palette-classic'}, 'custom': {'drawStyle':"
                            + " 'line', 'lineInterpolation': 'stepAfter', 'lineWidth': 1, 'fillOpacity': 0,"
                            + " 'pointSize': 4, 'showPoints': 'never', 'spanNulls': false, 'axisPlacement': 'auto',"
                            + " 'stacking': {'mode': 'none', 'group': 'A'}}}");
                }
                case "table" -> {
                    options = (ObjectNode) json("{'showHeader': true, 'cellHeight': 'sm', 'footer': {'show': false,"
                            + " 'reducer': ['sum'], 'fields': ''}}");
                    defaults = (ObjectNode) json("{'custom': {'align': 'auto'}}");
                }
                case "state-timeline" -> {
                    options = (ObjectNode) json("{'showValue': 'auto', 'mergeValues': true, 'rowHeight': 0.9,"
                            + " 'alignValue': 'left', 'legend': {'displayMode': 'list', 'placement': 'bottom',"
                            + " 'showLegend': true}, 'tooltip': {'mode': 'single', 'sort': 'none'}}");
                    defaults = (ObjectNode) json("{'color': {'mode': 'thresholds'}, 'thresholds': {'mode':"
                            + " 'absolute', 'steps': [{'color': 'green', 'value': null}]}, 'custom':"
                            + " {'fillOpacity': 70, 'lineWidth': 0}}");
                }
                default -> throw new IllegalArgumentException("no panel type " + type);
            }
        }

        public Panel description(String text) {
            description = text;
            return this;
        }

        /** A query over the dashboard's time range. */
        public Panel query(String expr, String legend) {
            return target(expr, legend, false, null);
        }

        /** A query of the latest value only. */
        public Panel instant(String expr, String legend) {
            return target(expr, legend, true, null);
        }

        /** A query of the latest values as a table's rows (refIds A, B, ... name the columns "Value #A", ...). */
        public Panel tableQuery(String expr, String legend) {
            return target(expr, legend, true, "table");
        }

        private Panel target(String expr, String legend, boolean instant, String format) {
            ObjectNode t = NODES.objectNode();
            t.put("refId", String.valueOf((char) ('A' + targets.size())));
            t.set("datasource", datasource());
            t.put("editorMode", "code");
            t.put("expr", expr);
            t.put("instant", instant);
            t.put("range", !instant);
            t.put("legendFormat", legend);
            if (format != null) {
                t.put("format", format);
            }
            targets.add(t);
            return this;
        }

        /** Grafana's unit id (e.g. {@code s}, {@code percentunit}, {@code currencyUSD}, {@code none}). */
        public Panel unit(String unit) {
            return defaults("unit", unit);
        }

        public Panel decimals(int decimals) {
            return defaults("decimals", decimals);
        }

        public Panel min(double min) {
            return defaults("min", min == Math.rint(min) ? (Object) (long) min : min);
        }

        /** What a stat shows when the query has no value. */
        public Panel noValue(String text) {
            return defaults("noValue", text);
        }

        /** Absolute thresholds: the base color, then each step's value and color. */
        public Panel thresholds(String base, Object... valueThenColor) {
            ArrayNode steps = NODES.arrayNode();
            steps.addObject().put("color", base).putNull("value");
            for (int i = 0; i < valueThenColor.length; i += 2) {
                ObjectNode step = steps.addObject().put("color", (String) valueThenColor[i + 1]);
                step.set("value", MAPPER.valueToTree(valueThenColor[i]));
            }
            ObjectNode thresholds = NODES.objectNode().put("mode", "absolute");
            thresholds.set("steps", steps);
            defaults.set("thresholds", thresholds);
            return this;
        }

        /** Each value's name and color, as triples: value, text, color (a value mapping, listed in this order). */
        public Panel states(String... valueTextColor) {
            ObjectNode options = NODES.objectNode();
            for (int i = 0; i < valueTextColor.length; i += 3) {
                options.putObject(valueTextColor[i]).put("text", valueTextColor[i + 1])
                        .put("color", valueTextColor[i + 2]).put("index", i / 3);
            }
            ArrayNode mappings = defaults.putArray("mappings");
            mappings.addObject().put("type", "value").set("options", options);
            return this;
        }

        /** Value or range mappings (Grafana's {@code fieldConfig.defaults.mappings}). */
        public Panel mappings(String singleQuotedJson) {
            defaults.set("mappings", json(singleQuotedJson));
            return this;
        }

        /**
         * A time series drawn as straight lines joined across gaps (the default draws steps and leaves gaps), with
         * its thresholds drawn as {@code thresholdsStyle} ({@code off}, {@code line}, {@code area}).
         */
        public Panel joined(String thresholdsStyle) {
            ObjectNode custom = (ObjectNode) json("{'drawStyle': 'line', 'lineWidth': 1, 'fillOpacity': 0,"
                    + " 'showPoints': 'never', 'spanNulls': true}");
            custom.putObject("thresholdsStyle").put("mode", thresholdsStyle);
            defaults.set("custom", custom);
            return this;
        }

        /** The legend as a table on the right with each series' last value, the tooltip sorted. */
        public Panel legendTable() {
            return option("legend", json("{'calcs': ['lastNotNull'], 'displayMode': 'table', 'placement':"
                    + " 'right', 'showLegend': true}")).option("tooltip.sort", "desc");
        }

        /** A value under {@code options} (dotted path; null removes it). */
        public Panel option(String path, Object value) {
            set(options, path, value);
            return this;
        }

        /** A value under {@code fieldConfig.defaults.custom} (dotted path; null removes it). */
        public Panel custom(String path, Object value) {
            set(defaults, "custom." + path, value);
            return this;
        }

        /** A value under {@code fieldConfig.defaults} (dotted path; null removes it). */
        public Panel defaults(String path, Object value) {
            set(defaults, path, value);
            return this;
        }

        /** Properties of the series named {@code name} (displayName or legend). */
        public Panel override(String name, Property... properties) {
            return override("byName", name, properties);
        }

        /** Properties of the series whose name matches {@code regex}. */
        public Panel overrideMatching(String regex, Property... properties) {
            return override("byRegexp", regex, properties);
        }

        private Panel override(String matcher, String name, Property... properties) {
            ObjectNode o = overrides.addObject();
            o.putObject("matcher").put("id", matcher).put("options", name);
            ArrayNode props = o.putArray("properties");
            for (Property p : properties) {
                props.addObject().put("id", p.id()).set("value", p.value());
            }
            return this;
        }

        /** Grafana transformations, e.g. a table's merge and column names. */
        public Panel transformations(String singleQuotedJson) {
            transformations = json(singleQuotedJson);
            return this;
        }

        List<String> expressions() {
            return targets.stream().map(t -> t.get("expr").asText()).toList();
        }

        ObjectNode render(int id, int x, int y) {
            ObjectNode p = NODES.objectNode();
            p.put("id", id);
            p.put("type", type);
            p.put("title", title);
            if (description != null) {
                p.put("description", description);
            }
            p.set("datasource", datasource());
            p.set("gridPos", gridPos(x, y, w, h));
            ArrayNode ts = p.putArray("targets");
            targets.forEach(ts::add);
            p.set("options", options);
            ObjectNode fieldConfig = p.putObject("fieldConfig");
            fieldConfig.set("defaults", defaults);
            fieldConfig.set("overrides", overrides);
            if (transformations != null) {
                p.set("transformations", transformations);
            }
            return p;
        }
    }

    static ObjectNode gridPos(int x, int y, int w, int h) {
        return NODES.objectNode().put("h", h).put("w", w).put("x", x).put("y", y);
    }

    /** An override's property: Grafana's field config id and its value. */
    public record Property(String id, JsonNode value) {
    }

    public static Property prop(String id, Object value) {
        return new Property(id, MAPPER.valueToTree(value));
    }

    /** A dashed line (a bound, a forecast). */
    public static Property dashed() {
        return new Property("custom.lineStyle", json("{'fill': 'dash', 'dash': [10, 10]}"));
    }

    public static Property color(String fixed) {
        return new Property("color", json("{'mode': 'fixed', 'fixedColor': '" + fixed + "'}"));
    }

    public static Property lineWidth(int width) {
        return prop("custom.lineWidth", width);
    }

    /** The series on a second axis, on the right. */
    public static Property axisRight() {
        return prop("custom.axisPlacement", "right");
    }

    public static Property unit(String unit) {
        return prop("unit", unit);
    }

    /** Drawn, and in the tooltip, but not in the legend (a band's bound). */
    public static Property hiddenFromLegend() {
        return new Property("custom.hideFrom", json("{'legend': true, 'tooltip': false, 'viz': false}"));
    }

    /** The area between this series and the series named {@code other} filled (a band). */
    public static Property fillBelowTo(String other) {
        return prop("custom.fillBelowTo", other);
    }

    public static Property fillOpacity(int percent) {
        return prop("custom.fillOpacity", percent);
    }

    // ------------------------------------------------------------------------------------------------ dashboards

    /** A dashboard: its fixed uid, title, variables, annotations and panels in order, rows between them. */
    public static final class Dashboard {
        final String uid;
        private final String title;
        private final String description;
        private List<String> tags = List.of("hashwatch");
        private String from = "now-7d";
        private boolean links = true;
        private final List<ObjectNode> variables = new ArrayList<>();
        private final List<ObjectNode> annotations = new ArrayList<>();
        private final List<Object> items = new ArrayList<>(); // Panel, or a row's title

        public Dashboard(String uid, String title, String description) {
            this.uid = uid;
            this.title = title;
            this.description = description;
        }

        public Dashboard tags(String... tags) {
            this.tags = Arrays.asList(tags);
            return this;
        }

        /** The default time range: from {@code from} to now. */
        public Dashboard from(String from) {
            this.from = from;
            return this;
        }

        /** No drop-down of the other hashwatch dashboards. */
        public Dashboard withoutLinks() {
            links = false;
            return this;
        }

        /** A variable of one value: the values of {@code label} on {@code metric}'s series. */
        public Dashboard variable(String name, String label, Metric metric, String labelName, String current) {
            ObjectNode v = variable(name, label, metric, labelName, false);
            v.putObject("current").put("selected", true).put("text", current).put("value", current);
            return this;
        }

        /** A variable of any number of values, all by default. */
        public Dashboard multiVariable(String name, String label, Metric metric, String labelName) {
            ObjectNode v = variable(name, label, metric, labelName, true);
            v.put("allValue", ".+");
            ObjectNode current = v.putObject("current").put("selected", true);
            current.putArray("text").add("All");
            current.putArray("value").add("$__all");
            return this;
        }

        private ObjectNode variable(String name, String label, Metric metric, String labelName, boolean multi) {
            if (!metric.labels().contains(labelName)) {
                throw new IllegalArgumentException(metric.name() + " has no label " + labelName);
            }
            String query = "label_values(" + metric.prometheusNames().get(0) + ", " + labelName + ")";
            ObjectNode v = NODES.objectNode().put("name", name).put("label", label).put("type", "query");
            v.set("datasource", datasource());
            v.put("definition", query);
            v.putObject("query").put("query", query).put("refId", "PrometheusVariableQueryEditor-VariableQuery");
            v.put("refresh", 2).put("sort", 1).put("multi", multi).put("includeAll", multi).put("hide", 0)
                    .put("regex", "");
            v.putArray("options");
            variables.add(v);
            return v;
        }

        /** Grafana's built-in annotations and alerts. */
        public Dashboard builtInAnnotations() {
            annotations.add((ObjectNode) json("{'builtIn': 1, 'datasource': {'type': 'grafana', 'uid':"
                    + " '-- Grafana --'}, 'enable': true, 'hide': true, 'iconColor': 'rgba(0, 211, 255, 1)',"
                    + " 'name': 'Annotations & Alerts', 'type': 'dashboard'}"));
            return this;
        }

        /** An annotation at each time {@code expr} has a value. */
        public Dashboard annotation(String name, String expr, String step, String titleFormat, String tagKeys,
                String textFormat, String color) {
            ObjectNode a = NODES.objectNode().put("name", name);
            a.set("datasource", datasource());
            a.put("enable", true).put("hide", false).put("iconColor", color).put("expr", expr).put("step", step)
                    .put("titleFormat", titleFormat).put("tagKeys", tagKeys).put("textFormat", textFormat)
                    .put("useValueForTime", false);
            annotations.add(a);
            return this;
        }

        /** A row header: the panels after it, up to the next, are its section. */
        public Dashboard row(String title) {
            items.add(title);
            return this;
        }

        public Dashboard panel(Panel panel) {
            items.add(panel);
            return this;
        }

        /** Every PromQL expression: panels' queries, annotations, variables' metrics. */
        List<String> expressions() {
            List<String> exprs = new ArrayList<>();
            for (Object item : items) {
                if (item instanceof Panel p) {
                    exprs.addAll(p.expressions());
                }
            }
            annotations.stream().filter(a -> a.has("expr")).forEach(a -> exprs.add(a.get("expr").asText()));
            return exprs;
        }

        ObjectNode render() {
            ObjectNode d = NODES.objectNode();
            d.put("uid", uid).put("title", title).put("description", description);
            ArrayNode t = d.putArray("tags");
            tags.forEach(t::add);
            d.put("editable", true).put("graphTooltip", 1).put("schemaVersion", 39).put("version", 1)
                    .put("timezone", "utc").put("refresh", "1m");
            d.putObject("time").put("from", from).put("to", "now");
            d.put("fiscalYearStartMonth", 0).put("liveNow", false).put("weekStart", "");
            ArrayNode l = d.putArray("links");
            if (links) {
                l.add(json("{'title': 'hashwatch dashboards', 'type': 'dashboards', 'tags': ['hashwatch'],"
                        + " 'asDropdown': true, 'includeVars': true, 'keepTime': true, 'icon': 'external link',"
                        + " 'targetBlank': false, 'tooltip': '', 'url': ''}"));
            }
            variables.forEach(d.putObject("templating").putArray("list")::add);
            annotations.forEach(d.putObject("annotations").putArray("list")::add);
            ArrayNode panels = d.putArray("panels");
            // Grafana's gravity: each panel goes right of the last one (or back to the left edge when it does not
            // fit), as high as the columns under it are free; a row starts below everything above it.
            int[] top = new int[24];
            int cursor = 0;
            int id = 0;
            for (Object item : items) {
                id++;
                if (item instanceof String rowTitle) {
                    int y = Arrays.stream(top).max().orElse(0);
                    ObjectNode row = panels.addObject().put("id", id).put("type", "row").put("title", rowTitle)
                            .put("collapsed", false);
                    row.set("gridPos", gridPos(0, y, 24, 1));
                    row.putArray("panels");
                    Arrays.fill(top, y + 1);
                    cursor = 0;
                    continue;
                }
                Panel p = (Panel) item;
                if (p.w > 24) {
                    throw new IllegalArgumentException(p.title + " is wider than the dashboard (24)");
                }
                if (cursor + p.w > 24) {
                    cursor = 0;
                }
                int y = 0;
                for (int c = cursor; c < cursor + p.w; c++) {
                    y = Math.max(y, top[c]);
                }
                panels.add(p.render(id, cursor, y));
                for (int c = cursor; c < cursor + p.w; c++) {
                    top[c] = y + p.h;
                }
                cursor += p.w;
            }
            return d;
        }
    }
}
