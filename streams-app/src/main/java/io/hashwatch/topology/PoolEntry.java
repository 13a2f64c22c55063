package io.hashwatch.topology;

/**
 * A block's attribution as the pools processor keeps it (JSON in its stores: renaming a component changes the
 * stored format). Keyed by hash while the block is not on the best chain (time and chainwork still null), by height
 * once it is.
 *
 * @param poolId null when the block has no coinbase (unattributed), 0 when no pool matched (unknown)
 */
record PoolEntry(long height, String hash, Long time, String chainworkHex, Integer poolId, String match,
                 String matched, Long feesClaimedSat, String coinbaseTag, Integer txCount) {

    PoolEntry onBestChain(long time, String chainworkHex) {
        return new PoolEntry(height, hash, time, chainworkHex, poolId, match, matched, feesClaimedSat, coinbaseTag,
                txCount);
    }

    static PoolEntry unattributed(long height, String hash, Integer txCount) {
        return new PoolEntry(height, hash, null, null, null, null, null, null, null, txCount);
    }
}
