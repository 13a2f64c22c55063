package io.hashwatch.model;

import java.util.Locale;

/**
 * Why a record was sent to the dead-letter topic. The label is the metric label value and the
 * {@code hashwatch.reject.reason} header; header codes follow Bitcoin Core's reject strings where Core has one.
 */
public enum RejectReason {
    /** Not JSON, missing or mistyped fields, header hex of the wrong length. */
    MALFORMED,
    /** A network this verifier has no consensus rules for. */
    UNKNOWN_NETWORK,
    /** Hash above the target (Core: high-hash). */
    HIGH_HASH,
    /** Target negative, zero, overflowing or above the network's powLimit. */
    TARGET_OUT_OF_RANGE,
    /** Bits differ from what the retarget rule requires (Core: bad-diffbits). */
    BAD_DIFFBITS,
    /** Time not above the median of the previous 11 blocks (Core: time-too-old). */
    TIME_TOO_OLD,
    /** Time more than two hours ahead of the clock (Core: time-too-new). */
    TIME_TOO_NEW,
    /** Version made obsolete by BIP34/66/65 (Core: bad-version). */
    BAD_VERSION,
    /** Parent unknown: a broken link or a gap (Core: prev-blk-not-found). */
    PREV_BLOCK_NOT_FOUND,
    /** The record's height is not its parent's height plus one. */
    HEIGHT_MISMATCH;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
