package io.hashwatch.source.price;

import io.hashwatch.model.PriceTick;
import io.hashwatch.source.Pacing;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands replayed price ticks (e.g. a {@link PriceCsvSource}) to a sink in order, paced like the header replay
 * ({@link Pacing}): as fast as possible, or in accelerated real time, sleeping {@code (t[i] - t[i-1]) / speed}
 * between ticks with trade times {@code t} (each sleep capped by the pacing's {@code maxSleep}). Logs a progress
 * line about every 2 s. The sink is not flushed: flush a {@link PricePublisher} afterwards.
 *
 * <p>{@link #stop()} (from another thread) ends a running {@link #replay} after the current tick, cutting a sleep
 * short.
 */
public final class PriceReplay {
    private static final Logger log = LoggerFactory.getLogger(PriceReplay.class);
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** Waits up to a time unless stopped; a seam for tests. */
    interface Sleeper {
        /** Waits {@code millis} or until {@code stopSignal} opens; true if it opened. */
        boolean sleep(long millis, CountDownLatch stopSignal) throws InterruptedException;
    }

    /** What one {@link #replay} did; times are the first and last tick's trade times, ms (-1 when none). */
    public record Result(long published, long firstTimeMs, long lastTimeMs, Duration elapsed, boolean stopped) {
    }

    private final Sleeper sleeper;
    private final LongSupplier nanoClock;
    private final CountDownLatch stopSignal = new CountDownLatch(1);

    public PriceReplay() {
        this((millis, stop) -> stop.await(millis, TimeUnit.MILLISECONDS), System::nanoTime);
    }

    PriceReplay(Sleeper sleeper, LongSupplier nanoClock) {
        this.sleeper = sleeper;
        this.nanoClock = nanoClock;
    }

    /**
     * Sends every tick in order, pacing as asked.
     *
     * @throws IllegalStateException if interrupted while pacing
     */
    public Result replay(Iterable<PriceTick> ticks, Consumer<PriceTick> sink, Pacing pacing) {
        long start = nanoClock.getAsLong();
        long lastProgress = start;
        long count = 0;
        long first = -1;
        long last = -1;
        long prevSeconds = Long.MIN_VALUE;
        for (PriceTick t : ticks) {
            if (stopped()) {
                break;
            }
            long seconds = Math.floorDiv(t.tradeTimeMs(), 1000);
            if (pacing.paced() && prevSeconds != Long.MIN_VALUE) {
                long sleep = pacing.sleepMillis(prevSeconds, seconds);
                try {
                    if (sleep > 0 && sleeper.sleep(sleep, stopSignal)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while pacing price ticks", e);
                }
            }
            prevSeconds = seconds;
            sink.accept(t);
            count++;
            if (first < 0) {
                first = t.tradeTimeMs();
            }
            last = t.tradeTimeMs();
            long now = nanoClock.getAsLong();
            if (now - lastProgress >= PROGRESS_NANOS) {
                log.info("replayed {} price ticks, at {}", count, java.time.Instant.ofEpochMilli(last));
                lastProgress = now;
            }
        }
        Duration elapsed = Duration.ofNanos(nanoClock.getAsLong() - start);
        if (count > 0) {
            log.info("replayed {} price ticks ({} .. {}) in {} s{}", count, java.time.Instant.ofEpochMilli(first),
                    java.time.Instant.ofEpochMilli(last), String.format("%.1f", elapsed.toMillis() / 1000.0),
                    stopped() ? " (stopped)" : "");
        }
        return new Result(count, first, last, elapsed, stopped());
    }

    public void stop() {
        stopSignal.countDown();
    }

    public boolean stopped() {
        return stopSignal.getCount() == 0;
    }
}
