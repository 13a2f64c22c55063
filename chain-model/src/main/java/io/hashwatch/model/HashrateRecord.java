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
                             /* bounds of the 95% intervals */
                             Double hashrate7dLowerHps, Double hashrate7dUpperHps,
                             Double hashrate1dLowerHps, Double hashrate1dUpperHps,
                             boolean window1dFull, boolean window3dFull, boolean window7dFull,
                             boolean windowEpochFull, int epochWindowBlocks) {
}
