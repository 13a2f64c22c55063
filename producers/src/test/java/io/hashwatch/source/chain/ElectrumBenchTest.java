package io.hashwatch.source.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hashwatch.bitcoin.BlockHeader;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The Electrum source's figures, opt-in ({@code -Dhashwatch.bench=true}; not part of CI's timing): a fake server over
 * TLS answering each line after {@value #RTT_MS} ms (a public server's round trip), a first run of 400 days of headers
 * (57,600) of which the last 4,320 with proven coinbases, then pushed tips. The chain is mined on regtest, each block
 * coinbase-only with its own coinbase: the proofs are real (the merkle root is the coinbase's txid), which 57,600
 * real mainnet blocks with their coinbases, not in ../shared, could not give. Printed beside the ceiling measured in
 * the same run: the round trips the fake served times {@value #RTT_MS} ms, what no client on one session can beat.
 */
@EnabledIfSystemProperty(named = "hashwatch.bench", matches = "true")
class ElectrumBenchTest {
    static final long RTT_MS = 50;
    static final int HISTORY = 57_600;
    static final int TIPS = 20;

    @Test
    void firstRunAndPushedTipsAt50MsARoundTrip() throws Exception {
        long mineStart = System.nanoTime();
        CoinbaseOnlyChain chain = CoinbaseOnlyChain.mine(HISTORY + TIPS);
        List<BlockHeader> headers = chain.headers();
        List<FakeElectrum.Block> blocks = chain.blocks();
        BlockHeader genesis = headers.get(0);
        System.out.printf("mined %d regtest blocks in %d ms%n", HISTORY + TIPS,
                (System.nanoTime() - mineStart) / 1_000_000);
        try (FakeElectrum server = new FakeElectrum(); Harness h = new Harness(ElectrumSource.ID)) {
            server.put(0, genesis);
            for (int i = 1; i <= HISTORY; i++) {
                server.put(i, headers.get(i), blocks.get(i));
            }
            server.replyDelayMs = RTT_MS;
            ChainSettings s = ElectrumSource.settings().withBackfillBlocks(HISTORY)
                    .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200));
            ElectrumSource source = new ElectrumSource(List.of(server.address()), s,
                    ElectrumSource.DEFAULT_COINBASE_BLOCKS, FakeElectrum.clientContext(), h.metrics, h.log,
                    (r, reason, detail) -> { throw new AssertionError("proof failed: " + detail); });
            long start = System.nanoTime();
            ChainFollower f = h.follow(source, s);
            source.onNewTip(f::wakeUp);
            h.await(() -> h.topic.last() == HISTORY, Duration.ofMinutes(5), "the first run");
            long firstRunMs = (System.nanoTime() - start) / 1_000_000;
            long trips = server.replies();
            long withCoinbase = h.topic.records.stream().filter(r -> r.coinbaseHex() != null).count();
            assertEquals(HISTORY, h.topic.records.size());
            assertEquals(ElectrumSource.DEFAULT_COINBASE_BLOCKS, withCoinbase);
            System.out.printf("first run: %d headers, %d coinbases proven, to the tip in %.1f s (ceiling: %d round"
                    + " trips x %d ms = %.1f s; limit 60 s)%n", HISTORY, withCoinbase, firstRunMs / 1000.0, trips,
                    RTT_MS, trips * RTT_MS / 1000.0);

            long[] latencies = new long[TIPS];
            long[] tipTrips = new long[TIPS];
            for (int i = 0; i < TIPS; i++) {
                int height = HISTORY + 1 + i;
                server.put(height, headers.get(height), blocks.get(height));
                long before = server.replies();
                long t0 = System.nanoTime();
                server.announce();
                long deadline = t0 + Duration.ofSeconds(30).toNanos();
                while (h.topic.last() != height && System.nanoTime() < deadline) {
                    Thread.sleep(1); // not the harness's 20 ms polling: it would round the figure up
                }
                latencies[i] = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(height, h.topic.last(), "tip " + height + " within 30 s");
                tipTrips[i] = server.replies() - before;
                assertEquals(blocks.get(height).coinbaseHex(), h.topic.records.get(h.topic.records.size() - 1)
                        .coinbaseHex());
                Thread.sleep(100);
            }
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            System.out.printf("pushed tip to published record (with its proven coinbase): p50 %d ms, max %d ms over"
                    + " %d tips (ceiling: %d round trips x %d ms = %d ms)%n", sorted[TIPS / 2], sorted[TIPS - 1], TIPS,
                    tipTrips[TIPS / 2], RTT_MS, tipTrips[TIPS / 2] * RTT_MS);
        }
    }
}
