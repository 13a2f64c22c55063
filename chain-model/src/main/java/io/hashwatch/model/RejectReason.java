package io.hashwatch.model;

import java.util.Locale;

/**
 * Why a record was sent to the dead-letter topic. The label is the metric label value and the
 * {@code hashwatch.reject.reason} header; header codes follow Bitcoin Core's reject strings where Core has one.
 */
public enum RejectReason {
    /** Not JSON, missing or mistyped fields, header hex of the wrong length. */
    MALFORMED(true, true),
    /** A network this verifier has no consensus rules for. */
    UNKNOWN_NETWORK(true, false),
    /** Hash above the target (Core: high-hash). */
    HIGH_HASH(true, false),
    /** Target negative, zero, overflowing or above the network's powLimit. */
    TARGET_OUT_OF_RANGE(true, false),
    /** Bits differ from what the retarget rule requires (Core: bad-diffbits). */
    BAD_DIFFBITS(true, false),
    /** Time not above the median of the previous 11 blocks (Core: time-too-old). */
    TIME_TOO_OLD(true, false),
    /**
     * BIP94 (testnet4): the first block of an epoch dated more than 600 s before its parent (Core:
     * time-timewarp-attack).
     */
    TIME_TIMEWARP_ATTACK(true, false),
    /**
     * Time more than two hours ahead of the clock (Core: time-too-new); for a price tick, its trade time (a tick from
     * the future would move the reference price's stream time ahead and make every real tick late).
     */
    TIME_TOO_NEW(true, true),
    /** Version made obsolete by BIP34/66/65 (Core: bad-version). */
    BAD_VERSION(true, false),
    /** Parent unknown: a broken link or a gap (Core: prev-blk-not-found). */
    PREV_BLOCK_NOT_FOUND(true, false),
    /** The record's height is not its parent's height plus one. */
    HEIGHT_MISMATCH(true, false),
    /**
     * A header record whose {@code coinbase_hex} is not a coinbase transaction (or not of the block's BIP34 height):
     * dead-lettered, and the header is processed without it.
     */
    MALFORMED_COINBASE(true, false),
    /**
     * A coinbase a source could not prove (Electrum: its merkle branch does not lead to the header's merkle root, or
     * the transaction does not hash to its txid): dead-lettered by the source, which publishes the header without it.
     */
    COINBASE_PROOF_FAILED(true, false),
    /**
     * A coinbase fill ({@link HeaderRecord#coinbaseFill()}) for a block that is not the best chain's at its height (a
     * reorganization since the source read it, or another chain): its coinbase attributes nothing.
     */
    FILL_NOT_ON_BEST_CHAIN(true, false),
    /** A price that is not a number, zero or negative, or beyond the configured absurd bounds. */
    PRICE_OUT_OF_RANGE(false, true),
    /** A pair the reference price is not made of (only BTC-USD is). */
    UNKNOWN_PAIR(false, true);

    private final boolean header;
    private final boolean price;

    RejectReason(boolean header, boolean price) {
        this.header = header;
        this.price = price;
    }

    /** Whether header records can be rejected for this reason. */
    public boolean appliesToHeaders() {
        return header;
    }

    /** Whether price ticks can be rejected for this reason. */
    public boolean appliesToPrices() {
        return price;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
