package io.hashwatch.source.price;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A local websocket server on 127.0.0.1 (random port) that the test drives: it records what clients send, and the
 * test sends (recorded) messages to, drops, or stays silent on the latest connection.
 */
final class ReplayServer extends WebSocketServer implements AutoCloseable {
    static final long AWAIT_MS = 10_000;

    private final CountDownLatch started = new CountDownLatch(1);
    private final List<WebSocket> connections = new CopyOnWriteArrayList<>();
    /** Every text message received, in order, with the index of the connection it came on. */
    private final List<String> received = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> receivedOn = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> receivedNanos = Collections.synchronizedList(new ArrayList<>());
    private volatile Exception failure;
    private volatile Script script = (server, index, message) -> { };

    /** Reacts to a client message, on the server's thread (so a reply goes out at once). */
    interface Script {
        void onMessage(ReplayServer server, int connection, String message);
    }

    ReplayServer() throws InterruptedException {
        super(new InetSocketAddress("127.0.0.1", 0));
        setReuseAddr(true);
        setConnectionLostTimeout(0);
        start();
        if (!started.await(AWAIT_MS, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("test websocket server did not start: " + failure);
        }
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + getPort() + "/");
    }

    @Override
    public void onStart() {
        started.countDown();
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        conn.setAttachment(connections.size());
        connections.add(conn);
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        int index = conn.<Integer>getAttachment();
        synchronized (received) {
            received.add(message);
            receivedOn.add(index);
            receivedNanos.add(System.nanoTime());
        }
        script.onMessage(this, index, message);
    }

    ReplayServer script(Script script) {
        this.script = script;
        return this;
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
        onMessage(conn, "binary:" + message.remaining());
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        failure = ex;
    }

    int connectionCount() {
        return connections.size();
    }

    WebSocket connection(int index) {
        return connections.get(index);
    }

    WebSocket latest() {
        return connections.get(connections.size() - 1);
    }

    List<String> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** The messages received on connection {@code index}. */
    List<String> receivedOn(int index) {
        List<String> out = new ArrayList<>();
        synchronized (received) {
            for (int i = 0; i < received.size(); i++) {
                if (receivedOn.get(i) == index) {
                    out.add(received.get(i));
                }
            }
        }
        return out;
    }

    /** Nanos between the first and the last message received on connection {@code index}. */
    long receiveSpanNanos(int index) {
        long first = -1;
        long last = -1;
        synchronized (received) {
            for (int i = 0; i < received.size(); i++) {
                if (receivedOn.get(i) == index) {
                    if (first < 0) {
                        first = receivedNanos.get(i);
                    }
                    last = receivedNanos.get(i);
                }
            }
        }
        return first < 0 ? 0 : last - first;
    }

    /** Waits for the {@code n}-th connection (1-based) to send {@code count} messages; returns them. */
    List<String> awaitMessagesOn(int n, int count) {
        await(() -> connectionCount() >= n && receivedOn(n - 1).size() >= count,
                () -> "connection " + n + " sending " + count + " message(s); received " + received());
        return receivedOn(n - 1);
    }

    void send(int index, String text) {
        connection(index).send(text);
    }

    void sendAll(int index, List<String> texts) {
        WebSocket c = connection(index);
        for (String t : texts) {
            c.send(t);
        }
    }

    /** Closes connection {@code index} from the server side, after what was sent before. */
    void drop(int index) {
        connection(index).close(1001, "test server drops the connection");
    }

    Exception failure() {
        return failure;
    }

    @Override
    public void close() {
        try {
            stop(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls {@code condition} every 10 ms for up to 10 s. */
    static void await(BooleanSupplier condition, String what) {
        await(condition, () -> what);
    }

    /** Polls {@code condition} every 10 ms for up to 10 s; {@code what} describes it (and the state) on failure. */
    static void await(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + AWAIT_MS + " ms waiting for " + what.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what.get(), e);
            }
        }
    }
}
