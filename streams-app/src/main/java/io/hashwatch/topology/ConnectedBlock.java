package io.hashwatch.topology;

/**
 * What the economics processor needs of a connected block, forwarded to it by the chain processor. Also the value of
 * the {@code economics-tips} store, as JSON: renaming a component changes the stored format.
 */
record ConnectedBlock(String network, long height, String hash, long time, double difficulty, long subsidySat,
                      Double feesSatAvg144, boolean feesIncluded) implements EconomicsEvent {
}
