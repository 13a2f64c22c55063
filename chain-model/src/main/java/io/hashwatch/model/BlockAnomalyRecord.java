package io.hashwatch.model;

/**
 * Something unusual about a best-chain block (topic {@code block-anomalies}, key {@code network:height:kind}; a
 * reorganization deletes the replaced heights' records with tombstones).
 *
 * @param kind      {@code empty} (the coinbase alone), {@code before_parent} (timestamp earlier than the parent's),
 *                  {@code at_mtp_floor} (exactly the median time past + 1, the earliest time consensus allows),
 *                  {@code ahead_of_arrival} (more than an hour ahead of when the block reached hashwatch), {@code
 *                  fee_shock} (the block where the 144-block fee share of the reward rises above twice the 4,320-block
 *                  one) or {@code unknown_tag} (an unknown block whose coinbase tag 3 or more of the day's unknown
 *                  blocks carry)
 * @param poolId    the pool that mined it (0 unknown), null when unattributed
 * @param poolSlug  its slug, {@code unknown} or {@code unattributed}
 * @param reference what the block is compared with, in seconds: the parent's time, the median time past, or the
 *                  arrival time; null for the other kinds
 * @param detail    the anomaly in words, e.g. "412 s before its parent"
 */
public record BlockAnomalyRecord(String network, long height, String hash, long time, String kind, Integer poolId,
                                 @Nullable String poolSlug, Long reference, @Nullable String detail) {
}
