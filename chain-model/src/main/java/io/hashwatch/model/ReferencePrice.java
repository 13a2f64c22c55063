package io.hashwatch.model;

import java.util.List;

/**
 * The one-minute reference BTC-USD price (topic {@code reference-prices}, key {@code pair:minute_start_ms}): the
 * median of each contributing exchange's last trade in the minute. Updated when a late tick within the grace
 * period arrives, so the latest record per key is the truth.
 *
 * @param sources          number of exchanges that made the price
 * @param exchanges        those exchanges
 * @param excludedOutliers exchanges whose last trade deviated more than the bound from the cross-exchange median
 * @param excludedStale    exchanges whose last trade was older than the staleness bound at the minute's end
 */
public record ReferencePrice(String pair, long minuteStartMs, double price, int sources, List<String> exchanges,
                             List<String> excludedOutliers, List<String> excludedStale) {
}
