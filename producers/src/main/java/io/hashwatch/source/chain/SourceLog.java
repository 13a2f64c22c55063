package io.hashwatch.source.chain;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one header source: every line at info and above also goes to the listeners (tests, and anything that
 * wants the source's state changes), prefixed by the source id. Lines never hold credentials.
 */
public final class SourceLog {
    private static final Logger log = LoggerFactory.getLogger("io.hashwatch.source.chain");

    /** Told about each line logged at info, warn or error. */
    public interface Listener {
        void logged(String level, String message);
    }

    private final String source;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public SourceLog(String source) {
        this.source = source;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public void info(String message) {
        String line = source + ": " + message;
        log.info(line);
        tell("INFO", line);
    }

    public void warn(String message) {
        String line = source + ": " + message;
        log.warn(line);
        tell("WARN", line);
    }

    public void error(String message, Throwable e) {
        String line = source + ": " + message;
        log.error(line, e);
        tell("ERROR", line + (e == null ? "" : ": " + e));
    }

    public void debug(String message) {
        if (log.isDebugEnabled()) {
            log.debug(source + ": " + message);
        }
    }

    private void tell(String level, String line) {
        for (Listener l : listeners) {
            try {
                l.logged(level, line);
            } catch (RuntimeException e) {
                log.debug("a source log listener failed: {}", e.toString());
            }
        }
    }
}
