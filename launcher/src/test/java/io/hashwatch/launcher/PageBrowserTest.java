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
import io.hashwatch.metrics.MetricCatalog;
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
 * {@code target/page-screenshots/}. A second test has {@code run} itself replay the headers and prices, stopped and
 * started again under the open page. Skipped with a notice when chromium is not installed, unless CI=true.
 */
class PageBrowserTest {
    private static final String HEADERS = "mainnet_586657-589289.dfinity.bin";
    private static final long FIRST = 586_657;
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** After the last header (2019-08-14): 40 days of prices cover the blocks and the days before. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2019-08-20T12:00:00Z"), ZoneOffset.UTC);
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Blocks published before any price. */
    private static final int UNPRICED = 200;

    /**
     * Every visible text's WCAG contrast ratio against the first opaque background behind it: the texts below 4.5:1
     * (3:1 for large text), as "element 'text' ratio".
     */
    private static final String CONTRAST = """
            const rgb = (c) => { const m = c.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
            const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
              return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
            const background = (el) => { for (let e = el; e; e = e.parentElement) {
              const c = rgb(getComputedStyle(e).backgroundColor); if (c[3] > 0) return c; } return [255, 255, 255, 1]; };
            const out = [];
            for (const el of document.querySelectorAll('body *')) {
              const own = [...el.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim()).map((n) => n.textContent.trim()).join(' ');
              if (!own || !el.getClientRects().length || el.closest('[hidden]')) continue;
              const r = el.getBoundingClientRect();
              if (r.right + scrollX < 0 || r.bottom + scrollY < 0) continue; // off the page (the skip link)
              const st = getComputedStyle(el);
              const bg = background(el);
              let fg = rgb(el instanceof SVGElement ? st.fill : st.color);
              fg = [0, 1, 2].map((i) => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
              const [a, b] = [lum(fg), lum(bg)];
              const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
              const size = parseFloat(st.fontSize), bold = Number(st.fontWeight) >= 700;
              const large = size >= 24 || (bold && size >= 18.66);
              if (ratio < (large ? 3 : 4.5)) out.push(el.tagName.toLowerCase() + '.' + (el.getAttribute('class') || '') + " '" + own.slice(0, 40) + "' " + ratio.toFixed(2));
            }
            return out;""";

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
                replay.up(true);
                long last = FIRST + raw.size() - 1;
                // The first blocks before any price: the page says "no price yet" rather than $0 or NaN.
                for (int i = 0; i < UNPRICED; i++) {
                    producer.send(new ProducerRecord<>(Topics.HEADERS.name(), "mainnet",
                            Json.write(header(FIRST + i, raw.get(i), tags, fees))));
                }
                producer.flush();
                replay.message(System.currentTimeMillis());
                long unpricedTip = FIRST + UNPRICED - 1;
                waitFor("the API's tip at " + unpricedTip, () -> apiTip() == unpricedTip && json(
                        "/api/v1/hashwatch/economics").path("economics").path("height").asLong() == unpricedTip);
                driver = chromium();
                metrics(driver, 1280, 800, false);
                // A network not watched has no section: asked for testnet4, the page shows the watched mainnet and
                // offers no other.
                driver.get(base + "/?network=testnet4");
                ChromeDriver d = driver;
                waitFor("the page at tip " + unpricedTip, () -> String.valueOf(unpricedTip).equals(
                        attr(d, "body", "data-height")) && "live".equals(attr(d, "body", "data-connection")));
                assertEquals("mainnet", attr(d, "body", "data-network"));
                assertEquals("mainnet", textOf(d, "networks"));
                assertTrue(!d.findElement(By.tagName("body")).getText().contains("testnet4"));
                // The status says where the history held starts, so the page asks for no range outside it (a 400
                // would be a console error).
                assertEquals(FIRST, json("/api/v1/hashwatch/status").path("networks").path("mainnet")
                        .path("first_height").asLong());
                JsonNode unpriced = json("/api/v1/hashwatch/economics");
                assertTrue(unpriced.path("hashprice").path("price_usd").isNull(), "" + unpriced.path("hashprice"));
                assertEquals("no price yet", textOf(d, "hp-usd"));
                assertEquals("no price yet", textOf(d, "price"));
                assertEquals(Double.parseDouble(unpriced.path("hashprice").get("hashprice_btc_per_ph_day").asText()),
                        value(d, "hp-btc"));
                assertEquals("No reference price from any exchange yet.", textOf(d, "price-exchanges"));
                assertEquals("Hashprice in USD by day: no price yet.", textOf(d, "hp-caption"));
                for (var gap : d.findElements(By.cssSelector("#profiles td:nth-child(3)"))) {
                    assertEquals("no price yet", gap.getText());
                }
                assertTrue(!d.findElements(By.cssSelector("#profiles tr")).isEmpty());
                String unpricedText = d.findElement(By.tagName("body")).getText();
                for (String bad : List.of("NaN", "$0 ", "$0.00", "undefined", "null", "Infinity")) {
                    assertTrue(!unpricedText.contains(bad), "'" + bad + "' on the page without a price:\n"
                            + unpricedText);
                }
                d.executeScript("window.hashwatchLoadedOnce = true");

                // Then the prices and the rest of the blocks, while the page stays open.
                new PriceBootstrap(bootstrap, Map.of(), CLOCK).run(List.of("coinbase", "bitstamp"), 40, prices,
                        history);
                for (int i = UNPRICED; i < raw.size() - 1; i++) {
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

                // The page caught up by itself, unreloaded (each record reaching the API's reader brings an event
                // that refreshes it), and shows the API's figures, formatted for people: the tip, the 7-day
                // hashrate, the projected difficulty change, the USD hashprice, the first profile's gap and the top
                // pool's share, each its value and its text. The API's latest hashprice moves once more after the
                // tip (the price update's network:current record), so page and API are compared at one reading,
                // again until they agree.
                List<String> differ = new ArrayList<>();
                waitFor("the page at tip " + (last - 1) + " showing the API's figures", () -> {
                    differ.clear();
                    differ.addAll(mismatches(d, last - 1));
                    // The last minute's reference price is final once both exchanges' bars are in it.
                    if (json("/api/v1/hashwatch/economics").path("reference_price").path("exchanges").size() != 2) {
                        differ.add("the API's reference price is not yet the median of both exchanges");
                    }
                    return differ.isEmpty();
                }, () -> "" + differ);
                assertEquals(Boolean.TRUE, d.executeScript("return window.hashwatchLoadedOnce === true"),
                        "the page was reloaded");
                screenshot(d, "page-1280x800.png");
                screenshotWhole(d, "page-1280-whole.png");
                JsonNode hr = json("/api/v1/hashwatch/hashrate").path("hashrate").get(0);
                JsonNode diff = json("/api/v1/hashwatch/difficulty").path("difficulty");
                JsonNode econ = json("/api/v1/hashwatch/economics");
                double usd = econ.path("hashprice").get("hashprice_usd_per_ph_day").asDouble();
                assertTrue(econ.path("hashprice").path("price_usd").asDouble() > 10_000,
                        "August 2019 priced about $10,000: " + econ.path("hashprice"));
                // The other figures of each section, as the API gives them.
                assertEquals(ehs(hr.get("hashrate_3d_hps").asDouble()), textOf(d, "hr-3d"));
                assertEquals(ehs(hr.get("hashrate_1d_hps").asDouble()), textOf(d, "hr-1d"));
                long retarget = diff.get("projected_retarget_time").asLong();
                assertTrue(textOf(d, "diff-date").startsWith("block " + NumberFormat.getIntegerInstance(Locale.US)
                        .format(diff.get("next_retarget_height").asLong()) + ", about " + String.format(Locale.US,
                        "%.1f", (retarget - diff.get("time").asLong()) / 86_400.0) + " days after the tip ("),
                        textOf(d, "diff-date"));
                assertEquals(Instant.ofEpochSecond(retarget).toString().replace('T', ' '),
                        d.findElement(By.cssSelector("#diff-date time")).getAttribute("title"));
                JsonNode adjustments = json("/api/v1/mining/difficulty-adjustments/all");
                var adjustmentRows = d.findElements(By.cssSelector("#adjustments tr"));
                assertEquals(Math.min(10, adjustments.size()), adjustmentRows.size());
                assertTrue(adjustmentRows.get(0).getText().startsWith(NumberFormat.getIntegerInstance(Locale.US)
                        .format(adjustments.get(0).get(1).asLong()) + " "), adjustmentRows.get(0).getText());
                // The page named the API's exchanges at the reading above (mismatches); both bars are in by now.
                List<String> exchanges = new ArrayList<>();
                econ.path("reference_price").path("exchanges").forEach(x -> exchanges.add(x.asText()));
                assertEquals(2, exchanges.size(), "" + econ.path("reference_price"));
                assertTrue(textOf(d, "price-exchanges").contains("the median of " + String.join(", ", exchanges)),
                        textOf(d, "price-exchanges") + " " + exchanges);
                JsonNode first = econ.path("economics").path("profiles").elements().next();
                var cells = d.findElements(By.cssSelector("#profiles tr:first-child td"));
                assertEquals(dollars0(first.get("all_in_cost_per_btc_usd").asDouble()), cells.get(0).getText());
                assertEquals(dollars(first.get("breakeven_power_price_usd_per_kwh").asDouble()) + " per kWh",
                        cells.get(2).getText());
                assertEquals(dollars0(first.get("mining_revenue_usd_per_mw_day").asDouble()) + " per MW per day",
                        cells.get(4).getText());
                assertEquals(dollars0(econ.path("settings").get("hosting_revenue_usd_per_mw_day").asDouble())
                        + " per MW per day", cells.get(5).getText());
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
                // The charts cover the history held: the hashrate's from the first height held, the hashprice's
                // from the first day held, with the latest value in words.
                String hrAlt = d.findElement(By.cssSelector("#hr-chart svg")).getAttribute("aria-label")
                        .replace('\u00a0', ' ');
                // About 300 records from the first height held, as the page asks; it draws the full windows.
                long every = (last - 1 - FIRST + 1 + 299) / 300;
                long firstFull = -1;
                for (JsonNode r : json("/api/v1/hashwatch/hashrate?from=" + FIRST + "&to=" + (last - 1) + "&every="
                        + every).path("hashrate")) {
                    if (firstFull < 0 && r.get("window_7d_full").asBoolean()) {
                        firstFull = r.get("height").asLong();
                    }
                }
                // The first full 1,008-block window held, within a step (this replay holds 2,633 blocks).
                assertTrue(firstFull >= FIRST + 1007 && firstFull <= FIRST + 1008 + every, "" + firstFull);
                assertTrue(hrAlt.contains("full 7-day windows from height " + NumberFormat.getIntegerInstance(
                        Locale.US).format(firstFull) + " to " + NumberFormat.getIntegerInstance(Locale.US).format(
                        last - 1) + ": latest " + ehs(hr.get("hashrate_7d_hps").asDouble())), hrAlt);
                JsonNode days = json("/api/v1/hashwatch/miner-days?from=" + LocalDate.ofInstant(Instant.ofEpochSecond(
                        diff.get("time").asLong() - 400 * 86_400L), ZoneOffset.UTC)).path("miner_days");
                assertTrue(days.size() >= 10, "" + days.size());
                JsonNode lastPriced = null;
                for (JsonNode day : days) {
                    if (day.path("totals").path("mean_hashprice_usd_per_ph_day").isNumber()) {
                        lastPriced = day;
                    }
                }
                assertNotNull(lastPriced, "no priced day");
                // Fewer than 60 days held: the hash ribbon says so, with the days the API holds.
                assertEquals("not enough history yet (needs 60 days; " + days.size() + " held)", textOf(d, "ribbon"));
                String span = days.get(0).get("day").asText() + " to " + days.get(days.size() - 1).get("day").asText();
                String hpAlt = d.findElement(By.cssSelector("#hp-chart svg")).getAttribute("aria-label")
                        .replace('\u00a0', ' ');
                assertTrue(hpAlt.contains(span + ": latest (" + lastPriced.get("day").asText() + ") " + dollars(
                        lastPriced.path("totals").get("mean_hashprice_usd_per_ph_day").asDouble()) + " with fees"), hpAlt);
                JsonNode lastDay = days.get(days.size() - 1);
                String btcAlt = d.findElement(By.cssSelector("#hp-btc-chart svg")).getAttribute("aria-label")
                        .replace('\u00a0', ' ');
                assertTrue(btcAlt.contains(span + ": latest (" + lastDay.get("day").asText() + ") " + btc(
                        lastDay.path("totals").get("mean_hashprice_btc_per_ph_day").asDouble()) + " with fees"), btcAlt);
                d.findElement(By.tagName("body")).sendKeys(org.openqa.selenium.Keys.TAB);
                assertEquals("Skip to the figures", d.switchTo().activeElement().getText());
                // The skip link moves the keyboard past the header: the next stop is the first link after the figures.
                d.switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.ENTER);
                d.switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.TAB);
                assertEquals("the API", d.switchTo().activeElement().getText());
                d.executeScript("document.activeElement.blur()");
                List<?> lowContrast = (List<?>) d.executeScript(CONTRAST);
                assertTrue(lowContrast.isEmpty(), "text below 4.5:1 (3:1 large) contrast: " + lowContrast);

                // Times are relative, with the absolute UTC time on hover; USD has thousands separators.
                long tipTime = diff.get("time").asLong();
                // Read in one script: the header is drawn again every 5 s (the status), replacing the element.
                @SuppressWarnings("unchecked")
                List<String> age = (List<String>) d.executeScript("const t = document.querySelector('#tip-age time');"
                        + " return [t.textContent, t.getAttribute('title'), t.getAttribute('datetime')];");
                String relative = age.get(0).replace('\u00a0', ' ').trim();
                assertTrue(relative.matches("\\d+ (s|min|h|days|years) ago"), relative);
                assertEquals(Instant.ofEpochSecond(tipTime).toString().replace('T', ' '), age.get(1));
                assertEquals(tipTime, Instant.parse(age.get(2)).getEpochSecond());
                double price = econ.path("hashprice").get("price_usd").asDouble();
                assertEquals(price, value(d, "price"));
                NumberFormat usd0 = NumberFormat.getCurrencyInstance(Locale.US);
                usd0.setMaximumFractionDigits(0);
                assertTrue(usd0.format(price).contains(","), usd0.format(price));
                assertTrue(textOf(d, "price").startsWith(usd0.format(price) + " ("), textOf(d, "price"));
                // The epoch began inside the replay, so the forecast's band is known and shown.
                assertTrue(diff.path("forecast_change_p05").isNumber(), "" + diff);
                assertTrue(d.findElement(By.id("diff-forecast-row")).isDisplayed());
                assertTrue(textOf(d, "diff-forecast").startsWith(signedPercent(diff.get("forecast_change_p05")
                        .asDouble(), 1) + " to " + signedPercent(diff.get("forecast_change_p95").asDouble(), 1)),
                        textOf(d, "diff-forecast"));

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
                // A chain source loading its history (the backfill gauge): the banner says how many blocks are left.
                java.util.concurrent.atomic.AtomicLong backfill = new java.util.concurrent.atomic.AtomicLong(1234);
                MetricCatalog.SOURCE_BACKFILL_REMAINING.gauge(backfill, java.util.concurrent.atomic.AtomicLong::get)
                        .tag("source", "header-replay").strongReference(true).register(registry);
                waitFor("the history-loading banner", () -> d.findElement(By.id("banner")).isDisplayed()
                        && textOf(d, "banner").equals("history still loading: 1,234 blocks left (header-replay)."
                        + " Figures may be incomplete."));
                backfill.set(0);
                waitFor("the banner gone", () -> !d.findElement(By.id("banner")).isDisplayed());

                metrics(d, 390, 844, true);
                d.executeScript("window.scrollTo(0, 0)");
                // Charts are drawn again at the phone's width, so their axis text keeps its size.
                waitFor("the charts at the phone's width", () -> Integer.parseInt(d.findElement(By.cssSelector(
                        "#hr-chart svg")).getAttribute("width")) < 390);
                assertTrue(((Number) d.executeScript("return document.documentElement.scrollWidth")).intValue()
                        <= 390, "the page scrolls sideways at 390 px: " + d.executeScript("return [...document"
                        + ".querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 390 && !e"
                        + ".closest('.scroll')).map((e) => e.tagName + '#' + e.id + '.' + e.getAttribute('class') + ' '"
                        + " + Math.round(e.getBoundingClientRect().right)).slice(0, 12)"));
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

    /**
     * The page as a user gets it: {@code run} replays real headers and real daily closes with the page open. The
     * first run has the file's first 2,100 headers; it is stopped as by Ctrl-C (the page says it is disconnected),
     * and a second run on the same data directory and port, given the whole file, resumes after the last height
     * published: the page comes back by itself and shows the new blocks, unreloaded. At both tips the page's figures
     * are the API's (the pools' share aside: a header file has no coinbases).
     */
    @Test
    @Timeout(300)
    void runReplayingRealHeadersAndPricesServesThePage() throws Exception {
        requireChromium();
        Path all = SharedData.requireHeaders(HEADERS);
        // The closes up to 2019-08-14, so that the latest reference price is of the replay's time, not 2022's.
        List<String> closes = Files.readAllLines(SharedData.require(
                "data/prices/btcusd_daily_2014-11-28_2022-08-20.bitstamp.csv"));
        Path prices = Files.write(tmp.resolve("bitstamp.csv"), closes.stream()
                .filter(l -> l.startsWith("date") || l.compareTo("2019-08-15") < 0).toList());
        byte[] bytes = Files.readAllBytes(all);
        // The first tip in the epoch from 588,672: the one before began before the file, with no projection.
        int firstCount = 2_100;
        Path first = Files.write(tmp.resolve("first.bin"), java.util.Arrays.copyOf(bytes, firstCount * 80));
        long firstTip = FIRST + firstCount - 1;
        long lastTip = FIRST + bytes.length / 80 - 1;
        int httpPort = EmbeddedKafka.freePort();
        base = "http://127.0.0.1:" + httpPort;
        List<String> common = List.of("--start-height", String.valueOf(FIRST), "--prices", prices.toString(),
                "--exchanges", "none", "--data-dir", tmp.resolve("run-data").toString(), "--kafka-port",
                String.valueOf(EmbeddedKafka.freePort()), "--metrics-port", String.valueOf(httpPort),
                "--alerts-port", "-1");
        ChromeDriver driver = null;
        try {
            try (InProcessRun run = new InProcessRun(runArgs(first, common))) {
                waitFor("run's API at tip " + firstTip, () -> {
                    run.assertRunning();
                    return apiTip() == firstTip;
                }, Duration.ofSeconds(150));
                driver = chromium();
                ChromeDriver d = driver;
                d.get(base + "/");
                d.executeScript("window.hashwatchLoadedOnce = true");
                List<String> differ = new ArrayList<>();
                waitFor("the page at tip " + firstTip + " showing the API's figures", () -> {
                    differ.clear();
                    differ.addAll(mismatches(d, firstTip, false));
                    return differ.isEmpty();
                }, () -> "" + differ);
                assertEquals(0, run.stop(), "a clean stop");
                waitFor("the disconnected state", () -> "disconnected".equals(attr(d, "body", "data-connection")));
            }
            ChromeDriver d = driver;
            try (InProcessRun run = new InProcessRun(runArgs(all, common))) {
                List<String> differ = new ArrayList<>();
                waitFor("the page live again at tip " + lastTip + " showing the API's figures", () -> {
                    run.assertRunning();
                    differ.clear();
                    differ.addAll(mismatches(d, lastTip, false));
                    return differ.isEmpty();
                }, () -> "" + differ, Duration.ofSeconds(150));
                assertEquals(Boolean.TRUE, d.executeScript("return window.hashwatchLoadedOnce === true"),
                        "the page was reloaded");
                // Priced from the replayed closes: the tip's own (its day's) or the latest (a reference price
                // update after the tip), whichever record the API read last.
                double price = json("/api/v1/hashwatch/economics").path("hashprice").path("price_usd").asDouble();
                assertTrue(closes.stream().skip(1).map(l -> Double.parseDouble(l.split(",")[4]))
                        .anyMatch(c -> c == price), price + " is not a replayed close");
                // The refused connections while run was down, and the 503s (Retry-After) of its stop and of the
                // second run's start while its stores open: nothing else.
                for (LogEntry e : consoleErrors(d)) {
                    assertTrue(e.getMessage().contains(base) && (e.getMessage().contains("ERR_CONNECTION_REFUSED")
                            || e.getMessage().contains("ERR_INCOMPLETE_CHUNKED_ENCODING")
                            || e.getMessage().contains("503 (Service Unavailable)")), "console error: " + e);
                }
                List<String> outside = requestsLeaving(d);
                assertTrue(outside.isEmpty(), "requests that left 127.0.0.1: " + outside);
                screenshot(d, "page-run-1280x800.png");
                assertEquals(0, run.stop(), "a clean stop");
            }
        } finally {
            if (driver != null) {
                driver.quit();
            }
        }
    }

    private static String[] runArgs(Path headers, List<String> common) {
        List<String> args = new ArrayList<>(List.of("run", "--headers", headers.toString()));
        args.addAll(common);
        return args.toArray(String[]::new);
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

    /** Where the page's figures differ from the API's, read once each: empty when they all agree. */
    private List<String> mismatches(ChromeDriver d, long tip) {
        return mismatches(d, tip, true);
    }

    /** @param pools whether to compare the top pool's share (a header file has no coinbases: no pool known) */
    private List<String> mismatches(ChromeDriver d, long tip, boolean pools) {
        List<String> out = new ArrayList<>();
        check(out, "tip", NumberFormat.getIntegerInstance(Locale.US).format(tip), textOf(d, "tip-height"));
        check(out, "tip height", String.valueOf(tip), attr(d, "body", "data-height"));
        check(out, "connection", "live", attr(d, "body", "data-connection"));
        JsonNode hr = json("/api/v1/hashwatch/hashrate").path("hashrate").path(0);
        check(out, "7-day hashrate", hr.path("hashrate_7d_hps").asDouble(), value(d, "hr-7d"));
        check(out, "7-day hashrate text", ehs(hr.path("hashrate_7d_hps").asDouble()), textOf(d, "hr-7d"));
        JsonNode diff = json("/api/v1/hashwatch/difficulty").path("difficulty");
        check(out, "difficulty change", diff.path("projected_change").asDouble(), value(d, "diff-change"));
        check(out, "difficulty change text", signedPercent(diff.path("projected_change").asDouble(), 2),
                textOf(d, "diff-change"));
        JsonNode econ = json("/api/v1/hashwatch/economics");
        double usd = econ.path("hashprice").path("hashprice_usd_per_ph_day").asDouble(Double.NaN);
        check(out, "hashprice", usd, value(d, "hp-usd"));
        check(out, "hashprice text", dollars(usd) + " per PH/s per day", textOf(d, "hp-usd"));
        // The reference price of a minute is published again as each exchange's bar for it arrives: the page and
        // the API name the same exchanges at one reading.
        List<String> exchanges = new ArrayList<>();
        econ.path("reference_price").path("exchanges").forEach(x -> exchanges.add(x.asText()));
        if (!exchanges.isEmpty() && !textOf(d, "price-exchanges").contains("the median of "
                + String.join(", ", exchanges))) {
            out.add("reference price's exchanges: " + exchanges + " vs " + textOf(d, "price-exchanges"));
        }
        var profiles = econ.path("economics").path("profiles").fields();
        if (!profiles.hasNext()) {
            out.add("no profile in the API's economics");
        } else {
            var profile = profiles.next();
            var gapCell = d.findElement(By.cssSelector("#profiles tr:first-child td:nth-child(3)"));
            String gap = gapCell.getAttribute("data-value");
            check(out, "first profile", profile.getKey(),
                    d.findElement(By.cssSelector("#profiles tr:first-child th")).getText());
            check(out, "gap", profile.getValue().path("gap").asDouble(),
                    gap == null || gap.isEmpty() ? Double.NaN : Double.parseDouble(gap));
            check(out, "gap text", signedPercent(profile.getValue().path("gap").asDouble(), 1), gapCell.getText());
        }
        if (!pools) {
            return out;
        }
        JsonNode week = Json.MAPPER.missingNode();
        for (JsonNode w : json("/api/v1/hashwatch/pool-shares").path("pools").path("windows")) {
            if (w.path("window_blocks").asInt() == 1008) {
                week = w;
            }
        }
        check(out, "top pool share", week.path("top_share").asDouble(Double.NaN), value(d, "pool-top"));
        String top = percent(week.path("top_share").asDouble(Double.NaN));
        if (!textOf(d, "pool-top").startsWith(top + " (")) {
            out.add("top pool share text: " + top + " (... vs " + textOf(d, "pool-top"));
        }
        return out;
    }

    /** A figure the API lacks is a mismatch too, not a match of two NaNs. */
    private static void check(List<String> out, String what, double api, double page) {
        if (Double.isNaN(api) || api != page) {
            out.add(what + ": API " + api + ", page " + page);
        }
    }

    private static void check(List<String> out, String what, Object api, Object page) {
        if (!api.equals(page)) {
            out.add(what + ": API " + api + ", page " + page);
        }
    }

    private static String attr(ChromeDriver d, String css, String name) {
        return fresh(() -> d.findElement(By.cssSelector(css)).getAttribute(name));
    }

    private static String textOf(ChromeDriver d, String id) {
        return fresh(() -> d.findElement(By.id(id)).getText().replace('\u00a0', ' '));
    }

    /** The figure's data-value, NaN where the page has none (it shows what is missing in words instead). */
    private static double value(ChromeDriver d, String id) {
        String v = fresh(() -> d.findElement(By.id(id)).getAttribute("data-value"));
        return v == null || v.isEmpty() ? Double.NaN : Double.parseDouble(v);
    }

    /**
     * A read of an element found again if the page replaced it between the find and the read (the header is drawn
     * again every 5 s, a section at each event): a few tries, then the exception.
     */
    private static <T> T fresh(java.util.function.Supplier<T> read) {
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** EH/s with three significant digits, as a person reads it. */
    static String ehs(double hps) {
        return new BigDecimal(hps / 1e18).round(new MathContext(3)).stripTrailingZeros().toPlainString() + " EH/s";
    }

    /** BTC with four significant digits. */
    static String btc(double v) {
        return new BigDecimal(v).round(new MathContext(4, java.math.RoundingMode.HALF_EVEN)).stripTrailingZeros()
                .toPlainString() + " BTC";
    }

    /** USD without cents, rounded half up as the browser's Intl.NumberFormat does. */
    static String dollars0(double v) {
        NumberFormat f = NumberFormat.getCurrencyInstance(Locale.US);
        f.setMaximumFractionDigits(0);
        f.setRoundingMode(java.math.RoundingMode.HALF_UP);
        return f.format(v);
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
        waitFor(what, done, () -> "");
    }

    private static void waitFor(String what, BooleanSupplier done, Duration wait) throws InterruptedException {
        waitFor(what, done, () -> "", wait);
    }

    private static void waitFor(String what, BooleanSupplier done, java.util.function.Supplier<String> detail)
            throws InterruptedException {
        waitFor(what, done, detail, WAIT);
    }

    private static void waitFor(String what, BooleanSupplier done, java.util.function.Supplier<String> detail,
                                Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!holds(done)) {
            if (System.nanoTime() > deadline) {
                fail("no " + what + " after " + wait.toSeconds() + " s " + detail.get());
            }
            Thread.sleep(200);
        }
    }

    /** A condition over the page, false while the page is replacing the element it reads. */
    private static boolean holds(BooleanSupplier done) {
        try {
            return done.getAsBoolean();
        } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
            return false;
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
