package io.hashwatch.source.chain;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.Network;
import java.util.List;

/**
 * A live source of block headers: a Bitcoin Core node ({@link BitcoindClient}) or an Esplora / mempool.space API
 * ({@link EsploraClient}). Every call is one or a few blocking requests; every failure is a {@link SourceException}
 * of a kind. Implementations report each successful reply to their {@link ChainSourceMetrics}.
 */
public interface ChainSource extends AutoCloseable {

    /**
     * What a source tells of a coinbase without giving the transaction (mempool.space in bulk): its input script
     * (hex, at most {@link io.hashwatch.model.HeaderRecord#MAX_SCRIPT_SIG_HEX}) and the addresses it pays (each
     * printable, bounded). Enough to say which pool mined the block.
     */
    record CoinbaseParts(String scriptSigHex, List<String> payoutAddresses) {
        public CoinbaseParts {
            payoutAddresses = List.copyOf(payoutAddresses);
        }
    }

    /**
     * A tip of the node's block tree (Bitcoin Core's {@code getchaintips}).
     *
     * @param branchLength blocks on the branch and not on the best chain: 0 for the active tip
     * @param status       {@code active}, {@code valid-fork}, {@code valid-headers}, {@code headers-only} or
     *                     {@code invalid}
     */
    record ChainTip(long height, String hash, int branchLength, String status) {
        public boolean active() {
            return "active".equals(status);
        }

        /** A branch off the best chain that is not known invalid: a stale branch. */
        public boolean stale() {
            return !active() && !"invalid".equals(status);
        }

        /** Whether the node stores the branch's blocks (so its coinbase can be read). */
        public boolean hasBlocks() {
            return "valid-fork".equals(status) || "valid-headers".equals(status);
        }
    }

    /** The source's best chain tip and its network. */
    record Tip(Network network, long height, String hash, boolean syncing) {
    }

    /**
     * One block as the source gives it: the 80-byte header (its hash checked against the hash it was asked for),
     * and fees, transaction count, the raw coinbase transaction (hex) and the coinbase's total output value
     * ({@code rewardSat}: mempool.space's {@code extras.reward}, for sources that give it without the transaction)
     * where the source has them (else null), and the coinbase's parts where a source gives them instead of it.
     */
    record Block(long height, BlockHeader header, Long feesSat, Integer txCount, String coinbaseHex,
                 Long rewardSat, CoinbaseParts coinbaseParts) {
        public Block(long height, BlockHeader header, Long feesSat, Integer txCount) {
            this(height, header, feesSat, txCount, null, null, null);
        }

        public Block(long height, BlockHeader header, Long feesSat, Integer txCount, String coinbaseHex) {
            this(height, header, feesSat, txCount, coinbaseHex, null, null);
        }

        public Block(long height, BlockHeader header, Long feesSat, Integer txCount, String coinbaseHex,
                     Long rewardSat) {
            this(height, header, feesSat, txCount, coinbaseHex, rewardSat, null);
        }

        public String hash() {
            return header.hash();
        }
    }

    /** The {@code source} label and the {@code source} field of the published records: bitcoind, esplora. */
    String id();

    /** Where the source is, for log lines: a URL without credentials. */
    String describe();

    /** Tip height and hash, and the network (from the node's chain name or the genesis block). */
    Tip tip() throws SourceException;

    /** Hash of the block at {@code height} on the source's best chain, or null when the chain is not that high. */
    String hashAt(long height) throws SourceException;

    /** The block with this hash (at this height on the best chain when asked). */
    Block block(long height, String hash) throws SourceException;

    /**
     * Blocks at {@code height} and below, as many as the source gives in one request (mempool.space: 15, Esplora:
     * 10), highest first; empty when the source has no such bulk call. Each header is checked against its hash.
     */
    default List<Block> blocksDownFrom(long height) throws SourceException {
        return List.of();
    }

    /**
     * Blocks {@code from..to} (or fewer: as many as one bulk round gives), lowest first and contiguous, each header
     * checked against its hash; empty when the source has no such call or no block at {@code from}.
     */
    default List<Block> blocksUpFrom(long from, long to) throws SourceException {
        return List.of();
    }

    /**
     * Blocks {@code from..to} (or fewer: one polite batch), lowest first and contiguous, each with its coinbase where
     * the source could give (and prove) it: the coinbases of history published without them, filled in the
     * background ({@link #fillsCoinbases()}). Empty when the source has no such call.
     */
    default List<Block> coinbasesUpFrom(long from, long to) throws SourceException {
        return List.of();
    }

    /**
     * Whether the follower should fill in the background the coinbases of the history it published without them (a
     * source that gives coinbases only for the last blocks of a first run's history: Electrum).
     */
    default boolean fillsCoinbases() {
        return false;
    }

    /** The least time between two {@link #coinbasesUpFrom} calls: what keeps a background fill polite. */
    default java.time.Duration fillSpacing() {
        return java.time.Duration.ZERO;
    }

    /** Whether {@link #blocksUpFrom} is what the follower should use for more than one block. */
    /** The node's chain tips, active one included; empty for a source that cannot tell (Esplora). */
    default List<ChainTip> chainTips() throws SourceException {
        return List.of();
    }

    default boolean hasRangeCall() {
        return false;
    }

    /** How many blocks {@link #blocksDownFrom} gives at most; 0 when the source has no bulk call. */
    default int batchSize() {
        return 0;
    }

    /** Whether the last blocks came with fees; false after the source said it cannot give them. */
    default boolean feesAvailable() {
        return true;
    }

    ChainSourceMetrics metrics();

    @Override
    void close();
}
