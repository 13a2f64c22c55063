package io.hashwatch.model;

/**
 * Who mined a block (topic {@code pools}, key {@code network:height}; a replaced block's record is replaced, like
 * every per-height record). The statistics of the windows ending at the best chain's tip are on
 * {@code pool-windows} ({@link PoolWindowsRecord}), with the pool list the blocks are attributed by.
 *
 * @param attribution    {@code attributed} (a pool of the list matched), {@code unknown} (the block has a coinbase
 *                       that no pool matches) or {@code unattributed} (the source gave no coinbase)
 * @param poolId         the pool's id in the list (0 for unknown), null when unattributed
 * @param poolName       the pool's name ("Unknown" for unknown), null when unattributed
 * @param poolSlug       the pool's slug ("unknown" for unknown), null when unattributed
 * @param match          {@code address}, {@code tag} or {@code none}; null when unattributed
 * @param matched        the payout address or the tag that matched, null otherwise
 * @param feesClaimedSat the coinbase's outputs minus the subsidy, when known
 * @param coinbaseTag    the printable text of the coinbase scriptSig, at most 64 characters, null when
 *                       unattributed
 * @param txCount        the block's transaction count, when the source gave it
 * @param empty          true when the block has the coinbase alone; null when the tx count is unknown
 */
public record PoolBlockRecord(String network, long height, String hash, long time, String attribution,
                              Integer poolId, @Nullable String poolName, @Nullable String poolSlug,
                              @Nullable String match, @Nullable String matched, Long feesClaimedSat,
                              @Nullable String coinbaseTag, Integer txCount, Boolean empty) {
}
