package io.hashwatch.topology;

import io.hashwatch.pools.Attribution;
import io.hashwatch.pools.PoolList;
import java.util.List;
import java.util.Objects;

/**
 * A block's attribution as the pools processor keeps it (JSON in its stores: renaming a component changes the
 * stored format). Keyed by hash while the block is not on the best chain (time and chainwork still null), by height
 * once it is. What the attribution was made from (the scriptSig, the paid addresses) and by which list (its digest)
 * are kept, so that another list can attribute the block again.
 *
 * @param poolId null when the block has no coinbase (unattributed), 0 when no pool matched (unknown)
 */
record PoolEntry(long height, String hash, Long time, String chainworkHex, Integer poolId, String match,
                 String matched, Long feesClaimedSat, String coinbaseTag, Integer txCount, String scriptSigHex,
                 List<String> paidAddresses, String listDigest) {

    PoolEntry onBestChain(long time, String chainworkHex) {
        return new PoolEntry(height, hash, time, chainworkHex, poolId, match, matched, feesClaimedSat, coinbaseTag,
                txCount, scriptSigHex, paidAddresses, listDigest);
    }

    static PoolEntry unattributed(long height, String hash, Integer txCount) {
        return new PoolEntry(height, hash, null, null, null, null, null, null, null, txCount, null, null, null);
    }

    /** This block attributed by {@code list}: itself when that list attributed it (or it has no coinbase). */
    PoolEntry by(PoolList list) {
        if (scriptSigHex == null || list.digest().equals(listDigest)) {
            return this;
        }
        Attribution a = list.attributeByAddresses(scriptSigHex, paidAddresses == null ? List.of() : paidAddresses);
        return new PoolEntry(height, hash, time, chainworkHex, a.pool().id(), a.match().label(), a.matched(),
                feesClaimedSat, coinbaseTag, txCount, scriptSigHex, paidAddresses, list.digest());
    }

    /** Whether {@code other} names another pool, or the same pool by another match. */
    boolean attributedOtherwise(PoolEntry other) {
        return !Objects.equals(poolId, other.poolId) || !Objects.equals(match, other.match)
                || !Objects.equals(matched, other.matched);
    }
}
