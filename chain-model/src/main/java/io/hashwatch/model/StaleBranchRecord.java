package io.hashwatch.model;

/**
 * A branch off the best chain that a Bitcoin Core node knows ({@code getchaintips}), topic {@code stale-branches},
 * key {@code network:tip_hash}. A reorganization the pipeline saw is the same event when the {@code reorgs} record's
 * {@code old_tip_hash} is this record's {@code tip_hash} (the pipeline followed the branch first, then left it).
 *
 * @param tipHeight       height of the branch's tip
 * @param tipHash         its hash
 * @param depth           blocks on the branch and not on the best chain (Core's {@code branchlen})
 * @param forkHeight      height of the last block the branch shares with the best chain (tip_height - depth)
 * @param status          Core's status: {@code valid-fork} (validated), {@code valid-headers} (blocks stored, not
 *                        validated) or {@code headers-only} (the node has the headers only)
 * @param activeTipHeight the best chain's height when the branch was seen
 * @param poolId          the pool that mined the branch's tip, from its coinbase, when the node has the block
 *                        (0 unknown); null otherwise
 * @param poolSlug        its slug, null when not known
 * @param coinbaseTag     the printable text of the tip's coinbase script, when the node has the block
 * @param seenAtMs        when hashwatch first saw the branch (wall clock)
 * @param baseline        true for branches the node already listed when hashwatch started following it: history,
 *                        not counted in the stale-block metrics
 * @param reorgSeen       true when hashwatch had published this branch and then followed the reorganization away
 *                        from it: the pipeline's {@code reorgs} record with this {@code old_tip_hash} is the same event
 */
public record StaleBranchRecord(String network, long tipHeight, String tipHash, int depth, long forkHeight,
                                String status, long activeTipHeight, Integer poolId, @Nullable String poolSlug,
                                @Nullable String coinbaseTag, long seenAtMs, boolean baseline, boolean reorgSeen) {
}
