package io.hashwatch.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A block header as a source saw it: the input of the chain pipeline (topic {@code headers}, key: network).
 * The raw 80-byte header is the authority; height is the source's claim and is checked against the parent.
 *
 * @param network        network name: mainnet, regtest
 * @param height         block height
 * @param headerHex      the 80-byte wire-format header, 160 hex characters
 * @param feesSat        total fees of the block in satoshis, when the source knows them
 * @param txCount        number of transactions, when known
 * @param source         where the header came from (file, bitcoind, esplora)
 * @param observedTimeMs when the source saw it, ms since the epoch
 * @param coinbaseHex    the block's coinbase transaction, raw hex as serialized in the block, when the source gave
 *                       it (absent in older records and from sources without it)
 * @param feesClaimedSat the fees the miner claimed: the coinbase's outputs minus the subsidy, when the coinbase is
 *                       known and parses; negative when the miner claimed less than the subsidy
 */
public record HeaderRecord(String network, long height, String headerHex, Long feesSat, Integer txCount,
                           String source, Long observedTimeMs,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String coinbaseHex,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Long feesClaimedSat) {
    /** The longest coinbase a record carries (hex characters); a source leaves a longer one out. */
    public static final int MAX_COINBASE_HEX = 200_000;

    /** A record without coinbase (the layout of the first version). */
    public HeaderRecord(String network, long height, String headerHex, Long feesSat, Integer txCount, String source,
                        Long observedTimeMs) {
        this(network, height, headerHex, feesSat, txCount, source, observedTimeMs, null, null);
    }

    /** The same record without its coinbase and claimed fees (what the pipeline keeps of one that does not parse). */
    public HeaderRecord withoutCoinbase() {
        return new HeaderRecord(network, height, headerHex, feesSat, txCount, source, observedTimeMs);
    }
}
