package io.hashwatch.topology;

import io.hashwatch.bitcoin.Ancestors;
import java.util.Arrays;
import java.util.function.LongUnaryOperator;

/**
 * Block times by height in a ring, with the least and greatest time of each aligned run of {@link #CHUNK} heights:
 * the time extremes of a window (the span of Core's {@code getnetworkhashps}) in about n / 32 steps instead of n.
 */
final class TimeRing {
    /** Heights per run of time extremes; divides the capacity, so a run maps to one slot range. */
    static final int CHUNK = 32;

    private final int capacity;
    private final long[] heights;
    private final long[] times;
    /** Per run of heights (slot / CHUNK): which run it holds (height / CHUNK), how many of its heights, extremes. */
    private final long[] chunkRun;
    private final int[] chunkCount;
    private final long[] chunkMin;
    private final long[] chunkMax;

    TimeRing(int capacity) {
        if (capacity % CHUNK != 0) {
            throw new IllegalArgumentException("capacity " + capacity + " is not a multiple of " + CHUNK);
        }
        this.capacity = capacity;
        heights = new long[capacity];
        times = new long[capacity];
        chunkRun = new long[capacity / CHUNK];
        chunkCount = new int[capacity / CHUNK];
        chunkMin = new long[capacity / CHUNK];
        chunkMax = new long[capacity / CHUNK];
        clear();
    }

    void clear() {
        Arrays.fill(heights, -1);
        Arrays.fill(chunkRun, -1);
    }

    /** The time of {@code height}, or {@link Ancestors#UNKNOWN_TIME} when the ring does not hold it. */
    long time(long height) {
        if (height < 0) {
            return Ancestors.UNKNOWN_TIME;
        }
        int slot = slot(height);
        return heights[slot] == height ? times[slot] : Ancestors.UNKNOWN_TIME;
    }

    void put(long height, long time) {
        int slot = slot(height);
        boolean replaced = heights[slot] == height;
        heights[slot] = height;
        times[slot] = time;
        int chunk = slot / CHUNK;
        long run = height / CHUNK;
        if (replaced) {
            recount(chunk, run);
        } else if (chunkRun[chunk] != run) {
            chunkRun[chunk] = run;
            chunkCount[chunk] = 1;
            chunkMin[chunk] = time;
            chunkMax[chunk] = time;
        } else {
            chunkCount[chunk]++;
            chunkMin[chunk] = Math.min(chunkMin[chunk], time);
            chunkMax[chunk] = Math.max(chunkMax[chunk], time);
        }
    }

    void remove(long height) {
        int slot = slot(height);
        if (heights[slot] == height) {
            heights[slot] = -1;
            recount(slot / CHUNK, height / CHUNK);
        }
    }

    /**
     * Folds the times of heights {@code from..to} into {@code minMax[0]} (the least) and {@code minMax[1]} (the
     * greatest); a height the ring does not hold is read from {@code elsewhere}.
     */
    void fold(long from, long to, long[] minMax, LongUnaryOperator elsewhere) {
        long h = from;
        while (h <= to) {
            int slot = slot(h);
            int chunk = slot / CHUNK;
            if (h % CHUNK == 0 && h + CHUNK - 1 <= to && chunkRun[chunk] == h / CHUNK && chunkCount[chunk] == CHUNK) {
                minMax[0] = Math.min(minMax[0], chunkMin[chunk]);
                minMax[1] = Math.max(minMax[1], chunkMax[chunk]);
                h += CHUNK;
                continue;
            }
            long t = heights[slot] == h ? times[slot] : elsewhere.applyAsLong(h);
            minMax[0] = Math.min(minMax[0], t);
            minMax[1] = Math.max(minMax[1], t);
            h++;
        }
    }

    /** Recomputes a run's extremes from the ring, after one of its heights left or changed. */
    private void recount(int chunk, long run) {
        chunkRun[chunk] = run;
        chunkCount[chunk] = 0;
        chunkMin[chunk] = Long.MAX_VALUE;
        chunkMax[chunk] = Long.MIN_VALUE;
        for (long h = run * CHUNK; h < (run + 1) * CHUNK; h++) {
            int slot = slot(h);
            if (heights[slot] == h) {
                chunkCount[chunk]++;
                chunkMin[chunk] = Math.min(chunkMin[chunk], times[slot]);
                chunkMax[chunk] = Math.max(chunkMax[chunk], times[slot]);
            }
        }
    }

    private int slot(long height) {
        return (int) (height % capacity);
    }
}
