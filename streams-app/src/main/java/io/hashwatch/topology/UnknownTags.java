package io.hashwatch.topology;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * One network's coinbase tags of unknown blocks over the last day (by block time): a tag seen in
 * {@link #MIN_BLOCKS} or more is a pool the list should name. A block costs a map lookup and the eviction of what
 * left the day; the map is swept when it grows, so tags seen once long ago do not stay.
 */
final class UnknownTags {
    static final long DAY_SECONDS = 86_400;
    static final int MIN_BLOCKS = 3;
    private static final int SWEEP_SIZE = 256;

    private final Map<String, Deque<Long>> seen = new HashMap<>();

    /** Records an unknown block's tag; returns how many blocks of the last day (this one included) carry it. */
    int add(String tag, long time) {
        if (seen.size() >= SWEEP_SIZE) {
            sweep(time);
        }
        Deque<Long> times = seen.computeIfAbsent(tag, t -> new ArrayDeque<>());
        times.addLast(time);
        evict(times, time);
        return times.size();
    }

    /** Tags with at least {@link #MIN_BLOCKS} blocks in the day ending at {@code now}, with their counts. */
    Map<String, Integer> frequent(long now) {
        Map<String, Integer> out = new HashMap<>();
        seen.forEach((tag, times) -> {
            long n = times.stream().filter(t -> t > now - DAY_SECONDS).count();
            if (n >= MIN_BLOCKS) {
                out.put(tag, (int) n);
            }
        });
        return out;
    }

    private static void evict(Deque<Long> times, long now) {
        // Block times are not monotonic: evict from the front while it is out of the day, which is enough to bound
        // the deque by the blocks of about a day.
        while (!times.isEmpty() && times.peekFirst() <= now - DAY_SECONDS) {
            times.pollFirst();
        }
    }

    private void sweep(long now) {
        for (Iterator<Deque<Long>> it = seen.values().iterator(); it.hasNext(); ) {
            Deque<Long> times = it.next();
            evict(times, now);
            if (times.isEmpty()) {
                it.remove();
            }
        }
    }
}
