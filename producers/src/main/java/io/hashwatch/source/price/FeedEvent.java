package io.hashwatch.source.price;

import io.hashwatch.model.PriceTick;
import java.util.List;
import java.util.Objects;

/**
 * What one websocket message from an exchange meant, as a {@link FeedParser} understood it.
 *
 * <p>A gap (trades the feed skipped, seen from the exchange's consecutive trade ids) is reported on the event of
 * the message that revealed it: {@link #gaps()} is the number of gaps (0 or 1 per message) and {@link #detail()}
 * says how many trades were missed.
 *
 * @param type   what kind of message it was
 * @param ticks  the trades it carried (empty unless {@link Type#TRADES})
 * @param gaps   gaps in the exchange's trade sequence this message revealed
 * @param detail human-readable detail: the error text, why a message was ignored or rejected, the gap size
 */
public record FeedEvent(Type type, List<PriceTick> ticks, long gaps, String detail) {

    /** Kinds of exchange message. */
    public enum Type {
        /** One or more trades of a subscribed pair. */
        TRADES,
        /** A heartbeat (or pong): the feed is alive, nothing to publish. */
        HEARTBEAT,
        /** The exchange confirmed a subscription. */
        SUBSCRIBED,
        /** The exchange reported an error (bad subscription, rate limit ...). */
        ERROR,
        /** The exchange asked the client to reconnect (Bitstamp {@code bts:request_reconnect}). */
        RECONNECT,
        /** A well-formed message of no interest: another channel or pair, a status line, a duplicate trade. */
        IGNORED,
        /** Not a message of the expected layout (not JSON, missing or invalid fields): counted, never thrown. */
        MALFORMED
    }

    public FeedEvent {
        Objects.requireNonNull(type, "type");
        ticks = ticks == null ? List.of() : List.copyOf(ticks);
        detail = detail == null ? "" : detail;
        if (gaps < 0) {
            throw new IllegalArgumentException("gaps must be >= 0");
        }
    }

    public static FeedEvent trades(List<PriceTick> ticks) {
        return new FeedEvent(Type.TRADES, ticks, 0, "");
    }

    public static FeedEvent tradesAfterGap(List<PriceTick> ticks, String detail) {
        return new FeedEvent(Type.TRADES, ticks, 1, detail);
    }

    public static FeedEvent heartbeat() {
        return new FeedEvent(Type.HEARTBEAT, List.of(), 0, "");
    }

    public static FeedEvent subscribed(String detail) {
        return new FeedEvent(Type.SUBSCRIBED, List.of(), 0, detail);
    }

    public static FeedEvent error(String detail) {
        return new FeedEvent(Type.ERROR, List.of(), 0, detail);
    }

    public static FeedEvent reconnect(String detail) {
        return new FeedEvent(Type.RECONNECT, List.of(), 0, detail);
    }

    public static FeedEvent ignored(String detail) {
        return new FeedEvent(Type.IGNORED, List.of(), 0, detail);
    }

    public static FeedEvent malformed(String detail) {
        return new FeedEvent(Type.MALFORMED, List.of(), 0, detail);
    }

    @Override
    public String toString() {
        return type + (ticks.isEmpty() ? "" : " " + ticks.size() + " tick(s)") + (gaps > 0 ? " gap" : "")
                + (detail.isEmpty() ? "" : ": " + detail);
    }
}
