package io.hashwatch.source.price.history;

import java.time.LocalDate;
import java.util.List;

/** One exchange's daily BTC-USD bars from its public REST API. */
public interface DailyHistory extends AutoCloseable {
    /** The exchange id, as the live feeds name it ({@code coinbase}, {@code kraken}, {@code bitstamp}). */
    String id();

    /**
     * The complete UTC days from {@code fromInclusive} to {@code toInclusive} that the exchange has, ascending by
     * day, one bar a day. Days not yet over (today, the future) are never returned; days the exchange lacks are
     * absent.
     *
     * @throws HistoryException the exchange could not be reached, kept refusing, or replied something unreadable
     */
    List<DailyBar> fetch(LocalDate fromInclusive, LocalDate toInclusive) throws HistoryException;

    @Override
    default void close() {
    }
}
