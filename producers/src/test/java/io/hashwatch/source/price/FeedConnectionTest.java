package io.hashwatch.source.price;

import static io.hashwatch.source.price.ReplayServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The connection manager against a local websocket server that replays the real recorded exchange messages. Short
 * timings (backoff from 50 ms, silence timeout 500 ms); every wait polls for its condition for up to 10 s.
 */
class FeedConnectionTest {
    static final FeedSettings FAST = new FeedSettings(Duration.ofMillis(50), Duration.ofMillis(400),
            Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(60));
    /** For tests about something else: a silence timeout no test reaches. */
    static final FeedSettings NO_WATCHDOG = FAST.withSilenceTimeout(Duration.ofMinutes(5));
    private static final String MATCH = ".*\"type\":\"(?:last_)?match\".*";
    private static final String GARBAGE = "this is not json {";

    private static double counter(MeterRegistry r, String name, String source) {
        return r.get(name).tag("source", source).counter().count();
    }

    private static double gauge(MeterRegistry r, String name, String source) {
        return r.get(name).tag("source", source).gauge().value();
    }

    @Test
    void coinbaseReplaysSubscribesReconnectsWatchesSilenceAndSurvivesGarbage() throws Exception {
        Path file = Recording.require("COINBASE.ws.28.0");
        List<Recording.Line> lines = Recording.received(file);
        List<String> replay = lines.stream().map(Recording.Line::raw).collect(Collectors.toList());
        List<String> matches = replay.stream().filter(r -> r.matches(MATCH)).collect(Collectors.toList());
        List<String> products = CoinbaseParserTest.recordedProducts(Recording.sent(file));
        String subscriptionsReply = replay.stream().filter(r -> r.contains("\"type\":\"subscriptions\""))
                .findFirst().orElseThrow();

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<PriceTick> ticks = new CopyOnWriteArrayList<>();
        List<String> states = new CopyOnWriteArrayList<>();
        AtomicBoolean replayDone = new AtomicBoolean();
        AtomicInteger garbageConnection = new AtomicInteger(-1);
        FeedConnection feed;
        try (ReplayServer server = new ReplayServer()) {
            // Connections 1 and 2 (and any other until the test has seen every trade): the whole recording, then
            // the server closes the connection. The next one: a reply, garbage, a reply, then silence. Then silence.
            // (Should the watchdog cut a replay short on a loaded machine, the next connection replays it again.)
            server.script((s, conn, message) -> {
                if (s.receivedOn(conn).size() != 1) {
                    return;
                }
                if (conn < 2 || !replayDone.get()) {
                    s.sendAll(conn, replay);
                    s.drop(conn);
                } else if (garbageConnection.compareAndSet(-1, conn)) {
                    s.sendAll(conn, List.of(subscriptionsReply, GARBAGE, subscriptionsReply));
                }
            });
            feed = new FeedConnection(ExchangeFeed.coinbase(server.uri(), products), FAST, ticks::add, registry);
            feed.setStateListener((up, reason) -> states.add(up ? "up" : "down: " + reason));
            try (feed) {
                feed.start();
                SourceMetrics m = feed.metrics();

                // The client subscribes to the matches and heartbeat channels of the products.
                String subscribe = server.awaitMessagesOn(1, 1).get(0);
                JsonNode sub = Json.MAPPER.readTree(subscribe);
                assertEquals("subscribe", sub.get("type").asText());
                assertEquals(products, textList(sub.get("product_ids")));
                assertEquals(List.of("matches", "heartbeat"), textList(sub.get("channels")));

                // Every recorded match arrives as a tick with the recorded price, in order.
                await(() -> ticks.size() >= matches.size(),
                        () -> matches.size() + " ticks, have " + ticks.size() + "; states " + states);
                for (int i = 0; i < matches.size(); i++) {
                    String raw = matches.get(i);
                    PriceTick t = ticks.get(i);
                    assertEquals(Double.parseDouble(Recording.group(raw, "\"price\":\"([^\"]+)\"")), t.price(), raw);
                    assertEquals(Recording.group(raw, "\"product_id\":\"([^\"]+)\""), t.pair());
                    assertEquals(Recording.group(raw, "\"trade_id\":(\\d+)"), t.tradeId());
                    assertEquals(Instant.parse(Recording.group(raw, "\"time\":\"([^\"]+)\"")).toEpochMilli(),
                            t.tradeTimeMs());
                }

                // The server closed connection 1: the client reconnects after a backoff and subscribes again; the
                // recording replayed on connection 2 (last_match and all) publishes nothing twice.
                assertEquals(subscribe, server.awaitMessagesOn(2, 1).get(0));
                assertTrue(m.reconnects() >= 1);
                await(() -> m.messages() >= 2L * replay.size(), () -> "the second replay read; states " + states);
                replayDone.set(true);
                assertEquals(matches.size(), ticks.size(), "nothing published twice after reconnecting");
                assertEquals(matches.size(), m.ticks());
                assertEquals(0, m.gaps(), "the trade ids of the recording are consecutive");

                // Garbage is counted and the message after it is still read.
                long before = m.messages();
                await(() -> m.parseFailures() == 1 && m.messages() >= before + 3,
                        () -> "garbage counted and the next message read; states " + states);

                // That connection then goes silent: the watchdog closes it, the client connects and subscribes again.
                await(() -> m.stale() >= 1, "the silence watchdog");
                assertEquals(subscribe, server.awaitMessagesOn(garbageConnection.get() + 2, 1).get(0));
                assertTrue(m.reconnects() >= 3, "reconnects " + m.reconnects());
                assertEquals(1, m.parseFailures());
                assertEquals(matches.size(), ticks.size());

                // The meters behind the accessors, under their names.
                assertEquals(m.messages(), counter(registry, "hashwatch_source_messages", "coinbase"));
                assertEquals(1, counter(registry, "hashwatch_source_parse_failures", "coinbase"));
                assertTrue(counter(registry, "hashwatch_source_reconnects", "coinbase") >= 3);
                assertTrue(counter(registry, "hashwatch_source_stale", "coinbase") >= 1);
                assertEquals(0, counter(registry, "hashwatch_source_gaps", "coinbase"));
                double last = gauge(registry, "hashwatch_source_last_message_timestamp_seconds", "coinbase");
                assertTrue(Math.abs(last - System.currentTimeMillis() / 1000.0) < 60, "last message at " + last);
            }
            assertFalse(feed.isUp());
            assertEquals(0, gauge(registry, "hashwatch_source_up", "coinbase"));
            assertTrue(states.size() >= 4, "state changes " + states);
            assertEquals("up", states.get(0));
            assertTrue(states.stream().anyMatch(x -> x.startsWith("down: closed by the server (code 1001")),
                    states.toString());
            assertTrue(states.stream().anyMatch(x -> x.startsWith("down: stale: no message for")), states.toString());
            for (int i = 1; i < states.size(); i++) {
                assertFalse(states.get(i).startsWith("down") == states.get(i - 1).startsWith("down"),
                        "each state change reported once: " + states);
            }
        }
    }

    @Test
    void bitstampKeepsAQuietConnectionAliveAndReconnectsWhenAsked() throws Exception {
        Path file = Recording.require("BITSTAMP.ws.1.0");
        List<String> replay = Recording.received(file).stream().map(Recording.Line::raw).collect(Collectors.toList());
        List<String> trades = replay.stream().filter(r -> r.contains("\"event\":\"trade\""))
                .collect(Collectors.toList());
        String heartbeatReply = "{\"event\":\"bts:heartbeat\",\"channel\":\"\",\"data\":{\"status\":\"success\"}}";
        String heartbeat = "{\"event\":\"bts:heartbeat\"}";
        // A quiet channel: only the answers to the client's heartbeats (every 100 ms) reach the client.
        FeedSettings settings = FAST.withSilenceTimeout(Duration.ofSeconds(1)).withKeepAliveInterval(
                Duration.ofMillis(100));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<PriceTick> ticks = new CopyOnWriteArrayList<>();
        try (ReplayServer server = new ReplayServer()) {
            server.script((s, conn, message) -> {
                if (message.equals(heartbeat)) {
                    s.send(conn, heartbeatReply);
                } else if (conn == 0) {
                    s.sendAll(0, replay);
                    s.send(0, "{\"event\":\"bts:request_reconnect\",\"channel\":\"\",\"data\":\"\"}");
                } else {
                    s.send(conn, "{\"event\":\"bts:subscription_succeeded\",\"channel\":\"live_trades_ethusd\","
                            + "\"data\":{}}");
                }
            });
            try (FeedConnection feed = new FeedConnection(ExchangeFeed.bitstamp(server.uri(), List.of("ETH-USD")),
                    settings, ticks::add, registry).start()) {
                String subscribe = server.awaitMessagesOn(1, 1).get(0);
                assertEquals(Json.MAPPER.readTree("{\"event\":\"bts:subscribe\",\"data\":{\"channel\":"
                        + "\"live_trades_ethusd\"}}"), Json.MAPPER.readTree(subscribe));

                await(() -> ticks.size() >= trades.size(), trades.size() + " ticks");
                for (int i = 0; i < trades.size(); i++) {
                    assertEquals(Double.parseDouble(Recording.group(trades.get(i), "\"price_str\":\"([^\"]+)\"")),
                            ticks.get(i).price());
                }
                // bts:request_reconnect: a new connection that subscribes again.
                assertEquals(subscribe, server.awaitMessagesOn(2, 1).get(0));
                assertTrue(feed.metrics().reconnects() >= 1);
                // Heartbeats keep a quiet connection open past the 1 s silence timeout: wait for a connection on
                // which the client sent heartbeats for more than 2 s (on a loaded machine an earlier one may go stale
                // and be replaced; a working keep-alive is what lets one of them last).
                int[] lasting = {-1};
                await(() -> {
                    for (int c = 1; c < server.connectionCount(); c++) {
                        if (server.receiveSpanNanos(c) > 2_000_000_000L) {
                            lasting[0] = c;
                            return true;
                        }
                    }
                    return false;
                }, () -> "a connection kept open by heartbeats for 2 s; " + server.connectionCount()
                        + " connections, stale " + feed.metrics().stale());
                List<String> sent = server.receivedOn(lasting[0]);
                assertEquals(subscribe, sent.get(0));
                assertTrue(sent.size() > 12 && sent.subList(1, sent.size()).stream().allMatch(heartbeat::equals),
                        sent.toString());
                assertTrue(feed.isUp());
            }
        }
    }

    @Test
    void krakenV2SubscribesAndAFailingSinkIsCountedWithoutStoppingTheFeed() throws Exception {
        String update = Recording.text(Recording.fixture("nautilus_kraken_ws_trade_update.json"));
        JsonNode data = Json.MAPPER.readTree(update).get("data");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<PriceTick> ticks = new CopyOnWriteArrayList<>();
        AtomicBoolean failNext = new AtomicBoolean(true);
        try (ReplayServer server = new ReplayServer()) {
            server.script((s, conn, message) -> s.sendAll(conn, List.of(
                    "{\"channel\":\"status\",\"data\":[{\"api_version\":\"v2\",\"connection_id\":1,"
                            + "\"system\":\"online\",\"version\":\"2.0.0\"}],\"type\":\"update\"}",
                    "{\"method\":\"subscribe\",\"result\":{\"channel\":\"trade\",\"snapshot\":false,"
                            + "\"symbol\":\"BTC/USD\"},\"success\":true}",
                    update, update.replace("10218208", "10218210").replace("10218209", "10218211"),
                    "{\"channel\":\"heartbeat\"}")));
            try (FeedConnection feed = new FeedConnection(ExchangeFeed.kraken(server.uri(), List.of("BTC-USD")),
                    NO_WATCHDOG, tick -> {
                        if (failNext.getAndSet(false)) {
                            throw new IllegalStateException("broker unavailable");
                        }
                        ticks.add(tick);
                    }, registry).start()) {
                String subscribe = server.awaitMessagesOn(1, 1).get(0);
                assertEquals(Json.MAPPER.readTree("{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\","
                        + "\"symbol\":[\"BTC/USD\"],\"snapshot\":false}}"), Json.MAPPER.readTree(subscribe));
                await(() -> ticks.size() >= 3 && feed.metrics().messages() >= 5, "3 ticks and 5 messages");
                assertEquals(1, feed.metrics().publishFailures());
                assertEquals(3, feed.metrics().ticks());
                assertEquals(data.get(1).get("price").asDouble(), ticks.get(0).price());
                assertEquals(data.get(0).get("price").asDouble(), ticks.get(1).price());
                assertEquals(0, feed.metrics().parseFailures());
            }
        }
    }

    @Test
    void anUnreachableExchangeIsRetriedWithBackoffAndReportedDownOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> states = new CopyOnWriteArrayList<>();
        List<Long> delays = new ArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (FeedConnection feed = new FeedConnection(ExchangeFeed.coinbase(URI.create("ws://127.0.0.1:" + port),
                List.of("BTC-USD")), FAST, t -> { }, registry, System::currentTimeMillis, () -> 0.5)) {
            feed.setStateListener((up, reason) -> states.add((up ? "up: " : "down: ") + reason));
            feed.start();
            await(() -> feed.metrics().reconnects() >= 4, "4 reconnect attempts");
            assertFalse(feed.isUp());
            assertEquals(1, states.size(), "down reported once, not per retry: " + states);
            assertTrue(states.get(0).startsWith("down: connect to ws://127.0.0.1:" + port + " failed: ConnectException"),
                    states.get(0));
        }
        for (int i = 0; i < 5; i++) {
            delays.add(FAST.backoffMillis(i, 0.5));
        }
        assertEquals(List.of(37L, 75L, 150L, 300L, 300L), delays, "50 ms doubling to the 400 ms cap, jittered");
    }

    @Test
    void theMetricsScrapeUnderTheirPrometheusNames() throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ReplayServer server = new ReplayServer()) {
            server.script((s, conn, message) -> s.sendAll(conn, List.of("{\"channel\":\"heartbeat\"}", GARBAGE)));
            try (FeedConnection feed = new FeedConnection(ExchangeFeed.kraken(server.uri(), List.of("BTC-USD")),
                    NO_WATCHDOG, t -> { }, prometheus).start()) {
                await(() -> feed.metrics().parseFailures() == 1, "the garbage counted");
                String scrape = prometheus.scrape();
                for (String line : List.of("hashwatch_source_messages_total{source=\"kraken\"} 2",
                        "hashwatch_source_parse_failures_total{source=\"kraken\"} 1",
                        "hashwatch_source_reconnects_total{source=\"kraken\"} 0",
                        "hashwatch_source_gaps_total{source=\"kraken\"} 0",
                        "hashwatch_source_up{source=\"kraken\"} 1")) {
                    assertTrue(scrape.contains(line), line + " in\n" + scrape);
                }
                assertTrue(scrape.contains("hashwatch_source_last_message_timestamp_seconds{source=\"kraken\"} 1."),
                        scrape);
            }
        }
    }

    private static List<String> textList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
