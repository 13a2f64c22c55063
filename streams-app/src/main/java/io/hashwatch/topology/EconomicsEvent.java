package io.hashwatch.topology;

/** What the economics processor reads: the chain's connected blocks and the reference prices, in event time. */
sealed interface EconomicsEvent permits ConnectedBlock, PriceUpdate {
}
