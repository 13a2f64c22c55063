package io.hashwatch.bench;

import io.hashwatch.bitcoin.BlockGaps;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.DifficultyForecast;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.bitcoin.Work;
import io.hashwatch.model.HeaderRecord;
import java.util.List;

/**
 * The per-header cost of the issue-23 signals alone, in one thread over the file's headers, parsed beforehand: the
 * difficulty forecast as ChainProcessor calls it, and the pure calls the pools processor adds per block (droughts of
 * ~20 pools, the network gap, the median time past, the fee shares). Printed beside the full topology's
 * stream-thread CPU per header of the same run.
 */
final class SignalsMeter {
    /** Keeps the JIT from dropping the measured calls. */
    static volatile double blackhole;
    /** Pools with 2% or more of the 1,008-block window: about 20 on mainnet. */
    private static final int DROUGHT_POOLS = 20;

    private SignalsMeter() {
    }

    /** Nanoseconds a header, over {@code rounds} passes after one warm-up pass. */
    static double nanosPerHeader(List<HeaderRecord> records, Network network, int rounds) {
        int size = records.size();
        long[] time = new long[size];
        long[] bits = new long[size];
        long first = records.get(0).height();
        for (int i = 0; i < size; i++) {
            BlockHeader h = BlockHeader.fromHex(records.get(i).headerHex());
            time[i] = h.time();
            bits[i] = h.bits();
        }
        double sink = pass(network, first, time, bits);
        long t0 = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            sink += pass(network, first, time, bits);
        }
        long elapsed = System.nanoTime() - t0;
        blackhole = sink;
        return elapsed / (double) rounds / size;
    }

    /** One pass: what ChainProcessor.difficulty adds per block for the forecast. */
    private static double pass(Network network, long firstHeight, long[] time, long[] bits) {
        double sum = 0;
        for (int i = 0; i < time.length; i++) {
            long h = firstHeight + i;
            int inEpoch = (int) (h % Network.RETARGET_INTERVAL);
            int start = i - inEpoch;
            if (start < 0) {
                continue;
            }
            Double previousChange = start >= 1 ? Work.difficulty(bits[start]) / Work.difficulty(bits[start - 1]) - 1
                    : null;
            int quarter = i - DifficultyForecast.QUARTER_WINDOW_INTERVALS;
            Long quarterTime = inEpoch < DifficultyForecast.QUARTER_WINDOW_INTERVALS && quarter >= 0
                    && previousChange != null ? time[quarter] : null;
            DifficultyForecast f = DifficultyForecast.forecast(network, inEpoch, bits[start], bits[i], time[start],
                    time[i], quarterTime, previousChange, true);
            if (f != null) {
                sum += f.changeP50() + f.probabilityDecrease();
            }
            // The pools processor's share: the droughts of the ~20 pools above 2% of the window, the network gap,
            // the median time past (11 reads and a sort) and the fee shares.
            for (int p = 0; p < DROUGHT_POOLS; p++) {
                sum += BlockGaps.poolGapProbability(0.02 + p * 0.01, (h + p) % 200);
            }
            if (i >= 11) {
                sum += BlockGaps.networkGapProbability(time[i] - time[i - 1], Work.difficulty(bits[i]),
                        Work.difficulty(bits[i]) * 4_294_967_296.0 / 600);
                long[] past = new long[11];
                System.arraycopy(time, i - 11, past, 0, 11);
                java.util.Arrays.sort(past);
                sum += time[i] == past[5] + 1 ? 1 : 0;
                sum += (double) (h % 1000) / (5_000_000_000L + h) / (2.0 * ((h % 4000) + 1) / 5_000_000_000L);
            }
        }
        return sum;
    }
}
