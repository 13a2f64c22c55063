package io.hashwatch.source.price;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hashwatch.model.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One exchange's websocket feed: where to connect, what to send after connecting (and after every reconnect), how
 * to read what comes back, and an optional keep-alive message for exchanges that send nothing on a quiet channel.
 *
 * @param id                the exchange id: the {@code source} label of the metrics and the key of the ticks
 * @param uri               websocket endpoint
 * @param subscribeMessages sent in order after each connect
 * @param parser            reads the messages; {@link FeedParser#reset()} is called on each connect
 * @param keepAliveMessage  sent every {@link FeedSettings#keepAliveInterval()} while connected, or null
 */
public record ExchangeFeed(String id, URI uri, List<String> subscribeMessages, FeedParser parser,
                           String keepAliveMessage) {
    public static final URI COINBASE_URI = URI.create("wss://ws-feed.exchange.coinbase.com");
    public static final URI KRAKEN_URI = URI.create("wss://ws.kraken.com/v2");
    public static final URI KRAKEN_V1_URI = URI.create("wss://ws.kraken.com");
    public static final URI BITSTAMP_URI = URI.create("wss://ws.bitstamp.net");
    public static final String BTC_USD = "BTC-USD";

    public ExchangeFeed {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(parser, "parser");
        subscribeMessages = List.copyOf(subscribeMessages);
        String scheme = uri.getScheme();
        if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
            throw new IllegalArgumentException(id + ": websocket URI must be ws:// or wss://, got " + uri);
        }
    }

    /**
     * Coinbase Exchange, BTC-USD, channels {@code matches} and {@code heartbeat}: the Exchange feed's channel is
     * {@code heartbeat} (singular); {@code heartbeats} is the Advanced Trade API's name.
     */
    public static ExchangeFeed coinbase() {
        return coinbase(COINBASE_URI, List.of(BTC_USD));
    }

    public static ExchangeFeed coinbase(URI uri, List<String> pairs) {
        ObjectNode sub = Json.MAPPER.createObjectNode();
        sub.put("type", "subscribe");
        ArrayNode products = sub.putArray("product_ids");
        pairs.forEach(products::add);
        sub.putArray("channels").add("matches").add("heartbeat");
        return new ExchangeFeed(CoinbaseParser.EXCHANGE, uri, List.of(sub.toString()), new CoinbaseParser(pairs),
                null);
    }

    /**
     * Kraken websocket v2, BTC/USD, channel {@code trade} without the snapshot of recent trades (each reconnect
     * would publish them again). Kraken sends {@code heartbeat} messages every second by itself.
     */
    public static ExchangeFeed kraken() {
        return kraken(KRAKEN_URI, List.of(BTC_USD));
    }

    public static ExchangeFeed kraken(URI uri, List<String> pairs) {
        ObjectNode sub = Json.MAPPER.createObjectNode();
        sub.put("method", "subscribe");
        ObjectNode params = sub.putObject("params");
        params.put("channel", "trade");
        ArrayNode symbols = params.putArray("symbol");
        pairs.forEach(p -> symbols.add(KrakenParser.symbol(p)));
        params.put("snapshot", false);
        return new ExchangeFeed(KrakenParser.EXCHANGE, uri, List.of(sub.toString()), new KrakenParser(pairs), null);
    }

    /** Kraken websocket v1 (the older API, array messages), channel {@code trade}. */
    public static ExchangeFeed krakenV1(URI uri, List<String> pairs) {
        ObjectNode sub = Json.MAPPER.createObjectNode();
        sub.put("event", "subscribe");
        ArrayNode names = sub.putArray("pair");
        pairs.forEach(p -> names.add(KrakenV1Parser.symbol(p)));
        sub.putObject("subscription").put("name", "trade");
        return new ExchangeFeed(KrakenV1Parser.EXCHANGE, uri, List.of(sub.toString()), new KrakenV1Parser(pairs),
                null);
    }

    /**
     * Bitstamp, channel {@code live_trades_btcusd}. A quiet channel sends nothing, so the client sends
     * {@code bts:heartbeat} (answered by the server) to keep the silence watchdog meaningful.
     */
    public static ExchangeFeed bitstamp() {
        return bitstamp(BITSTAMP_URI, List.of(BTC_USD));
    }

    public static ExchangeFeed bitstamp(URI uri, List<String> pairs) {
        List<String> subs = new ArrayList<>();
        for (String p : pairs) {
            ObjectNode sub = Json.MAPPER.createObjectNode();
            sub.put("event", "bts:subscribe");
            sub.putObject("data").put("channel", BitstampParser.channel(p));
            subs.add(sub.toString());
        }
        ObjectNode heartbeat = Json.MAPPER.createObjectNode();
        heartbeat.put("event", "bts:heartbeat");
        return new ExchangeFeed(BitstampParser.EXCHANGE, uri, subs, new BitstampParser(pairs), heartbeat.toString());
    }

    /** The BTC-USD feed of an exchange by id: coinbase, kraken or bitstamp. */
    public static ExchangeFeed byId(String id) {
        switch (id) {
            case CoinbaseParser.EXCHANGE:
                return coinbase();
            case KrakenParser.EXCHANGE:
                return kraken();
            case BitstampParser.EXCHANGE:
                return bitstamp();
            default:
                throw new IllegalArgumentException("unknown exchange '" + id + "': use coinbase, kraken or bitstamp");
        }
    }

    @Override
    public String toString() {
        return id + " " + uri;
    }
}
