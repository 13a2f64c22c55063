package io.hashwatch.bench;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.HeaderVerifier;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.source.HeaderFileSource;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/** The sha step: SHA-256d of the file's headers in one thread, and parse + proof-of-work check. */
final class ShaStep {
    private static final int MAX_HEADERS = 100_000;

    private final Report report;
    /** Read by nothing: writing it keeps the JIT from dropping the digests as dead code. */
    private volatile byte digestSink;

    ShaStep(Report report) {
        this.report = report;
    }

    void run(HeaderFileSource source) throws Exception {
        List<byte[]> raw = new ArrayList<>();
        for (HeaderRecord r : source) {
            raw.add(BlockHeader.fromHex(r.headerHex()).raw());
            if (raw.size() == MAX_HEADERS) {
                break;
            }
        }
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        Network network = Network.byName(source.network()).orElseThrow();
        // Warm up both loops, then measure each for 3 s.
        for (int round = 0; round < 2; round++) {
            long duration = round == 0 ? 1_000_000_000L : 3_000_000_000L;
            double digestRate = digestRate(sha256, raw, duration);
            double powRate = proofOfWorkRate(network, raw, duration);
            if (round == 1) {
                report.line("sha: SHA-256d of 80-byte headers, one thread (MessageDigest %s): %,.0f /s; parse +"
                        + " proof-of-work check (HeaderVerifier.checkProofOfWork): %,.0f /s",
                        sha256.getProvider().getName(), digestRate, powRate);
            }
        }
    }

    private double digestRate(MessageDigest sha256, List<byte[]> raw, long durationNanos) {
        long n = 0;
        long t0 = System.nanoTime();
        byte sink = 0;
        while (System.nanoTime() - t0 < durationNanos) {
            for (int i = 0; i < 1000; i++) {
                sha256.update(raw.get((int) (n++ % raw.size())));
                sink ^= sha256.digest(sha256.digest())[0];
            }
        }
        double rate = n * 1e9 / (System.nanoTime() - t0);
        digestSink = sink;
        return rate;
    }

    private static double proofOfWorkRate(Network network, List<byte[]> raw, long durationNanos) {
        long n = 0;
        int accepted = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < durationNanos) {
            for (int i = 0; i < 1000; i++) {
                if (HeaderVerifier.checkProofOfWork(network, BlockHeader.parse(raw.get((int) (n++ % raw.size()))))
                        .accepted()) {
                    accepted++;
                }
            }
        }
        double rate = n * 1e9 / (System.nanoTime() - t0);
        // Also what keeps the JIT from dropping the checks.
        if (accepted == 0) {
            throw new IllegalStateException("no header passed the proof-of-work check");
        }
        return rate;
    }
}
