package io.hashwatch.model;

/**
 * A switch of the best chain to a branch with more work (topic {@code reorgs}, key: network).
 *
 * @param forkHeight    height of the last block both branches share
 * @param depth         blocks disconnected from the old branch
 * @param added         blocks connected from the new branch
 * @param detectedAtMs  wall-clock time the switch was processed
 */
public record ReorgRecord(String network, long forkHeight, String forkHash, long oldTipHeight, String oldTipHash,
                          long newTipHeight, String newTipHash, int depth, int added, long detectedAtMs) {
}
