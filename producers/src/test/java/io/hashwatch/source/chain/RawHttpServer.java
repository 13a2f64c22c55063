package io.hashwatch.source.chain;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on plain sockets, for the connection behaviours the JDK server cannot show: {@link Behaviour#CLOSE}
 * answers {@code HTTP/1.0} without keep-alive and closes the connection after each reply (Python's
 * {@code http.server}, some proxies and RPC front-ends); {@link Behaviour#DROP_IDLE} keeps connections alive but
 * closes one that stays idle for {@code idleMillis} (Bitcoin Core's {@code -rpcservertimeout}), without telling the
 * client. The replies come from a {@link FakeBitcoind}. Each reply is one write on a TCP_NODELAY socket, so the fake
 * adds no Nagle/delayed-ACK latency.
 */
final class RawHttpServer implements AutoCloseable {
    enum Behaviour { CLOSE, DROP_IDLE }

    private final FakeBitcoind node;
    private final Behaviour behaviour;
    private final int idleMillis;
    private final ServerSocket socket;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "raw-http");
        t.setDaemon(true);
        return t;
    });
    /** Connections accepted, and connections the server closed while idle. */
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger idleDrops = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();

    RawHttpServer(FakeBitcoind node, Behaviour behaviour, int idleMillis) throws IOException {
        this.node = node;
        this.behaviour = behaviour;
        this.idleMillis = idleMillis;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        executor.execute(this::accept);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                connections.incrementAndGet();
                executor.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                if (behaviour == Behaviour.DROP_IDLE) {
                    s.setSoTimeout(idleMillis);
                }
                String head;
                try {
                    head = readHead(in);
                } catch (SocketTimeoutException e) {
                    idleDrops.incrementAndGet();
                    return; // idle too long: closed under the client's feet
                }
                if (head == null) {
                    return;
                }
                s.setSoTimeout(5_000);
                String[] lines = head.split("\r\n");
                String[] requestLine = lines[0].split(" ");
                int length = 0;
                String authorization = null;
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon < 0) {
                        continue;
                    }
                    String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = lines[i].substring(colon + 1).trim();
                    if (name.equals("content-length")) {
                        length = Integer.parseInt(value);
                    } else if (name.equals("authorization")) {
                        authorization = value;
                    }
                }
                byte[] body = in.readNBytes(length);
                requests.incrementAndGet();
                FakeBitcoind.Answer a = node.answer(requestLine.length > 1 ? requestLine[1] : "/", authorization,
                        body);
                boolean binary = "application/octet-stream".equals(a.headers().get("Content-Type"));
                byte[] payload = a.body().getBytes(binary ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
                StringBuilder h = new StringBuilder();
                h.append(behaviour == Behaviour.CLOSE ? "HTTP/1.0 " : "HTTP/1.1 ").append(a.status())
                        .append(a.status() == 200 ? " OK" : " Error").append("\r\n");
                if (!a.headers().containsKey("Content-Type")) {
                    h.append("Content-Type: application/json\r\n");
                }
                a.headers().forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
                h.append("Content-Length: ").append(payload.length).append("\r\n\r\n");
                ByteArrayOutputStream reply = new ByteArrayOutputStream(h.length() + payload.length);
                reply.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
                reply.writeBytes(payload);
                out.write(reply.toByteArray());
                out.flush();
                if (behaviour == Behaviour.CLOSE) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client went away
        }
    }

    /** The request line and headers up to the blank line; null at end of stream before any byte. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                    ? state + 1 : 0;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
        executor.shutdownNow();
    }
}
