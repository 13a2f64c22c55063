package io.hashwatch.model;

import java.util.List;

/**
 * The pools of the 144, 1,008 and 4,320 blocks ending at a network's best-chain tip (topic {@code pool-windows}, key
 * the network). The windows move at every block but restate nearly the same aggregate: the record of a network is
 * published once a commit interval with the latest tip's windows (in a live run, every block; in a backfill, about
 * once a second), as a cached KTable forwards on commit. Who mined each block is on {@code pools}.
 *
 * @param height   the tip the windows end at
 * @param hash     its hash
 * @param time     its time
 * @param poolList which pool list attributed the blocks (the bundled list's origin, or the file given)
 * @param windows  the statistics over the last 144, 1008 and 4320 blocks, in that order
 * @param droughts each identified pool with at least 2% of the 1,008-block window: blocks since its last block and
 *                 the odds of so long a gap at its share, largest share first
 */
public record PoolWindowsRecord(String network, long height, String hash, long time, String poolList,
                                List<PoolWindow> windows, List<PoolDrought> droughts) {
    /** Pools whose share of the 1,008-block window gets a drought entry. */
    public static final double DROUGHT_MIN_SHARE = 0.02;

    public PoolWindowsRecord {
        windows = List.copyOf(windows);
        droughts = droughts == null ? List.of() : List.copyOf(droughts);
    }

    /**
     * A pool's drought: how long since it found a block, and how unlikely that is at its share.
     *
     * @param share              the share used: its blocks / the blocks with a coinbase of the window
     * @param shareWindowBlocks  the window the share is of (1008)
     * @param blocksSinceLast    best-chain blocks after its last one (0: it mined this block)
     * @param probability        (1 - share)^blocksSinceLast: the chance that a pool of that share finds none of
     *                           that many blocks
     */
    public record PoolDrought(int id, String slug, double share, int shareWindowBlocks, long blocksSinceLast,
                              double probability) {
    }

    /**
     * The pools of the window of {@code windowBlocks} blocks ending at this block.
     *
     * @param windowBlocks        the window's nominal size (144, 1008, 4320)
     * @param blocks              the blocks the window holds (less than the nominal size while history is short)
     * @param full                whether {@code blocks} is the nominal size
     * @param withCoinbase        blocks with a coinbase (attributed or unknown): the denominator of every share
     * @param unknownBlocks       blocks with a coinbase no pool matched
     * @param unattributedBlocks  blocks without a coinbase
     * @param unknownShare        unknownBlocks / withCoinbase
     * @param networkHashrateHps  Bitcoin Core's getnetworkhashps over the window's blocks, null without an interval
     * @param topPoolSlug         the pool with the most blocks (ties: the lower id), null without any
     * @param topShare            its share
     * @param hhi                 Herfindahl-Hirschman index: the sum of the squared shares of the identified pools
     *                            (0..1; unknown blocks are not one pool and are left out)
     * @param nakamotoCoefficient the fewest identified pools holding more than half of withCoinbase; null when all
     *                            of them together do not
     * @param emptyBlocks         blocks with the coinbase alone, among those with a known tx count
     * @param blocksWithTxCount   blocks whose tx count is known
     * @param pools               the identified pools with blocks in this window or the next longer one, most
     *                            blocks first
     */
    public record PoolWindow(int windowBlocks, int blocks, boolean full, int withCoinbase, int unknownBlocks,
                             int unattributedBlocks, Double unknownShare, Double networkHashrateHps,
                             @Nullable String topPoolSlug, Double topShare, Double hhi, Integer nakamotoCoefficient,
                             int emptyBlocks, int blocksWithTxCount, List<PoolShare> pools) {
        public PoolWindow {
            pools = List.copyOf(pools);
        }
    }

    /**
     * One pool in a window.
     *
     * @param share             blocks / the window's withCoinbase
     * @param hashrateHps       share x the window's network hashrate
     * @param luck              blocks / (its share of the next longer window x this window's withCoinbase); null
     *                          for the longest window
     * @param emptyBlocks       its blocks with the coinbase alone
     * @param blocksWithTxCount its blocks whose tx count is known
     */
    public record PoolShare(int id, String slug, String name, int blocks, double share, Double hashrateHps,
                            Double luck, int emptyBlocks, int blocksWithTxCount) {
    }
}
