package io.hashwatch.source.price;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.model.PriceTick;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Kraken websocket API v1 ({@code wss://ws.kraken.com}), the layout of the recorded Kraken feeds.
 *
 * <ul>
 *   <li>Trades are arrays {@code [channelID, [[price, volume, time, side, orderType, misc], ...], "trade", pair]}
 *   with decimal strings and {@code time} in decimal seconds; the pair uses XBT for BTC (XBT/USD).</li>
 *   <li>Objects: {@code {"event":"heartbeat"}} and {@code pong} are liveness, {@code subscriptionStatus} with status
 *   {@code subscribed} or {@code error}, {@code systemStatus} ignored. Arrays of other channels (ticker, book-N,
 *   spread) are ignored.</li>
 * </ul>
 * v1 trades carry no trade id ({@code tradeId} is null) and no sequence: no gap detection.
 */
public final class KrakenV1Parser extends JsonFeedParser {
    public static final String EXCHANGE = "kraken";

    public KrakenV1Parser(Collection<String> pairs) {
        super(EXCHANGE, pairs, KrakenV1Parser::symbol);
    }

    /** Kraken v1's name of a hashwatch pair: BTC-USD is XBT/USD, DOGE is XDG. */
    public static String symbol(String pair) {
        String[] p = pair.split("-");
        return v1Asset(p[0]) + "/" + v1Asset(p[1]);
    }

    private static String v1Asset(String a) {
        switch (a) {
            case "BTC":
                return "XBT";
            case "DOGE":
                return "XDG";
            default:
                return a;
        }
    }

    @Override
    protected FeedEvent parseTree(JsonNode root, long receiveTimeMs) {
        if (root.isObject()) {
            return event(root);
        }
        if (!root.isArray()) {
            throw new BadMessage("neither an event object nor a channel array");
        }
        if (root.size() < 4) {
            throw new BadMessage("channel array of " + root.size() + " elements, expected at least 4");
        }
        JsonNode channel = root.get(root.size() - 2);
        JsonNode pairNode = root.get(root.size() - 1);
        if (!channel.isTextual() || !pairNode.isTextual()) {
            throw new BadMessage("channel array without channel name and pair at the end");
        }
        if (!"trade".equals(channel.textValue())) {
            return FeedEvent.ignored("channel " + channel.textValue());
        }
        String pair = pairsBySymbol.get(pairNode.textValue());
        if (root.size() != 4) {
            throw new BadMessage("trade array of " + root.size() + " elements, expected 4");
        }
        JsonNode trades = root.get(1);
        if (!trades.isArray() || trades.isEmpty()) {
            throw new BadMessage("trade array without a list of trades");
        }
        List<PriceTick> ticks = new ArrayList<>(trades.size());
        for (JsonNode t : trades) {
            if (!t.isArray() || t.size() < 3) {
                throw new BadMessage("trade is not an array [price, volume, time, ...]: " + t);
            }
            double price = positiveValue(t.get(0), "trade price");
            double volume = positiveValue(t.get(1), "trade volume");
            if (!t.get(2).isTextual()) {
                throw new BadMessage("trade time is not a string: " + t.get(2));
            }
            long time = decimalSecondsMs(t.get(2).textValue(), "trade time");
            if (pair != null) {
                ticks.add(new PriceTick(exchange, pair, price, volume, time, receiveTimeMs, null));
            }
        }
        return pair == null ? FeedEvent.ignored("pair " + pairNode.textValue() + " not subscribed")
                : FeedEvent.trades(ticks);
    }

    private static FeedEvent event(JsonNode root) {
        String event = text(root, "event");
        switch (event) {
            case "heartbeat":
            case "pong":
                return FeedEvent.heartbeat();
            case "subscriptionStatus":
                String status = optionalText(root, "status");
                if ("subscribed".equals(status)) {
                    return FeedEvent.subscribed(root.path("channelName").asText("?") + " "
                            + root.path("pair").asText("?"));
                }
                if ("error".equals(status)) {
                    return FeedEvent.error(root.path("errorMessage").asText("subscription error"));
                }
                return FeedEvent.ignored("subscription " + status);
            case "error":
                return FeedEvent.error(root.path("errorMessage").asText("error"));
            default:
                return FeedEvent.ignored("event " + event);
        }
    }
}
