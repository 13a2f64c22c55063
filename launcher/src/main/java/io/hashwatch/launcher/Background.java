package io.hashwatch.launcher;

import java.time.Duration;

/**
 * A replay running on a thread of its own, as a part of a run: closing it asks the replay to stop and waits for its
 * thread (at most {@link #JOIN}), so that what it writes to is closed only after it.
 */
final class Background implements AutoCloseable {
    private static final Duration JOIN = Duration.ofSeconds(30);

    private final Thread thread;
    private final Runnable stop;

    private Background(Thread thread, Runnable stop) {
        this.thread = thread;
        this.stop = stop;
    }

    /** Starts {@code work} on a thread named {@code name}; {@code stop} asks it to end early. */
    static Background start(String name, Runnable work, Runnable stop) {
        Thread t = new Thread(work, name);
        t.start();
        return new Background(t, stop);
    }

    @Override
    public void close() throws InterruptedException {
        stop.run();
        thread.join(JOIN.toMillis());
    }
}
