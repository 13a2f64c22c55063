package io.hashwatch.source.price;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.model.PriceTick;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Bitstamp websocket API v2 ({@code wss://ws.bitstamp.net}), channel {@code live_trades_<pair>}.
 *
 * <ul>
 *   <li>{@code {"event":"trade","channel":"live_trades_btcusd","data":{id, timestamp (s), amount, price,
 *   microtimestamp (us), ...}}}: one tick; price and amount from {@code price_str}/{@code amount_str} when present
 *   (else the numbers), trade time from {@code microtimestamp} (else {@code timestamp}), trade id {@code id}.</li>
 *   <li>{@code bts:subscription_succeeded}: subscribed; {@code bts:error}: error; {@code bts:heartbeat}: liveness
 *   (the reply to the client's own heartbeat); {@code bts:request_reconnect}: the server is going away and asks the
 *   client to reconnect. Other events (order book {@code data} ...) are ignored.</li>
 * </ul>
 * No gap detection: Bitstamp's trade ids are global across pairs, so they are not consecutive within one.
 */
public final class BitstampParser extends JsonFeedParser {
    public static final String EXCHANGE = "bitstamp";
    private static final String CHANNEL_PREFIX = "live_trades_";

    public BitstampParser(Collection<String> pairs) {
        super(EXCHANGE, pairs, BitstampParser::symbol);
    }

    /** Bitstamp's name of a hashwatch pair: BTC-USD is btcusd. */
    public static String symbol(String pair) {
        return pair.replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** The trades channel of a hashwatch pair: {@code live_trades_btcusd}. */
    public static String channel(String pair) {
        return CHANNEL_PREFIX + symbol(pair);
    }

    @Override
    protected FeedEvent parseTree(JsonNode root, long receiveTimeMs) {
        if (!root.isObject()) {
            throw new BadMessage("not a JSON object");
        }
        String event = text(root, "event");
        switch (event) {
            case "trade":
                return trade(root, receiveTimeMs);
            case "bts:subscription_succeeded":
                return FeedEvent.subscribed(root.path("channel").asText("?"));
            case "bts:heartbeat":
                return FeedEvent.heartbeat();
            case "bts:request_reconnect":
                return FeedEvent.reconnect("bts:request_reconnect");
            case "bts:error":
                return FeedEvent.error(root.path("data").path("message").asText("bts:error"));
            default:
                return FeedEvent.ignored("event " + event);
        }
    }

    private FeedEvent trade(JsonNode root, long receiveTimeMs) {
        String channel = text(root, "channel");
        JsonNode d = field(root, "data");
        if (!d.isObject()) {
            throw new BadMessage("field 'data' is not an object");
        }
        double price = positive(d, d.hasNonNull("price_str") ? "price_str" : "price");
        double amount = positive(d, d.hasNonNull("amount_str") ? "amount_str" : "amount");
        long time = d.hasNonNull("microtimestamp") ? integer(d, "microtimestamp") / 1000
                : integer(d, "timestamp") * 1000;
        long id = integer(d, "id");
        String pair = channel.startsWith(CHANNEL_PREFIX)
                ? pairsBySymbol.get(channel.substring(CHANNEL_PREFIX.length())) : null;
        if (pair == null) {
            return FeedEvent.ignored("channel " + channel + " not subscribed");
        }
        return FeedEvent.trades(List.of(new PriceTick(exchange, pair, price, amount, time, receiveTimeMs,
                Long.toString(id))));
    }
}
