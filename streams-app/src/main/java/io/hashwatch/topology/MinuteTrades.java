package io.hashwatch.topology;

import java.util.Map;
import java.util.TreeMap;

/** The last trade of each exchange within one minute: the state of the reference price for that minute. */
record MinuteTrades(Map<String, Trade> trades) {
    record Trade(double price, long tradeTimeMs) {
    }

    static MinuteTrades empty() {
        return new MinuteTrades(new TreeMap<>());
    }

    /** This minute with the exchange's trade replaced when the new one is not older. */
    MinuteTrades with(String exchange, Trade trade) {
        Trade current = trades.get(exchange);
        if (current != null && current.tradeTimeMs() > trade.tradeTimeMs()) {
            return this;
        }
        TreeMap<String, Trade> next = new TreeMap<>(trades);
        next.put(exchange, trade);
        return new MinuteTrades(next);
    }
}
