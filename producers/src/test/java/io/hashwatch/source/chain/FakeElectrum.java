package io.hashwatch.source.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.MerkleBranch;
import io.hashwatch.model.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * An Electrum server (protocol 1.4) over TLS on 127.0.0.1, with a certificate made at test time by the JDK's
 * keytool, serving a chain the test gives it: real headers, and for blocks given whole their coinbase and the merkle
 * branch computed from the real block's txids. It pushes new tips to subscribed sessions, answers batches, and can
 * misbehave on the way: stall, close, lie about a branch or a header. A reply may be delayed (a round trip).
 */
public final class FakeElectrum implements AutoCloseable {
    /** How the server misbehaves from now on, on the methods that serve blocks. */
    public enum Fault { NONE, STALL, CLOSE, WRONG_BRANCH, WRONG_HEADER, ERROR_OBJECT, THROTTLE }

    /** A block given whole: its txids (block order) and its coinbase transaction (hex). */
    public record Block(List<String> txids, String coinbaseHex) {
    }

    private static final char[] PASSWORD = "fake-electrum".toCharArray();
    private static volatile Path keystore;

    private final ServerSocket server;
    private final TreeMap<Long, String> headers = new TreeMap<>();
    private final Map<Long, Block> blocks = new ConcurrentHashMap<>();
    private final Map<String, String> coinbaseByTxid = new ConcurrentHashMap<>();
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final AtomicLong replies = new AtomicLong();
    private final Thread acceptor;
    volatile Fault fault = Fault.NONE;
    /** With {@link Fault#WRONG_BRANCH}: the heights from which the branches are true again (all lie by default). */
    volatile long wrongBranchBelow = Long.MAX_VALUE;
    public volatile long replyDelayMs;
    private final boolean tls;

    /** Over TLS. */
    public FakeElectrum() {
        this(true);
    }

    /** Over TLS, or plain TCP ({@code tcp://}: for a client whose trust store the test cannot set). */
    public FakeElectrum(boolean tls) {
        this.tls = tls;
        try {
            if (tls) {
                SSLContext ctx = SSLContext.getInstance("TLS");
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keyStore(), PASSWORD);
                ctx.init(kmf.getKeyManagers(), null, null);
                server = ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ((SSLServerSocket) server).setNeedClientAuth(false);
            } else {
                server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        acceptor = new Thread(this::acceptLoop, "fake-electrum-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The client side's trust: the test certificate alone. */
    public static SSLContext clientContext() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(keyStore());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed certificate for localhost and 127.0.0.1, made once per JVM with keytool. */
    private static synchronized KeyStore keyStore() throws Exception {
        if (keystore == null) {
            Path dir = Files.createTempDirectory("fake-electrum");
            Path ks = dir.resolve("server.p12");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "fake", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                    "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD),
                    "-keypass", new String(PASSWORD)).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            ks.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            keystore = ks;
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    /** ssl://127.0.0.1:PORT, or tcp:// */
    public ElectrumServer address() {
        return new ElectrumServer("127.0.0.1", server.getLocalPort(), tls);
    }

    public synchronized void put(long height, BlockHeader header) {
        headers.tailMap(height, true).clear();
        headers.put(height, header.hex());
    }

    public void put(long height, BlockHeader header, Block block) {
        put(height, header);
        blocks.put(height, block);
        coinbaseByTxid.put(block.txids().get(0), block.coinbaseHex());
    }

    /** Pushes the tip to every subscribed session. */
    public void announce() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("jsonrpc", "2.0");
        n.put("method", "blockchain.headers.subscribe");
        n.putArray("params").add(tipNode());
        for (Session s : sessions) {
            if (s.subscribed) {
                s.write(n.toString());
            }
        }
    }

    long calls(String method) {
        AtomicLong c = calls.get(method);
        return c == null ? 0 : c.get();
    }

    /** Reply lines sent (a batch is one): the round trips a client waited for. */
    public long replies() {
        return replies.get();
    }

    int sessions() {
        return (int) sessions.stream().filter(s -> !s.socket.isClosed()).count();
    }

    private synchronized ObjectNode tipNode() {
        ObjectNode tip = Json.MAPPER.createObjectNode();
        tip.put("height", headers.lastKey());
        tip.put("hex", headers.lastEntry().getValue());
        return tip;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                Session session = new Session(s);
                sessions.add(session);
                Thread t = new Thread(session::run, "fake-electrum-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private final class Session {
        final Socket socket;
        volatile boolean subscribed;

        Session(Socket socket) {
            this.socket = socket;
        }

        void run() {
            try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    JsonNode req = Json.MAPPER.readTree(line);
                    String reply;
                    if (req.isArray()) {
                        ArrayNode out = Json.MAPPER.createArrayNode();
                        for (JsonNode r : req) {
                            JsonNode a = answer(r);
                            if (a == null) {
                                out = null;
                                break;
                            }
                            out.add(a);
                        }
                        reply = out == null ? null : out.toString();
                    } else {
                        JsonNode a = answer(req);
                        reply = a == null ? null : a.toString();
                    }
                    if (reply == null) {
                        continue; // stalled, or closed
                    }
                    if (replyDelayMs > 0) {
                        Thread.sleep(replyDelayMs);
                    }
                    replies.incrementAndGet();
                    write(reply);
                }
            } catch (IOException | InterruptedException e) {
                // the session ends
            }
        }

        synchronized void write(String line) {
            try {
                OutputStream out = socket.getOutputStream();
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                // the client left
            }
        }

        /** The reply to one request; null to send nothing (a stall, or the socket closed). */
        private JsonNode answer(JsonNode req) throws IOException {
            String method = req.path("method").asText();
            JsonNode p = req.path("params");
            calls.computeIfAbsent(method, m -> new AtomicLong()).incrementAndGet();
            ObjectNode reply = Json.MAPPER.createObjectNode();
            reply.put("jsonrpc", "2.0");
            reply.set("id", req.get("id"));
            boolean serving = !method.equals("server.version") && !method.equals("blockchain.headers.subscribe")
                    && !(method.equals("blockchain.block.header") && p.path(0).asLong() == 0);
            Fault f = fault;
            if (serving && f == Fault.STALL) {
                return null;
            }
            if (serving && f == Fault.CLOSE) {
                socket.close();
                return null;
            }
            if (serving && f == Fault.ERROR_OBJECT) {
                return error(reply, "daemon error: internal (fake)");
            }
            if (serving && f == Fault.THROTTLE) {
                return error(reply, "excessive resource usage"); // ElectrumX's words past its cost limit
            }
            switch (method) {
                case "server.version" -> reply.putArray("result").add("FakeElectrum 1.0").add("1.4");
                case "blockchain.headers.subscribe" -> {
                    subscribed = true;
                    reply.set("result", tipNode());
                }
                case "blockchain.block.header" -> {
                    String h;
                    synchronized (FakeElectrum.this) {
                        h = headers.get(p.path(0).asLong());
                    }
                    if (h == null) {
                        return error(reply, "height " + p.path(0).asLong() + " out of range");
                    }
                    reply.put("result", f == Fault.WRONG_HEADER ? tamper(h) : h);
                }
                case "blockchain.block.headers" -> {
                    long start = p.path(0).asLong();
                    int count = Math.min(2016, p.path(1).asInt());
                    StringBuilder hex = new StringBuilder();
                    int n = 0;
                    synchronized (FakeElectrum.this) {
                        for (long h = start; h < start + count && headers.containsKey(h); h++, n++) {
                            hex.append(f == Fault.WRONG_HEADER && n == 0 ? tamper(headers.get(h)) : headers.get(h));
                        }
                    }
                    ObjectNode r = reply.putObject("result");
                    r.put("count", n);
                    r.put("hex", hex.toString());
                    r.put("max", 2016);
                }
                case "blockchain.transaction.id_from_pos" -> {
                    Block b = blocks.get(p.path(0).asLong());
                    int pos = p.path(1).asInt();
                    if (b == null || pos >= b.txids().size()) {
                        return error(reply, "no tx at position " + pos + " in block " + p.path(0).asLong());
                    }
                    ObjectNode r = reply.putObject("result");
                    r.put("tx_hash", b.txids().get(pos));
                    ArrayNode merkle = r.putArray("merkle");
                    List<String> branch = new ArrayList<>(MerkleBranch.of(b.txids(), pos));
                    if (f == Fault.WRONG_BRANCH && !branch.isEmpty() && p.path(0).asLong() < wrongBranchBelow) {
                        branch.set(0, tamper(branch.get(0)));
                    }
                    branch.forEach(merkle::add);
                }
                case "blockchain.transaction.get" -> {
                    String txid = p.path(0).asText();
                    String hex = coinbaseByTxid.get(txid);
                    if (hex == null) {
                        return error(reply, "no such transaction " + txid);
                    }
                    reply.put("result", hex);
                }
                case "server.ping" -> reply.putNull("result");
                default -> {
                    return error(reply, "unknown method " + method);
                }
            }
            return reply;
        }
    }

    private static ObjectNode error(ObjectNode reply, String message) {
        ObjectNode e = reply.putObject("error");
        e.put("code", 1);
        e.put("message", message);
        return reply;
    }

    /** The same hex with its first byte changed: a header that no longer meets its proof of work, a wrong hash. */
    private static String tamper(String hex) {
        char c = hex.charAt(0) == '0' ? '1' : '0';
        return c + hex.substring(1);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Session s : sessions) {
            try {
                s.socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
