package io.hashwatch.model;

/**
 * Network hashrate estimates at a block (topic {@code hashrate}, key {@code network:height}). Each window value is
 * Bitcoin Core's {@code getnetworkhashps n height}; a {@code *_full} flag is false while history is shorter than
 * the window, and the value then covers the blocks there are.
 */
public record HashrateRecord(String network, long height, String hash, long time,
                             Double hashrate1dHps, Double hashrate3dHps, Double hashrate7dHps,
                             Double hashrateEpochHps,
                             Double hashrate7dBiasCorrectedHps,
                             Double hashrate7dLower95Hps, Double hashrate7dUpper95Hps,
                             Double hashrate1dLower95Hps, Double hashrate1dUpper95Hps,
                             boolean window1dFull, boolean window3dFull, boolean window7dFull,
                             boolean windowEpochFull, int epochWindowBlocks) {
}
