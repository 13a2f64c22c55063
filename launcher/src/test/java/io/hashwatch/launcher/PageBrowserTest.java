package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.HashwatchStreams;
import io.hashwatch.api.Api;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.config.StreamsSettings;
import io.hashwatch.http.HttpEndpoints;
import io.hashwatch.http.MetricsServer;
import io.hashwatch.model.AlertRecord;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.pools.PoolList;
import io.hashwatch.source.SourceHealth;
import io.hashwatch.source.price.PricePublisher;
import io.hashwatch.source.price.history.DailyBar;
import io.hashwatch.source.price.history.DailyHistory;
import io.hashwatch.source.price.history.PriceHistory;
import io.hashwatch.testing.SharedData;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The live page at {@code /} in Debian's chromium (through its chromedriver): a real broker, the production topology,
 * the API on the metrics server, real mainnet headers 586,657..589,289 with real coinbase tags and fee amounts, and
 * the real daily closes of two exchanges as reference prices. The figures the page shows equal the API's, a new
 * block shows without a reload, the page says it is disconnected while the server is down and comes back after,
 * nothing it loads leaves 127.0.0.1 and the console has no error. Screenshots at 1280x800 and 390x844 are written to
 * {@code target/page-screenshots/}. Skipped with a notice when chromium is not installed, unless CI=true.
 */
class PageBrowserTest {
    private static final String HEADERS = "mainnet_586657-589289.dfinity.bin";
    private static final long FIRST = 586_657;
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** After the last header (2019-08-14): 40 days of prices cover the blocks and the days before. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2019-08-20T12:00:00Z"), ZoneOffset.UTC);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();
    private String base;
    private final List<String> requested = new ArrayList<>();

    private static void requireChromium() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present) {
            String msg = "the page's browser test needs Debian's chromium and chromium-driver ("
                    + "apt-get install chromium chromium-driver)";
            if ("true".equals(System.getenv("CI"))) {
                fail(msg + ": CI requires them (.ci/run installs them)");
            }
            System.out.println("NOTICE: skipped: " + msg);
            Assumptions.abort(msg);
        }
    }

    @Test
    @Timeout(240)
    void thePageShowsTheApisFiguresLiveAndSurvivesARestart() throws Exception {
        requireChromium();
        Path headers = SharedData.requireHeaders(HEADERS);
        List<byte[]> raw = SharedData.readHeaders(headers);
        List<String> tags = new ArrayList<>();
        for (Map<String, String> row : SharedData.readCsv(SharedData.require("data/pools/coinbases.csv"))) {
            String script = row.get("scriptsig_hex");
            if (!row.get("stated_pool").isEmpty() && script.length() >= 4 && script.length() <= 200) {
                tags.add(script);
            }
        }
        List<Long> fees = new ArrayList<>();
        for (Map<String, String> row : SharedData.readCsv(SharedData.require("data/blocks/block_fees_points.csv"))) {
            fees.add(Long.parseLong(row.get("total_fees_sat")));
        }
        TreeMap<LocalDate, BigDecimal[]> bitstamp = csv(SharedData.require(
                "data/prices/btcusd_daily_2014-11-28_2022-08-20.bitstamp.csv"));
        TreeMap<LocalDate, BigDecimal[]> cmc = csv(SharedData.require(
                "data/prices/btcusd_daily_2013-05-01_2021-07-01.cmc_kaggle.csv"));

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SourceHealth replay = new SourceHealth(registry, "header-replay");
        int httpPort = EmbeddedKafka.freePort();
        InetSocketAddress at = new InetSocketAddress("127.0.0.1", httpPort);
        base = "http://127.0.0.1:" + httpPort;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("kafka"), EmbeddedKafka.freePort())) {
            String bootstrap = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicSetup.createAll(admin, 1, Optional.of((short) 1), Duration.ofSeconds(60));
            }
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            pp.put(ProducerConfig.ACKS_CONFIG, "all");
            MetricsServer server = null;
            ChromeDriver driver = null;
            try (HashwatchStreams streams = new HashwatchStreams(new StreamsSettings(bootstrap, "hashwatch",
                    tmp.resolve("streams"), 1, 100, StreamsLifecycle.embeddedDefaults(Map.of())),
                    EconomicsSettings.defaults(), registry);
                 PricePublisher prices = new PricePublisher(bootstrap, Map.of());
                 PriceHistory history = new PriceHistory(List.of(exchange("bitstamp", bitstamp),
                         exchange("coinbase", cmc)), CLOCK);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(),
                         new ByteArraySerializer())) {
                server = startServer(at, registry, streams, bootstrap);
                streams.start();
                // Prices once the app runs: ticks sent during its first rebalance were seen to stall its
                // transactions for about a minute (OUT_OF_ORDER_SEQUENCE_NUMBER on the prices repartition topic).
                waitFor("the streams app running", () -> streams.kafkaStreams().state()
                        == org.apache.kafka.streams.KafkaStreams.State.RUNNING);
                new PriceBootstrap(bootstrap, Map.of(), CLOCK).run(List.of("coinbase", "bitstamp"), 40, prices,
                        history);
                replay.up(true);
                long last = FIRST + raw.size() - 1;
                for (int i = 0; i < raw.size() - 1; i++) {
                    producer.send(new ProducerRecord<>(Topics.HEADERS.name(), "mainnet",
                            Json.write(header(FIRST + i, raw.get(i), tags, fees))));
                }
                // Alerts as the Alertmanager webhook writes them: one fired and resolved, one firing.
                for (AlertRecord a : List.of(
                        alert("firing", "SourceDown", "warning", "source kraken is down", "0001-01-01T00:00:00Z"),
                        alert("resolved", "SourceDown", "warning", "source kraken is down", "2019-08-14T05:20:00Z"),
                        alert("firing", "HashrateDrop", "warning", "7-day hashrate fell 20% below its 30-day mean",
                                "0001-01-01T00:00:00Z"))) {
                    producer.send(new ProducerRecord<>(Topics.ALERTS.name(), a.key(), Json.write(a)));
                }
                producer.flush();
                replay.message(System.currentTimeMillis());
                waitFor("the API's tip at " + (last - 1), () -> apiTip() == last - 1);
                // The economics and pools of the tip come from the event reader: wait until it has them.
                waitFor("the economics of the tip", () -> json("/api/v1/hashwatch/economics")
                        .path("economics").path("height").asLong() == last - 1
                        && json("/api/v1/hashwatch/pool-shares").path("pools").path("height").asLong() == last - 1
                        && json("/api/v1/hashwatch/alerts").path("alerts").size() == 3);

                driver = chromium();
                metrics(driver, 1280, 800, false);
                driver.get(base + "/");
                ChromeDriver d = driver;
                waitFor("the page at tip " + (last - 1), () -> String.valueOf(last - 1).equals(
                        attr(d, "body", "data-height")) && "live".equals(attr(d, "body", "data-connection")));
                screenshot(d, "page-1280x800.png");
                screenshotWhole(d, "page-1280-whole.png");

                // The figures equal the API's, formatted for people.
                assertEquals(NumberFormat.getIntegerInstance(Locale.US).format(last - 1), textOf(d, "tip-height"));
                JsonNode hr = json("/api/v1/hashwatch/hashrate").path("hashrate").get(0);
                assertEquals(ehs(hr.get("hashrate_7d_hps").asDouble()), textOf(d, "hr-7d"));
                assertEquals(hr.get("hashrate_7d_hps").asDouble(), value(d, "hr-7d"));
                JsonNode diff = json("/api/v1/hashwatch/difficulty").path("difficulty");
                assertEquals(diff.get("projected_change").asDouble(), value(d, "diff-change"));
                assertEquals(signedPercent(diff.get("projected_change").asDouble(), 2), textOf(d, "diff-change"));
                JsonNode econ = json("/api/v1/hashwatch/economics");
                double usd = econ.path("hashprice").get("hashprice_usd_per_ph_day").asDouble();
                assertEquals(usd, value(d, "hp-usd"));
                assertEquals(dollars(usd) + " per PH/s per day", textOf(d, "hp-usd"));
                assertTrue(econ.path("hashprice").path("price_usd").asDouble() > 10_000,
                        "August 2019 priced about $10,000: " + econ.path("hashprice"));
                var profile = econ.path("economics").path("profiles").fields().next();
                var gapCell = d.findElement(By.cssSelector("#profiles tr:first-child td:nth-child(3)"));
                assertEquals(profile.getKey(), d.findElement(By.cssSelector("#profiles tr:first-child th")).getText());
                assertEquals(profile.getValue().get("gap").asDouble(), Double.parseDouble(gapCell.getAttribute(
                        "data-value")));
                assertEquals(signedPercent(profile.getValue().get("gap").asDouble(), 1), gapCell.getText());
                JsonNode week = null;
                for (JsonNode w : json("/api/v1/hashwatch/pool-shares").path("pools").path("windows")) {
                    if (w.get("window_blocks").asInt() == 1008) {
                        week = w;
                    }
                }
                assertNotNull(week);
                assertEquals(week.get("top_share").asDouble(), value(d, "pool-top"));
                assertTrue(textOf(d, "pool-top").startsWith(percent(week.get("top_share").asDouble())),
                        textOf(d, "pool-top"));
                assertTrue(d.findElements(By.cssSelector("#pool-rows tr")).size() >= 3);
                // Each drought of the tip's windows is a row: blocks since the pool's last, its share, the odds.
                JsonNode droughts = json("/api/v1/hashwatch/pool-shares").path("pools").path("droughts");
                var droughtRows = d.findElements(By.cssSelector("#drought-rows tr"));
                assertTrue(droughts.size() >= 3, droughts.toString());
                assertEquals(droughts.size(), droughtRows.size());
                for (int i = 0; i < droughts.size(); i++) {
                    JsonNode dr = droughts.get(i);
                    var droughtCells = droughtRows.get(i).findElements(By.tagName("td"));
                    assertEquals(NumberFormat.getIntegerInstance(Locale.US).format(dr.get("blocks_since_last")
                            .asLong()), droughtCells.get(1).getText(), dr.toString());
                    assertEquals(percent(dr.get("share").asDouble()), droughtCells.get(2).getText(), dr.toString());
                    double odds = dr.get("probability").asDouble();
                    assertEquals(odds < 0.001 ? String.format(Locale.US, "%.1e", odds).replace("e-0", "e-")
                            : percent(odds), droughtCells.get(3).getText(), dr.toString());
                }
                JsonNode alerts = json("/api/v1/hashwatch/alerts").path("alerts");
                var alertRows = d.findElements(By.cssSelector("#alert-rows tr"));
                assertEquals(alerts.size(), alertRows.size());
                for (int i = 0; i < alerts.size(); i++) {
                    String rowText = alertRows.get(i).getText();
                    assertTrue(rowText.startsWith(alerts.get(i).get("status").asText() + " "
                            + alerts.get(i).get("alertname").asText()), rowText);
                }
                // Accessible: headings, captioned tables, charts with their latest value in words, keyboard first
                // stop on the skip link.
                assertEquals(List.of("Network", "Economics", "Pools", "Miner stress", "Alerts"), d.findElements(
                        By.cssSelector("main h2")).stream().map(e -> e.getText()).toList());
                for (var table : d.findElements(By.cssSelector("main table"))) {
                    assertTrue(!table.findElement(By.tagName("caption")).getText().isBlank());
                }
                assertEquals("img", d.findElement(By.cssSelector("#hr-chart svg")).getAttribute("role"));
                assertTrue(d.findElement(By.cssSelector("#hr-chart svg")).getAttribute("aria-label")
                        .contains("latest " + ehs(hr.get("hashrate_7d_hps").asDouble()).replace(' ', '\u00a0')));
                assertTrue(d.findElement(By.cssSelector("#hp-chart svg")).getAttribute("aria-label")
                        .contains("latest " + dollars(usd)));
                d.findElement(By.tagName("body")).sendKeys(org.openqa.selenium.Keys.TAB);
                assertEquals("Skip to the figures", d.switchTo().activeElement().getText());

                // A new block shows without a reload.
                d.executeScript("window.hashwatchLoadedOnce = true");
                producer.send(new ProducerRecord<>(Topics.HEADERS.name(), "mainnet",
                        Json.write(header(last, raw.get(raw.size() - 1), tags, fees))));
                producer.flush();
                waitFor("the new block on the page", () -> String.valueOf(last).equals(attr(d, "body",
                        "data-height")));
                assertEquals(Boolean.TRUE, d.executeScript("return window.hashwatchLoadedOnce === true"),
                        "the page was reloaded");
                assertEquals(NumberFormat.getIntegerInstance(Locale.US).format(last), textOf(d, "tip-height"));
                List<LogEntry> errors = consoleErrors(d);
                assertTrue(errors.isEmpty(), "console errors: " + errors);

                // A source goes down: the header says so in a banner, without an event or a reload.
                assertTrue(!d.findElement(By.id("banner")).isDisplayed());
                replay.up(false);
                waitFor("the source-down banner", () -> d.findElement(By.id("banner")).isDisplayed()
                        && textOf(d, "banner").contains("source header-replay is down"));
                replay.up(true);
                waitFor("the banner gone", () -> !d.findElement(By.id("banner")).isDisplayed());

                metrics(d, 390, 844, true);
                screenshot(d, "page-390x844.png");
                metrics(d, 1280, 800, false);

                // The server goes away: the page says so; it comes back: the page is live again, unreloaded.
                server.close();
                server = null;
                waitFor("the disconnected state", () -> "disconnected".equals(attr(d, "body", "data-connection"))
                        && textOf(d, "conn").startsWith("disconnected"));
                server = startServer(at, registry, streams, bootstrap);
                waitFor("the page live again", () -> "live".equals(attr(d, "body", "data-connection")));
                assertEquals(Boolean.TRUE, d.executeScript("return window.hashwatchLoadedOnce === true"));
                // While the server was down the browser logs the cut stream and the refused connections to it, and
                // nothing else.
                for (LogEntry e : consoleErrors(d)) {
                    assertTrue(e.getMessage().contains(base) && (e.getMessage().contains("ERR_CONNECTION_REFUSED")
                            || e.getMessage().contains("ERR_INCOMPLETE_CHUNKED_ENCODING")), "console error: " + e);
                }
                List<String> outside = requestsLeaving(d);
                assertTrue(outside.isEmpty(), "requests that left 127.0.0.1: " + outside);
                assertTrue(requested.stream().anyMatch(u -> u.startsWith(base + "/api/v1/events")), "" + requested);
            } finally {
                if (driver != null) {
                    driver.quit();
                }
                if (server != null) {
                    server.close();
                }
            }
        }
    }

    private static MetricsServer startServer(InetSocketAddress at, PrometheusMeterRegistry registry,
                                             HashwatchStreams streams, String bootstrap) throws IOException {
        Api api = new Api(null, PoolList.bundled(), EconomicsSettings.defaults(), registry);
        MetricsServer server = new MetricsServer(at, registry, HttpEndpoints.Settings.DEFAULTS, api);
        api.attach(streams.kafkaStreams());
        api.startEvents(Map.of("bootstrap.servers", bootstrap));
        return server;
    }

    private static AlertRecord alert(String status, String name, String severity, String summary, String endsAt) {
        return new AlertRecord(status, name.toLowerCase(Locale.ROOT), name, severity, Map.of("alertname", name),
                Map.of("summary", summary), "2019-08-14T05:00:00Z", endsAt, "", "hashwatch", 1565758800000L);
    }

    /** Every seventh block without coinbase (unattributed), every block with real fees of another block. */
    private static HeaderRecord header(long height, byte[] raw, List<String> tags, List<Long> fees) {
        int i = (int) (height - FIRST);
        String script = i % 7 == 3 ? null : tags.get((int) (height * 31 % tags.size()));
        return new HeaderRecord("mainnet", height, java.util.HexFormat.of().formatHex(raw),
                fees.get(i % fees.size()), 1000 + i % 900, "page-it", null, null, null, script, null);
    }

    private ChromeDriver chromium() {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        // Root in CI needs --no-sandbox; nothing in the background may reach out (updates, sync, safe browsing).
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-default-apps", "--lang=en-US",
                "--window-size=1280,800");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        logs.enable(LogType.PERFORMANCE, java.util.logging.Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        // Debian's chromedriver, given: Selenium Manager has nothing to find or download.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        return new ChromeDriver(service, o);
    }

    private static void metrics(ChromeDriver d, int width, int height, boolean mobile) {
        d.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", mobile));
    }

    private static void screenshot(ChromeDriver d, String name) throws IOException, InterruptedException {
        Thread.sleep(300); // let a layout change paint; what is checked never depends on it
        Path dir = Path.of("target", "page-screenshots");
        Files.createDirectories(dir);
        @SuppressWarnings("unchecked")
        Map<String, Object> shot = d.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png"));
        Files.write(dir.resolve(name), Base64.getDecoder().decode((String) shot.get("data")));
        System.out.println("page screenshot: " + dir.resolve(name).toAbsolutePath());
        assertNotNull(d.getScreenshotAs(OutputType.BYTES));
    }

    /** The whole page at 1280 wide, beyond the viewport: for a person to look at, nothing checked on it. */
    private static void screenshotWhole(ChromeDriver d, String name) throws IOException {
        Number height = (Number) d.executeScript("return document.documentElement.scrollHeight");
        @SuppressWarnings("unchecked")
        Map<String, Object> shot = d.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0, "width", 1280,
                        "height", height.intValue(), "scale", 1)));
        Path dir = Path.of("target", "page-screenshots");
        Files.write(dir.resolve(name), Base64.getDecoder().decode((String) shot.get("data")));
    }

    private static List<LogEntry> consoleErrors(ChromeDriver d) {
        List<LogEntry> out = new ArrayList<>();
        for (LogEntry e : d.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                out.add(e);
            }
        }
        return out;
    }

    /** The URLs of every request the page made (from chromium's network events) that are not this server's. */
    private List<String> requestsLeaving(ChromeDriver d) {
        List<String> outside = new ArrayList<>();
        for (LogEntry e : d.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode m;
            try {
                m = Json.MAPPER.readTree(e.getMessage()).path("message");
            } catch (IOException ex) {
                continue;
            }
            if (m.path("method").asText().equals("Network.requestWillBeSent")) {
                String url = m.path("params").path("request").path("url").asText();
                requested.add(url);
                if (!url.startsWith("http://127.0.0.1:") && !url.startsWith("data:")) {
                    outside.add(url);
                }
            }
        }
        return outside;
    }

    private static String attr(ChromeDriver d, String css, String name) {
        return d.findElement(By.cssSelector(css)).getAttribute(name);
    }

    private static String textOf(ChromeDriver d, String id) {
        return d.findElement(By.id(id)).getText().replace('\u00a0', ' ');
    }

    private static double value(ChromeDriver d, String id) {
        return Double.parseDouble(d.findElement(By.id(id)).getAttribute("data-value"));
    }

    /** EH/s with three significant digits, as a person reads it. */
    static String ehs(double hps) {
        return new BigDecimal(hps / 1e18).round(new MathContext(3)).stripTrailingZeros().toPlainString() + " EH/s";
    }

    static String dollars(double v) {
        NumberFormat f = NumberFormat.getCurrencyInstance(Locale.US);
        f.setMinimumFractionDigits(2);
        f.setMaximumFractionDigits(2);
        return f.format(v);
    }

    static String signedPercent(double ratio, int digits) {
        String s = String.format(Locale.US, "%,." + digits + "f%%", Math.abs(ratio) * 100);
        return (ratio > 0 ? "+" : ratio < 0 ? "-" : "") + s;
    }

    static String percent(double ratio) {
        return String.format(Locale.US, "%,.1f%%", ratio * 100);
    }

    private long apiTip() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/blocks/tip/height"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Long.parseLong(r.body().trim()) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private JsonNode json(String path) {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            return Json.MAPPER.missingNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Json.MAPPER.missingNode();
        }
    }

    private static void waitFor(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("no " + what + " after " + WAIT.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    /** date,open,high,low,close,... of a daily CSV, as the exchange would serve it. */
    private static TreeMap<LocalDate, BigDecimal[]> csv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        TreeMap<LocalDate, BigDecimal[]> days = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            days.put(LocalDate.parse(f[0]), new BigDecimal[] {new BigDecimal(f[1]), new BigDecimal(f[2]),
                    new BigDecimal(f[3]), new BigDecimal(f[4])});
        }
        return days;
    }

    private static DailyHistory exchange(String id, TreeMap<LocalDate, BigDecimal[]> days) {
        return new DailyHistory() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public List<DailyBar> fetch(LocalDate from, LocalDate to) {
                return days.subMap(from, true, to, true).entrySet().stream().map(e -> new DailyBar(e.getKey(),
                        e.getValue()[0], e.getValue()[1], e.getValue()[2], e.getValue()[3])).toList();
            }
        };
    }
}
