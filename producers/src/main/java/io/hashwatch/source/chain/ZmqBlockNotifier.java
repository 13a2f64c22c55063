package io.hashwatch.source.chain;

import io.hashwatch.source.Failures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Bitcoin Core's ZMQ {@code hashblock} notifications ({@code -zmqpubhashblock=tcp://...}), with JeroMQ: a SUB
 * socket on a daemon thread. Each notification is three frames: the topic {@code hashblock}, the 32-byte block hash
 * (display byte order) and a 4-byte little-endian sequence number. The hash goes to the callback, which wakes the
 * follower; missed notifications do not matter (the follower walks from its last published height to the tip, and
 * polls as the fallback), but sequence gaps are logged. Connection changes are logged once each (from the socket
 * monitor); a malformed message is counted ({@code malformed}) and logged, the first few at warn. A failed
 * subscriber (its I/O thread died, or the callback threw) is logged and replaced, with backoff.
 */
public final class ZmqBlockNotifier implements AutoCloseable {
    public static final String TOPIC = "hashblock";
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final int WARNINGS = 3;
    /** Far above a handshake's few milliseconds on a LAN, and the time a stalled one keeps the socket silent. */
    static final int HANDSHAKE_TIMEOUT_MS = 3_000;
    private static final long MIN_BACKOFF_MS = 1_000;
    private static final long MAX_BACKOFF_MS = 60_000;

    private final String endpoint;
    private final Consumer<String> onBlock;
    private final ChainSourceMetrics metrics;
    private final SourceLog log;
    private final int instance = INSTANCES.incrementAndGet();
    private volatile boolean closed;
    private Thread thread;
    private volatile long notifications;
    private int warnings;
    private Long lastSequence;

    public ZmqBlockNotifier(String endpoint, Consumer<String> onBlock, ChainSourceMetrics metrics, SourceLog log) {
        if (endpoint == null || !endpoint.matches("tcp://[^\\s/]+:\\d{1,5}")) {
            throw new IllegalArgumentException("ZMQ endpoint '" + endpoint + "' is not of the form tcp://HOST:PORT"
                    + " (bitcoind's -zmqpubhashblock)");
        }
        this.endpoint = endpoint;
        this.onBlock = onBlock;
        this.metrics = metrics;
        this.log = log;
    }

    public synchronized ZmqBlockNotifier start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(this::run, "hashwatch-zmq-" + instance);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** hashblock notifications received (well-formed). */
    public long notifications() {
        return notifications;
    }

    private void run() {
        long backoffMs = MIN_BACKOFF_MS;
        while (!closed) {
            long before = notifications;
            Throwable failure = subscribe();
            if (closed) {
                return;
            }
            if (notifications > before) {
                backoffMs = MIN_BACKOFF_MS;
            }
            log.error("ZMQ: the subscriber on " + endpoint + " failed; a new one in " + backoffMs / 1000
                    + " s (polling covers the gap)", failure);
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException e) {
                return;
            }
            backoffMs = Math.min(2 * backoffMs, MAX_BACKOFF_MS);
        }
    }

    /**
     * One subscriber on its own context, until closed (returns null) or failed (returns why). JeroMQ's I/O thread
     * dies on an Error (an assertion of its own, with -ea); the SUB socket then stays silent without a sign, so
     * that death ends this subscriber too, and {@link #run} starts a fresh context.
     */
    private Throwable subscribe() {
        String monitorAddress = "inproc://hashwatch-zmq-monitor-" + instance;
        AtomicReference<Throwable> ioFailure = new AtomicReference<>();
        try (ZContext ctx = new ZContext()) {
            ctx.setUncaughtExceptionHandler((t, e) -> ioFailure.compareAndSet(null, e));
            ctx.setNotificationExceptionHandler((t, e) -> log.warn("ZMQ: JeroMQ's I/O thread " + t.getName()
                    + " recovered from " + Failures.describe(e)));
            ZMQ.Socket sub = ctx.createSocket(SocketType.SUB);
            sub.setLinger(0);
            sub.setReconnectIVL(500);
            sub.setReconnectIVLMax(10_000);
            // JeroMQ 0.6.0 leaves about 3% of new connections with the ZMTP handshake never done (measured against
            // libzmq's PUB, bitcoind's, and JeroMQ's): connected, subscribed, and silent. A short handshake timeout
            // drops such a connection and reconnects; its default, 30 s, would keep the socket deaf that long.
            sub.setHandshakeIvl(HANDSHAKE_TIMEOUT_MS);
            sub.monitor(monitorAddress, ZMQ.EVENT_HANDSHAKE_PROTOCOL | ZMQ.EVENT_DISCONNECTED);
            ZMQ.Socket monitor = ctx.createSocket(SocketType.PAIR);
            monitor.setLinger(0);
            monitor.connect(monitorAddress);
            sub.subscribe(TOPIC.getBytes(StandardCharsets.US_ASCII));
            sub.connect(endpoint);
            log.info("ZMQ: subscribed to " + TOPIC + " on " + endpoint);
            // A blocking receive with a timeout rather than a Poller over both sockets: JeroMQ's poller could miss
            // the SUB socket's readiness after a monitor event and leave notifications unread.
            sub.setReceiveTimeOut(200);
            Boolean connected = null;
            while (!closed && ioFailure.get() == null) {
                for (ZMQ.Event e = ZMQ.Event.recv(monitor, ZMQ.DONTWAIT); e != null;
                     e = ZMQ.Event.recv(monitor, ZMQ.DONTWAIT)) {
                    boolean up = e.getEvent() == ZMQ.EVENT_HANDSHAKE_PROTOCOL;
                    if (!Boolean.valueOf(up).equals(connected)) {
                        if (up) {
                            log.info("ZMQ: connected to " + endpoint);
                        } else {
                            log.warn("ZMQ: disconnected from " + endpoint + "; reconnecting (polling covers"
                                    + " the gap)");
                        }
                        connected = up;
                    }
                }
                ZMsg msg = ZMsg.recvMsg(sub);
                if (msg != null) {
                    handle(msg);
                }
            }
            return closed ? null : ioFailure.get();
        } catch (RuntimeException | Error e) {
            return closed ? null : e;
        }
    }

    private void handle(ZMsg msg) {
        try {
            if (msg.size() != 3) {
                malformed("a message of " + msg.size() + " frames (expected 3: topic, hash, sequence)");
                return;
            }
            String topic = new String(msg.pop().getData(), StandardCharsets.US_ASCII);
            byte[] hash = msg.pop().getData();
            byte[] seq = msg.pop().getData();
            if (!TOPIC.equals(topic)) {
                malformed("topic '" + topic + "' (expected " + TOPIC + ")");
                return;
            }
            if (hash.length != 32 || seq.length != 4) {
                malformed("a " + hash.length + "-byte hash and a " + seq.length + "-byte sequence (expected 32 and 4)");
                return;
            }
            long sequence = ByteBuffer.wrap(seq).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
            if (lastSequence != null && sequence != ((lastSequence + 1) & 0xffffffffL)) {
                log.info("ZMQ: " + TOPIC + " sequence jumped from " + lastSequence + " to " + sequence
                        + " (notifications missed or bitcoind restarted); the follower walks from its last"
                        + " published height");
            }
            lastSequence = sequence;
            notifications++;
            String hex = HexFormat.of().formatHex(hash);
            log.debug("ZMQ: " + TOPIC + " " + hex + " (sequence " + sequence + ")");
            onBlock.accept(hex);
        } finally {
            msg.destroy();
        }
    }

    private void malformed(String what) {
        metrics.error(SourceException.Kind.MALFORMED);
        String line = "ZMQ: ignored " + what + " on " + endpoint;
        if (warnings++ < WARNINGS) {
            log.warn(line + (warnings == WARNINGS ? " (further ones at debug level)" : ""));
        } else {
            log.debug(line);
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
