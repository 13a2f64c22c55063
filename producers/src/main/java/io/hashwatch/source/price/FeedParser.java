package io.hashwatch.source.price;

/**
 * Turns the raw text of one websocket message from an exchange into a {@link FeedEvent}. Pure apart from the
 * per-connection state some exchanges need for gap detection (the last trade id per pair), which
 * {@link #reset()} clears on every new connection.
 *
 * <p>Implementations never throw out of {@link #parse}: text that is not a message of the expected layout is a
 * {@link FeedEvent.Type#MALFORMED} event that says what is wrong.
 */
public interface FeedParser {

    /**
     * @param text          the message exactly as received
     * @param receiveTimeMs when it was received (the ticks' {@code receiveTimeMs})
     */
    FeedEvent parse(String text, long receiveTimeMs);

    /** Forgets per-connection state; called before the first message of each connection. */
    default void reset() {
    }
}
