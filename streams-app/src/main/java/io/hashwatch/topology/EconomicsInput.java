package io.hashwatch.topology;

/** What the economics processor needs of a connected block, emitted by the chain processor. */
record EconomicsInput(String network, long height, String hash, long time, double difficulty, long subsidySat,
                      Double feesSatAvg144, boolean feesIncluded) {
}
