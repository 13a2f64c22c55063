package io.hashwatch.launcher;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts a command has started, closed in the reverse order of their start: what depends on a part was started
 * after it, so it stops before it (the sources before the streams app, the streams app before the broker). A part
 * that fails to close is logged and the others still close.
 */
final class Parts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Parts.class);

    private record Part(String name, AutoCloseable part) {
    }

    private final Deque<Part> started = new ArrayDeque<>();

    /** Records a started part (named for the log) and returns it. */
    synchronized <T extends AutoCloseable> T add(String name, T part) {
        started.push(new Part(name, part));
        return part;
    }

    /** Closes every part, the last started first. Idempotent. */
    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            Part p = started.pop();
            try {
                p.part().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("interrupted while stopping the {}", p.name());
            } catch (Exception e) {
                log.warn("stopping the {} failed: {}", p.name(), e.toString());
            }
        }
    }
}
