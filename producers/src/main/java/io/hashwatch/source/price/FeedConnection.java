package io.hashwatch.source.price;

import io.hashwatch.model.PriceTick;
import io.hashwatch.source.Failures;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one exchange websocket feed flowing into a sink of {@link PriceTick}s, with the JDK's
 * {@link java.net.http.WebSocket} client.
 *
 * <p>A background thread connects, sends the feed's subscribe messages, and hands every message to the feed's
 * {@link FeedParser}; ticks go to the sink. The connection is dropped and reopened when the server closes it, on an
 * error, when the exchange asks for it ({@link FeedEvent.Type#RECONNECT}), and when no message came for
 * {@link FeedSettings#silenceTimeout()} (the silence watchdog; counted as stale). Reconnects wait with exponential
 * backoff and jitter ({@link FeedSettings#backoffMillis}); the backoff starts over after a connection that received
 * messages. Every reconnect subscribes again.
 *
 * <p>Nothing a message contains can end the loop: a message the parser rejects is counted
 * ({@code hashwatch_source_parse_failures}), a sink that throws is counted ({@code hashwatch_source_publish_failures}).
 * State changes are logged once each (up, then down with the reason, then up again), retries only at debug level.
 * Metrics: {@link SourceMetrics}.
 */
public final class FeedConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FeedConnection.class);
    /** A message longer than this (in chars, over its fragments) drops the connection. */
    static final int MAX_MESSAGE_CHARS = 8 * 1024 * 1024;
    private static final int WARN_PER_CONNECTION = 3;

    /** Told about each state change (the ones that are logged); called from the feed's threads. */
    public interface StateListener {
        void stateChanged(boolean up, String reason);
    }

    private final ExchangeFeed feed;
    private final FeedSettings settings;
    private final Consumer<PriceTick> sink;
    private final SourceMetrics metrics;
    private final LongSupplier clockMs;
    private final DoubleSupplier random;
    private final ExecutorService ioExecutor;
    private final HttpClient client;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final Object parserLock = new Object();
    private final Object stateLock = new Object();
    private volatile StateListener listener = (up, reason) -> { };
    private volatile Session current;
    private Thread thread;
    /** The state last logged: null before the first. Guarded by stateLock. */
    private Boolean reportedUp;
    private long downSinceMs;

    public FeedConnection(ExchangeFeed feed, FeedSettings settings, Consumer<PriceTick> sink,
                          MeterRegistry registry) {
        this(feed, settings, sink, registry, System::currentTimeMillis, () -> ThreadLocalRandom.current().nextDouble());
    }

    FeedConnection(ExchangeFeed feed, FeedSettings settings, Consumer<PriceTick> sink, MeterRegistry registry,
                   LongSupplier clockMs, DoubleSupplier random) {
        this.feed = feed;
        this.settings = settings;
        this.sink = sink;
        this.metrics = new SourceMetrics(registry, feed.id());
        this.clockMs = clockMs;
        this.random = random;
        AtomicInteger n = new AtomicInteger();
        this.ioExecutor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hashwatch-feed-" + feed.id() + "-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().executor(ioExecutor).connectTimeout(settings.connectTimeout()).build();
    }

    public ExchangeFeed feed() {
        return feed;
    }

    public SourceMetrics metrics() {
        return metrics;
    }

    /** True while connected and receiving (the {@code hashwatch_source_up} gauge). */
    public boolean isUp() {
        return metrics.up();
    }

    public void setStateListener(StateListener listener) {
        this.listener = listener == null ? (up, reason) -> { } : listener;
    }

    /** Starts the connection loop on a daemon thread; returns at once. */
    public synchronized FeedConnection start() {
        if (thread != null) {
            throw new IllegalStateException(feed.id() + " feed already started");
        }
        if (stopped()) {
            throw new IllegalStateException(feed.id() + " feed already closed");
        }
        thread = new Thread(this::runLoop, "hashwatch-feed-" + feed.id());
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Closes the connection (a normal websocket close) and ends the loop; waits for it briefly. Idempotent. */
    @Override
    public void close() {
        stopSignal.countDown();
        Session s = current;
        if (s != null) {
            s.end("closing");
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(settings.connectTimeout().toMillis() + 2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ioExecutor.shutdownNow();
    }

    private boolean stopped() {
        return stopSignal.getCount() == 0;
    }

    private void runLoop() {
        int failures = 0;
        boolean first = true;
        log.info("{}: connecting to {}", feed.id(), feed.uri());
        while (!stopped()) {
            if (!first) {
                metrics.reconnect();
            }
            first = false;
            Session s = new Session();
            current = s;
            String reason = runSession(s);
            markDown(reason);
            if (stopped()) {
                break;
            }
            if (s.messages > 0) {
                failures = 0;
            }
            long delay = settings.backoffMillis(failures, random.getAsDouble());
            failures = Math.min(failures + 1, 30);
            log.debug("{}: reconnecting in {} ms after: {}", feed.id(), delay, reason);
            try {
                if (stopSignal.await(delay, TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        markDown("stopped");
    }

    /** One connection, from connect to its end; returns why it ended. */
    private String runSession(Session s) {
        WebSocket ws;
        synchronized (parserLock) {
            feed.parser().reset();
        }
        CompletableFuture<WebSocket> connecting = client.newWebSocketBuilder()
                .connectTimeout(settings.connectTimeout())
                .buildAsync(feed.uri(), s);
        try {
            CompletableFuture.anyOf(connecting, s.ended)
                    .get(settings.connectTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return "connect to " + feed.uri() + " failed: " + Failures.describe(e);
        } catch (TimeoutException e) {
            connecting.thenAccept(WebSocket::abort);
            return "connect to " + feed.uri() + " timed out after " + settings.connectTimeout().toMillis() + " ms";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connecting.thenAccept(WebSocket::abort);
            return "interrupted";
        }
        if (!connecting.isDone()) {
            connecting.thenAccept(WebSocket::abort);
            return s.ended.getNow("closing");
        }
        ws = connecting.join();
        try {
            for (String sub : feed.subscribeMessages()) {
                send(ws, sub);
            }
            long silenceNanos = settings.silenceTimeout().toNanos();
            long keepAliveNanos = settings.keepAliveInterval().toNanos();
            long check = Math.min(1_000, settings.silenceTimeout().toMillis() / 5);
            if (feed.keepAliveMessage() != null) {
                check = Math.min(check, settings.keepAliveInterval().toMillis() / 2);
            }
            check = Math.max(10, check);
            long since = System.nanoTime();
            s.lastMessageNanos = since;
            long lastKeepAlive = since;
            while (true) {
                try {
                    return s.ended.get(check, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // check the watchdog and the keep-alive below
                }
                if (stopped()) {
                    return "closing";
                }
                long now = System.nanoTime();
                long silent = now - s.lastMessageNanos;
                if (silent > silenceNanos) {
                    metrics.markStale();
                    return "stale: no message for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms (silence timeout "
                            + settings.silenceTimeout().toMillis() + " ms)";
                }
                if (feed.keepAliveMessage() != null && now - lastKeepAlive >= keepAliveNanos) {
                    send(ws, feed.keepAliveMessage());
                    lastKeepAlive = now;
                }
            }
        } catch (ExecutionException e) {
            return "send failed: " + Failures.describe(e);
        } catch (TimeoutException e) {
            return "send timed out after " + settings.connectTimeout().toMillis() + " ms";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            s.closed = true;
            if (stopped()) {
                try {
                    ws.sendClose(WebSocket.NORMAL_CLOSURE, "client closing").get(1, TimeUnit.SECONDS);
                } catch (Exception e) {
                    log.debug("{}: close handshake: {}", feed.id(), e.toString());
                }
            }
            ws.abort();
        }
    }

    private void send(WebSocket ws, String text) throws ExecutionException, TimeoutException, InterruptedException {
        ws.sendText(text, true).get(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void markUp() {
        synchronized (stateLock) {
            metrics.up(true);
            if (!Boolean.TRUE.equals(reportedUp)) {
                String reason = reportedUp == null ? "connected to " + feed.uri()
                        : "connected again to " + feed.uri() + " after " + (clockMs.getAsLong() - downSinceMs) / 1000
                        + " s down, " + metrics.reconnects() + " reconnects so far";
                log.info("{} up: {}", feed.id(), reason);
                reportedUp = Boolean.TRUE;
                listener.stateChanged(true, reason);
            }
        }
    }

    private void markDown(String reason) {
        synchronized (stateLock) {
            metrics.up(false);
            if (!Boolean.FALSE.equals(reportedUp)) {
                if (stopped()) {
                    log.info("{} down: {}", feed.id(), reason);
                } else {
                    log.warn("{} down: {}; reconnecting with backoff (retries are logged at debug level)",
                            feed.id(), reason);
                }
                reportedUp = Boolean.FALSE;
                downSinceMs = clockMs.getAsLong();
                listener.stateChanged(false, reason);
            } else {
                log.debug("{} still down: {}", feed.id(), reason);
            }
        }
    }

    /** One websocket connection: the listener of its messages and how it ended. */
    private final class Session implements WebSocket.Listener {
        final CompletableFuture<String> ended = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        volatile long lastMessageNanos = System.nanoTime();
        volatile long messages;
        volatile boolean closed;
        private int warnings;

        void end(String reason) {
            ended.complete(reason);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (partial.length() + data.length() > MAX_MESSAGE_CHARS) {
                partial.setLength(0);
                metrics.parseFailure();
                end("message longer than " + MAX_MESSAGE_CHARS + " chars");
                return null;
            }
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (!closed) {
                    handle(text);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (last && !closed) {
                received();
                metrics.parseFailure();
                warn("unexpected binary message");
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            end("closed by the server (code " + statusCode + (reason == null || reason.isEmpty() ? "" : ", " + reason)
                    + ")");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            end("connection error: " + Failures.describe(error));
        }

        private long received() {
            long now = clockMs.getAsLong();
            lastMessageNanos = System.nanoTime();
            metrics.message(now);
            if (messages++ == 0) {
                markUp();
            }
            return now;
        }

        private void handle(String text) {
            long now = received();
            FeedEvent event;
            try {
                synchronized (parserLock) {
                    event = feed.parser().parse(text, now);
                }
            } catch (RuntimeException e) {
                event = FeedEvent.malformed("parser failed: " + e);
            }
            if (event.gaps() > 0) {
                metrics.gaps(event.gaps());
                log.info("{}: gap in the trade sequence: {}", feed.id(), event.detail());
            }
            switch (event.type()) {
                case TRADES:
                    for (PriceTick tick : event.ticks()) {
                        publish(tick);
                    }
                    break;
                case MALFORMED:
                    metrics.parseFailure();
                    warn("rejected message: " + event.detail());
                    break;
                case ERROR:
                    metrics.exchangeError();
                    log.warn("{}: the exchange reports an error: {}", feed.id(), event.detail());
                    break;
                case RECONNECT:
                    log.info("{}: the exchange asks to reconnect ({})", feed.id(), event.detail());
                    end("the exchange asked to reconnect (" + event.detail() + ")");
                    break;
                case SUBSCRIBED:
                    log.debug("{}: subscribed {}", feed.id(), event.detail());
                    break;
                default:
                    log.trace("{}: {}", feed.id(), event);
            }
        }

        private void publish(PriceTick tick) {
            try {
                sink.accept(tick);
                metrics.tick();
            } catch (RuntimeException e) {
                metrics.publishFailure();
                warn("publishing a tick failed: " + e);
            }
        }

        /** The first few problems of a connection at warn level, the rest at debug: no log flood. */
        private void warn(String message) {
            if (warnings++ < WARN_PER_CONNECTION) {
                log.warn("{}: {}{}", feed.id(), message, warnings == WARN_PER_CONNECTION
                        ? " (further problems of this connection at debug level)" : "");
            } else {
                log.debug("{}: {}", feed.id(), message);
            }
        }
    }

    @Override
    public String toString() {
        return "FeedConnection[" + feed + ", " + (isUp() ? "up" : "down") + "]";
    }
}
