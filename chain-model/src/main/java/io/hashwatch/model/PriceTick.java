package io.hashwatch.model;

/**
 * One BTC price observation from an exchange (topic {@code prices}, key: exchange), the input of the reference
 * price.
 *
 * @param exchange      exchange id: coinbase, kraken, bitstamp, or the replayed file's name
 * @param pair          the pair as hashwatch names it: BTC-USD
 * @param price         trade (or last) price in the quote currency
 * @param size          trade size in BTC, when known
 * @param tradeTimeMs   when the trade happened (exchange time, or the bar's close time for a replayed bar), ms
 * @param receiveTimeMs when the producer received it, ms
 * @param tradeId       the exchange's trade id or sequence number as text, when it has one
 */
public record PriceTick(String exchange, String pair, double price, Double size, long tradeTimeMs,
                        long receiveTimeMs, @Nullable String tradeId) {
}
