package io.hashwatch.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

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
 * @param coinbaseScriptSigHex   the coinbase input's script (hex), from a source that gives it without the
 *                               transaction (mempool.space's bulk {@code extras.coinbaseRaw}); null with
 *                               {@code coinbase_hex}, which holds it
 * @param coinbasePayoutAddresses the addresses the coinbase pays, from the same kind of source
 *                               ({@code extras.coinbaseAddresses}); null with {@code coinbase_hex}
 * @param coinbaseFill   true on a record that brings the coinbase of a block already published (a source filling the
 *                       history's coinbases in the background): it says nothing of the chain's tip, the pipeline
 *                       attributes the block again and counts no duplicate; absent otherwise
 */
public record HeaderRecord(String network, long height, String headerHex, Long feesSat, Integer txCount,
                           @Nullable String source, Long observedTimeMs,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String coinbaseHex,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Long feesClaimedSat,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String coinbaseScriptSigHex,
                           @JsonInclude(JsonInclude.Include.NON_NULL) List<String> coinbasePayoutAddresses,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Boolean coinbaseFill) {
    /** The longest coinbase a record carries (hex characters); a source leaves a longer one out. */
    public static final int MAX_COINBASE_HEX = 200_000;
    /** A coinbase script is 2..100 bytes (consensus); a longer one is left out. */
    public static final int MAX_SCRIPT_SIG_HEX = 200;
    /** The most payout addresses a record carries, and the longest one (a P2TR address is 62 characters). */
    public static final int MAX_PAYOUT_ADDRESSES = 32;
    public static final int MAX_ADDRESS_LENGTH = 100;

    public HeaderRecord {
        coinbasePayoutAddresses = coinbasePayoutAddresses == null ? null : List.copyOf(coinbasePayoutAddresses);
    }

    /** A record of the chain (not a coinbase fill). */
    public HeaderRecord(String network, long height, String headerHex, Long feesSat, Integer txCount, String source,
                        Long observedTimeMs, String coinbaseHex, Long feesClaimedSat, String coinbaseScriptSigHex,
                        List<String> coinbasePayoutAddresses) {
        this(network, height, headerHex, feesSat, txCount, source, observedTimeMs, coinbaseHex, feesClaimedSat,
                coinbaseScriptSigHex, coinbasePayoutAddresses, null);
    }

    /** A record with its coinbase transaction, or none (the layout of the second version). */
    public HeaderRecord(String network, long height, String headerHex, Long feesSat, Integer txCount, String source,
                        Long observedTimeMs, String coinbaseHex, Long feesClaimedSat) {
        this(network, height, headerHex, feesSat, txCount, source, observedTimeMs, coinbaseHex, feesClaimedSat, null,
                null);
    }

    /** A record without coinbase (the layout of the first version). */
    public HeaderRecord(String network, long height, String headerHex, Long feesSat, Integer txCount, String source,
                        Long observedTimeMs) {
        this(network, height, headerHex, feesSat, txCount, source, observedTimeMs, null, null, null, null);
    }

    /**
     * The same record without its coinbase and claimed fees (what the pipeline keeps of one that does not parse); a
     * coinbase fill stays one.
     */
    public HeaderRecord withoutCoinbase() {
        return new HeaderRecord(network, height, headerHex, feesSat, txCount, source, observedTimeMs, null, null,
                null, null, coinbaseFill);
    }

    /** This record as a coinbase fill: the coinbase of a block already published, for the pools. */
    public HeaderRecord asCoinbaseFill() {
        return new HeaderRecord(network, height, headerHex, feesSat, txCount, source, observedTimeMs, coinbaseHex,
                feesClaimedSat, coinbaseScriptSigHex, coinbasePayoutAddresses, Boolean.TRUE);
    }

    /** Whether this record only brings the coinbase of a block already published. */
    public boolean fillsCoinbase() {
        return Boolean.TRUE.equals(coinbaseFill);
    }
}
