package io.hashwatch.source.price;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.model.PriceTick;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Coinbase Exchange websocket feed ({@code wss://ws-feed.exchange.coinbase.com}), channels {@code matches} and
 * {@code heartbeat}.
 *
 * <ul>
 *   <li>{@code match} and {@code last_match} (the latest trade, sent once on subscribing): one tick each, price and
 *   size from the decimal strings, trade time from {@code time}, trade id {@code trade_id}.</li>
 *   <li>Gaps: per product, {@code trade_id} rises by exactly 1 from one match to the next; a jump of more than 1 is
 *   a gap (the detail says how many trades were missed). A trade id not above the last one seen is a duplicate and
 *   is ignored, so a trade is never published twice (Coinbase resends the latest one as {@code last_match} on every
 *   subscription), unless it is more than {@link #MAX_TRADE_ID_RETREAT} below: then the ids restart from it. The
 *   {@code sequence} field is not used for this: it numbers every message of the product's full
 *   order feed, so on the matches channel alone it jumps between any two trades (by 2 to 42 in the recorded feed,
 *   whose trade ids all step by 1). Nor is the heartbeat's {@code last_trade_id}, which clients have reported to
 *   be always 0.</li>
 *   <li>{@code heartbeat}: liveness. {@code subscriptions}: the subscription is confirmed. {@code error}: an error
 *   (message and reason). Every other type (ticker, level2 ...) is ignored.</li>
 * </ul>
 */
public final class CoinbaseParser extends JsonFeedParser {
    public static final String EXCHANGE = "coinbase";
    /**
     * A trade id this far below the last one seen is no late duplicate (those are seconds, a few thousand ids, old):
     * the last one was not a real id (one corrupt message would otherwise silence the product until a restart), or
     * the ids started again. The sequence restarts from this trade.
     */
    static final long MAX_TRADE_ID_RETREAT = 1_000_000;

    private final Map<String, Long> lastTradeId = new HashMap<>();
    /** Products whose next trade is the first of a new connection: a jump there is the outage, not a gap. */
    private final Set<String> resumed = new HashSet<>();

    /** @param pairs hashwatch pairs (BTC-USD), which are also Coinbase's product ids */
    public CoinbaseParser(Collection<String> pairs) {
        super(EXCHANGE, pairs, Function.identity());
    }

    /**
     * A new connection: the last trade ids are kept, so the {@code last_match} Coinbase sends on subscribing is not
     * published twice when it was already seen; the jump from the last trade before the outage to the first after
     * it is not counted as a gap (the outage is counted as a reconnect).
     */
    @Override
    public void reset() {
        resumed.addAll(lastTradeId.keySet());
    }

    @Override
    protected FeedEvent parseTree(JsonNode root, long receiveTimeMs) {
        if (!root.isObject()) {
            throw new BadMessage("not a JSON object");
        }
        String type = text(root, "type");
        switch (type) {
            case "match":
            case "last_match":
                return match(root, receiveTimeMs);
            case "heartbeat":
                return FeedEvent.heartbeat();
            case "subscriptions":
                return FeedEvent.subscribed(String.valueOf(root.get("channels")));
            case "error":
                return FeedEvent.error(optionalText(root, "message") + (root.hasNonNull("reason")
                        ? " (" + root.get("reason").asText() + ")" : ""));
            default:
                return FeedEvent.ignored("type " + type);
        }
    }

    private FeedEvent match(JsonNode m, long receiveTimeMs) {
        String product = text(m, "product_id");
        long tradeId = integer(m, "trade_id");
        double price = positive(m, "price");
        double size = positive(m, "size");
        long time = instantMs(m, "time");
        String pair = pairsBySymbol.get(product);
        if (pair == null) {
            return FeedEvent.ignored("product " + product + " not subscribed");
        }
        Long last = lastTradeId.get(product);
        if (last != null && tradeId < last - MAX_TRADE_ID_RETREAT) {
            last = null;
        }
        if (last != null && tradeId <= last) {
            return FeedEvent.ignored(product + " trade " + tradeId + " already seen (last " + last + ")");
        }
        lastTradeId.put(product, tradeId);
        boolean firstAfterReconnect = resumed.remove(product);
        List<PriceTick> tick = List.of(new PriceTick(exchange, pair, price, size, time, receiveTimeMs,
                Long.toString(tradeId)));
        if (last != null && tradeId > last + 1 && !firstAfterReconnect) {
            return FeedEvent.tradesAfterGap(tick, product + " trade ids " + (last + 1) + ".." + (tradeId - 1)
                    + " missed (" + (tradeId - last - 1) + " trades)");
        }
        return FeedEvent.trades(tick);
    }
}
