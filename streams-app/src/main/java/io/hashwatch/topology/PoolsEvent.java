package io.hashwatch.topology;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * What the chain processor forwards to the pools processor: each verified header's coinbase (on arrival, when the
 * block does not join the best chain at once), each block connected to the best chain (with its coinbase when it
 * does), and each coinbase a source filled in later for a block already on the best chain. A null value (a height's
 * tombstone, key {@code network:height}) says that the best chain no longer reaches that height.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "event")
@JsonSubTypes({@JsonSubTypes.Type(value = PoolsEvent.Verified.class, name = "verified"),
    @JsonSubTypes.Type(value = PoolsEvent.Connected.class, name = "connected"),
    @JsonSubTypes.Type(value = PoolsEvent.Filled.class, name = "filled")})
sealed interface PoolsEvent permits PoolsEvent.Verified, PoolsEvent.Connected, PoolsEvent.Filled {

    /** A verified header's coinbase (null when the source gave none), claimed fees and tx count. */
    record Verified(String network, long height, String hash, String coinbaseHex, Long feesClaimedSat,
                    Integer txCount, String coinbaseScriptSigHex, List<String> coinbasePayoutAddresses)
            implements PoolsEvent {
        /** A header with its coinbase transaction, or none. */
        Verified(String network, long height, String hash, String coinbaseHex, Long feesClaimedSat,
                 Integer txCount) {
            this(network, height, hash, coinbaseHex, feesClaimedSat, txCount, null, null);
        }
    }

    /**
     * A block connected to the best chain at its height (replacing whatever was there).
     *
     * @param verified the header's coinbase when the header arrived extending the best chain (the usual case: one
     *                 event, no candidate kept); null when it was verified before, as a side-branch block
     */
    record Connected(String network, long height, String hash, long time, String chainworkHex, Verified verified)
            implements PoolsEvent {
        /** A block connected after it was verified. */
        Connected(String network, long height, String hash, long time, String chainworkHex) {
            this(network, height, hash, time, chainworkHex, null);
        }
    }

    /**
     * The coinbase of a block already on the best chain, filled in by the source after the block was connected (the
     * history's older coinbases, in the background): the height is attributed again, nothing else of the chain
     * changes. {@code verified} carries no coinbase when the one sent did not parse (the height's history still
     * goes on).
     *
     * @param time         the block's time, from the best chain
     * @param chainworkHex the chain's work up to the block, from the best chain
     */
    record Filled(Verified verified, long time, String chainworkHex) implements PoolsEvent {
    }
}
