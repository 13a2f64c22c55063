package io.hashwatch.bitcoin;

import io.hashwatch.model.RejectReason;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * Header-only validation as Bitcoin Core does it (CheckProofOfWork, ContextualCheckBlockHeader), against the known
 * ancestors. Where history is missing (a replay that starts mid-chain), the checks that can be made are made and
 * the result is marked partial; a valid chain is never rejected for lack of history.
 */
public final class HeaderVerifier {
    private HeaderVerifier() {
    }

    /** Outcome of a verification: accepted (reason null), possibly partially; or rejected with a reason. */
    public record Result(RejectReason reason, String detail, boolean partial) {
        static final Result FULL = new Result(null, null, false);
        static final Result PARTIAL = new Result(null, null, true);

        static Result reject(RejectReason reason, String detail) {
            return new Result(reason, detail, false);
        }

        public boolean accepted() {
            return reason == null;
        }
    }

    /** Context-free checks: the target is in range and the hash meets it. */
    public static Result checkProofOfWork(Network network, BlockHeader header) {
        return checkProofOfWork(network.rules(), header);
    }

    /** {@link #checkProofOfWork(Network, BlockHeader)} under given rules (a test chain's variant of a network's). */
    public static Result checkProofOfWork(ConsensusRules rules, BlockHeader header) {
        BigInteger target = CompactTarget.decode(header.bits());
        if (target == null || target.signum() == 0 || target.compareTo(rules.powLimit()) > 0) {
            return Result.reject(RejectReason.TARGET_OUT_OF_RANGE,
                    "bits " + CompactTarget.toHex(header.bits()) + " is not a target within powLimit "
                            + CompactTarget.toHex(rules.powLimitBits()));
        }
        if (header.hashValue().compareTo(target) > 0) {
            return Result.reject(RejectReason.HIGH_HASH,
                    "hash " + header.hash() + " is above the target of bits " + CompactTarget.toHex(header.bits()));
        }
        return Result.FULL;
    }

    /**
     * Full header check of a header at {@code height} whose parent (at height - 1) is known through
     * {@code ancestors}. {@code nowSeconds} is the clock for the future-time rule.
     */
    public static Result verify(Network network, BlockHeader header, long height, Ancestors ancestors,
                                long nowSeconds) {
        return verify(network.rules(), header, height, ancestors, nowSeconds);
    }

    /** {@link #verify(Network, BlockHeader, long, Ancestors, long)} under given rules. */
    public static Result verify(ConsensusRules rules, BlockHeader header, long height, Ancestors ancestors,
                                long nowSeconds) {
        Result pow = checkProofOfWork(rules, header);
        if (!pow.accepted()) {
            return pow;
        }
        BlockSummary parent = ancestors.at(height - 1);
        boolean partial = false;

        Long expectedBits = expectedBits(rules, parent, header.time(), ancestors);
        if (expectedBits != null) {
            if (expectedBits != header.bits()) {
                return Result.reject(RejectReason.BAD_DIFFBITS, "bits " + CompactTarget.toHex(header.bits())
                        + " at height " + height + ", the retarget rule requires " + CompactTarget.toHex(expectedBits));
            }
        } else {
            partial = true;
            if (!rules.permittedTransition(parent.bits(), header.bits())) {
                return Result.reject(RejectReason.BAD_DIFFBITS, "bits " + CompactTarget.toHex(header.bits())
                        + " at height " + height + " is outside the x4 clamp of " + CompactTarget.toHex(parent.bits()));
            }
        }

        Long mtp = medianTimePast(parent, ancestors);
        if (mtp == null) {
            partial = true;
        } else if (header.time() <= mtp) {
            return Result.reject(RejectReason.TIME_TOO_OLD,
                    "time " + header.time() + " is not above the median time past " + mtp);
        }
        // BIP94 (Core's ContextualCheckBlockHeader, time-timewarp-attack): the first block of an epoch may not be
        // dated more than MAX_TIMEWARP before the last block of the previous one, so a retarget's span cannot be
        // stretched by backdating the next epoch's start.
        if (rules.enforceBip94() && Network.isRetargetHeight(height)
                && header.time() < parent.time() - ConsensusRules.MAX_TIMEWARP_SECONDS) {
            return Result.reject(RejectReason.TIME_TIMEWARP_ATTACK, "time " + header.time() + " of height " + height
                    + ", the first block of an epoch, is " + (parent.time() - header.time())
                    + " s before its parent's " + parent.time() + ": BIP94 allows at most "
                    + ConsensusRules.MAX_TIMEWARP_SECONDS + " s");
        }
        if (header.time() > nowSeconds + Network.MAX_FUTURE_BLOCK_TIME_SECONDS) {
            return Result.reject(RejectReason.TIME_TOO_NEW,
                    "time " + header.time() + " is more than 2 hours ahead of the clock " + nowSeconds);
        }
        int minVersion = rules.minimumVersion(height);
        if (header.version() < minVersion) {
            return Result.reject(RejectReason.BAD_VERSION, String.format(
                    "version 0x%08x at height %d, at least %d required", header.version(), height, minVersion));
        }
        return partial ? Result.PARTIAL : Result.FULL;
    }

    /** Core's GetNextWorkRequired; null when the history it needs is not known. */
    static Long expectedBits(ConsensusRules rules, BlockSummary parent, long time, Ancestors ancestors) {
        long height = parent.height() + 1;
        if (!Network.isRetargetHeight(height)) {
            if (!rules.allowMinDifficultyBlocks()) {
                return parent.bits();
            }
            // fPowAllowMinDifficultyBlocks (pow.cpp GetNextWorkRequired): more than 20 minutes after its parent, a
            // block may be mined at powLimit; it must then be, the rule gives one value.
            if (time > parent.time() + 2 * Network.TARGET_SPACING_SECONDS) {
                return rules.powLimitBits();
            }
            // Otherwise the bits of the last block that was not a minimum-difficulty exception, in this epoch.
            BlockSummary b = parent;
            while (b.height() > 0 && !Network.isRetargetHeight(b.height()) && b.bits() == rules.powLimitBits()) {
                b = ancestors.at(b.height() - 1);
                if (b == null) {
                    return null;
                }
            }
            return b.bits();
        }
        if (rules.noRetargeting()) {
            return parent.bits();
        }
        BlockSummary first = ancestors.at(height - Network.RETARGET_INTERVAL);
        if (first == null) {
            return null;
        }
        return rules.nextEpochBits(first.bits(), parent.bits(), first.time(), parent.time());
    }

    /** Median of the times of the parent and its ten predecessors (fewer only at genesis); null if unknown. */
    static Long medianTimePast(BlockSummary parent, Ancestors ancestors) {
        long[] times = new long[Network.MEDIAN_TIME_SPAN];
        int n = 0;
        for (long h = parent.height(); h >= 0 && n < times.length; h--) {
            BlockSummary b = h == parent.height() ? parent : ancestors.at(h);
            if (b == null) {
                return null;
            }
            times[n++] = b.time();
        }
        long[] known = Arrays.copyOf(times, n);
        Arrays.sort(known);
        return known[n / 2];
    }
}
