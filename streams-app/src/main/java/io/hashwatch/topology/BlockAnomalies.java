package io.hashwatch.topology;

import io.hashwatch.bitcoin.Ancestors;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.model.BlockAnomalyRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The anomalies of a best-chain block, from its attribution and the times of the eleven blocks before it: constant
 * work a block (eleven reads and a sort of eleven).
 */
final class BlockAnomalies {
    static final String EMPTY = "empty";
    static final String BEFORE_PARENT = "before_parent";
    static final String AT_MTP_FLOOR = "at_mtp_floor";
    static final String AHEAD_OF_ARRIVAL = "ahead_of_arrival";
    static final String FEE_SHOCK = "fee_shock";
    static final String UNKNOWN_TAG = "unknown_tag";
    /** Every kind, for the tombstones of a replaced height. */
    static final List<String> KINDS = List.of(EMPTY, BEFORE_PARENT, AT_MTP_FLOOR, AHEAD_OF_ARRIVAL, FEE_SHOCK,
            UNKNOWN_TAG);
    /** A fee shock: the 144-block fee share above this many times the 4,320-block one. */
    static final double FEE_SHOCK_FACTOR = 2;
    /** Blocks with known fees each window needs before its share counts. */
    static final int FEE_DAY_MIN_BLOCKS = 100;
    static final int FEE_MONTH_MIN_BLOCKS = 1_008;
    /** A block more than this far ahead of its arrival: Core accepts up to 2 h, honest clocks are within seconds. */
    static final long AHEAD_SECONDS = 3600;

    private BlockAnomalies() {
    }

    /**
     * @param times          the best chain below the block (its parent and earlier)
     * @param arrivalSeconds when the block reached hashwatch (wall clock): a replayed block is far behind it, so
     *                       only a live block can be ahead
     * @param poolSlug       the block's pool slug, {@code unknown} or {@code unattributed}
     */
    static List<BlockAnomalyRecord> detect(String network, PoolEntry e, String poolSlug, Ancestors times,
                                           long arrivalSeconds) {
        List<BlockAnomalyRecord> out = new ArrayList<>(0);
        long h = e.height();
        long time = e.time();
        if (e.txCount() != null && e.txCount() == 1) {
            out.add(record(network, e, EMPTY, poolSlug, null, "the coinbase alone"));
        }
        long parent = h > 0 ? times.time(h - 1) : Ancestors.UNKNOWN_TIME;
        if (parent != Ancestors.UNKNOWN_TIME && time < parent) {
            out.add(record(network, e, BEFORE_PARENT, poolSlug, parent, (parent - time) + " s before its parent"));
        }
        Long mtp = medianTimePast(times, h);
        if (mtp != null && time == mtp + 1) {
            out.add(record(network, e, AT_MTP_FLOOR, poolSlug, mtp,
                    "at the median time past + 1, the earliest time consensus allows"));
        }
        if (time - arrivalSeconds > AHEAD_SECONDS) {
            out.add(record(network, e, AHEAD_OF_ARRIVAL, poolSlug, arrivalSeconds,
                    (time - arrivalSeconds) + " s ahead of its arrival"));
        }
        return out;
    }

    /** Median of the 11 blocks before {@code height}; null when they are not all held. */
    static Long medianTimePast(Ancestors times, long height) {
        if (height < Network.MEDIAN_TIME_SPAN) {
            return null;
        }
        long[] t = new long[Network.MEDIAN_TIME_SPAN];
        for (int i = 0; i < t.length; i++) {
            t[i] = times.time(height - 1 - i);
            if (t[i] == Ancestors.UNKNOWN_TIME) {
                return null;
            }
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    /** The fee-shock record of the block where the shock starts. */
    static BlockAnomalyRecord feeShock(String network, PoolEntry e, String poolSlug, double day, double month) {
        return record(network, e, FEE_SHOCK, poolSlug, null, String.format(java.util.Locale.ROOT,
                "fee share %.2f%% of the reward over 144 blocks, %.2f%% over 4,320", day * 100, month * 100));
    }

    /** An unknown block whose coinbase tag {@code count} blocks of the last day carry. */
    static BlockAnomalyRecord unknownTag(String network, PoolEntry e, int count) {
        return record(network, e, UNKNOWN_TAG, "unknown", null, "tag '" + e.coinbaseTag() + "' in " + count
                + " unknown blocks of the last day");
    }

    private static BlockAnomalyRecord record(String network, PoolEntry e, String kind, String poolSlug,
                                             Long reference, String detail) {
        return new BlockAnomalyRecord(network, e.height(), e.hash(), e.time(), kind, e.poolId(), poolSlug, reference,
                detail);
    }

    /** Key of an anomaly: one per block and kind. */
    static String key(String network, long height, String kind) {
        return network + ":" + height + ":" + kind;
    }
}
