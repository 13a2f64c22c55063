package io.hashwatch.source.price;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.model.PriceTick;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Kraken websocket API v2 ({@code wss://ws.kraken.com/v2}), channel {@code trade}.
 *
 * <ul>
 *   <li>{@code {"channel":"trade","type":"snapshot"|"update","data":[{symbol, side, price, qty, ord_type, trade_id,
 *   timestamp}]}}: one tick per trade of a subscribed symbol (price and qty are JSON numbers, timestamp RFC 3339).
 *   The snapshot sent on subscribing holds the latest trades; they are published like the others, with their own
 *   trade times.</li>
 *   <li>{@code {"channel":"heartbeat"}} and {@code {"method":"pong"}}: liveness. {@code {"channel":"status"}}:
 *   ignored (detail says the system state).</li>
 *   <li>{@code {"method":"subscribe","success":true,...}}: subscribed; {@code "success":false} or a bare
 *   {@code "error"}: an error.</li>
 * </ul>
 * No gap detection: the v2 trade feed carries no sequence number.
 */
public final class KrakenParser extends JsonFeedParser {
    public static final String EXCHANGE = "kraken";

    /** @param pairs hashwatch pairs (BTC-USD); Kraken v2 names them BTC/USD */
    public KrakenParser(Collection<String> pairs) {
        super(EXCHANGE, pairs, KrakenParser::symbol);
    }

    /** Kraken v2's symbol of a hashwatch pair: BTC-USD is BTC/USD. */
    public static String symbol(String pair) {
        return pair.replace('-', '/');
    }

    @Override
    protected FeedEvent parseTree(JsonNode root, long receiveTimeMs) {
        if (!root.isObject()) {
            throw new BadMessage("not a JSON object");
        }
        if (root.has("method")) {
            return method(root);
        }
        if (root.has("channel")) {
            String channel = text(root, "channel");
            switch (channel) {
                case "trade":
                    return trades(root, receiveTimeMs);
                case "heartbeat":
                    return FeedEvent.heartbeat();
                case "status":
                    JsonNode data = root.path("data").path(0);
                    return FeedEvent.ignored("status: system " + data.path("system").asText("?") + ", api "
                            + data.path("api_version").asText("?"));
                default:
                    return FeedEvent.ignored("channel " + channel);
            }
        }
        if (root.has("error")) {
            return FeedEvent.error(root.get("error").asText());
        }
        throw new BadMessage("neither 'method' nor 'channel'");
    }

    private static FeedEvent method(JsonNode root) {
        String method = text(root, "method");
        if ("pong".equals(method)) {
            return FeedEvent.heartbeat();
        }
        JsonNode success = root.get("success");
        if (success != null && success.isBoolean() && !success.booleanValue()) {
            return FeedEvent.error(method + " failed: " + root.path("error").asText("(no error text)"));
        }
        if ("subscribe".equals(method)) {
            JsonNode result = root.path("result");
            return FeedEvent.subscribed(result.path("channel").asText("?") + " " + result.path("symbol").asText("?"));
        }
        return FeedEvent.ignored("method " + method);
    }

    private FeedEvent trades(JsonNode root, long receiveTimeMs) {
        String type = text(root, "type");
        if (!"snapshot".equals(type) && !"update".equals(type)) {
            throw new BadMessage("trade message of type '" + type + "', expected snapshot or update");
        }
        JsonNode data = field(root, "data");
        if (!data.isArray()) {
            throw new BadMessage("field 'data' is not an array");
        }
        List<PriceTick> ticks = new ArrayList<>(data.size());
        for (JsonNode t : data) {
            if (!t.isObject()) {
                throw new BadMessage("trade is not an object: " + t);
            }
            String symbol = text(t, "symbol");
            double price = positive(t, "price");
            double qty = positive(t, "qty");
            long time = instantMs(t, "timestamp");
            JsonNode id = t.get("trade_id");
            String tradeId = id == null || id.isNull() ? null : id.asText();
            String pair = pairsBySymbol.get(symbol);
            if (pair != null) {
                ticks.add(new PriceTick(exchange, pair, price, qty, time, receiveTimeMs, tradeId));
            }
        }
        return ticks.isEmpty() ? FeedEvent.ignored("no trade of a subscribed symbol") : FeedEvent.trades(ticks);
    }
}
