package io.hashwatch.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A small HTTP server for hashwatch's endpoints ({@code /metrics}, the Alertmanager webhook), set up so that no client
 * can hold it up: connections are read by Jetty's selector, not by a thread each, requests run on a small pool, and a
 * connection that makes no progress for {@link Settings#idleTimeout()} (a half-sent request, a response nobody reads)
 * is closed. Every setting belongs to this server: nothing is set JVM-wide.
 */
public final class HttpEndpoints implements AutoCloseable {
    /** Request threads of a server by default. */
    public static final int THREADS = 4;
    /** Seconds a connection may stall, sending its request or taking its response, by default. */
    public static final int MAX_REQUEST_SECONDS = 10;

    /** How one server runs. */
    public record Settings(int threads, Duration idleTimeout) {
        public static final Settings DEFAULTS = new Settings(THREADS, Duration.ofSeconds(MAX_REQUEST_SECONDS));

        public Settings {
            if (threads < 1 || idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("threads must be >= 1 and the idle timeout > 0");
            }
        }
    }

    /** What answers one path. */
    @FunctionalInterface
    public interface Endpoint {
        /** @param body the request's body, read as it arrives; a stalled sender times the read out */
        Reply handle(String method, InputStream body) throws IOException;

        /**
         * As {@link #handle(String, InputStream)}, for an endpoint that reads the request's headers.
         *
         * @param header a request header's value by name, or null
         */
        default Reply handle(String method, java.util.function.UnaryOperator<String> header, InputStream body)
                throws IOException {
            return handle(method, body);
        }
    }

    /** An answer: status, content type and the whole body. */
    public record Reply(int status, String contentType, byte[] body) {
        public static Reply text(int status, String text) {
            return new Reply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final Server server;
    private final ServerConnector connector;

    private HttpEndpoints(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Binds {@code address} and serves {@code routes} (exact paths) until closed; other paths answer 404.
     *
     * @param name names the server's threads ({@code name-N})
     * @throws IOException if the address cannot be bound
     */
    public static HttpEndpoints start(InetSocketAddress address, String name, Map<String, Endpoint> routes,
                                      Settings settings) throws IOException {
        return start(address, name, routes, null, settings);
    }

    /**
     * As {@link #start(InetSocketAddress, String, Map, Settings)}, with {@code others} answering the paths that are
     * not in {@code routes} (the HTTP API beside {@code /metrics}). A handler that must not hold this server's few
     * request threads hands its work to its own pool and completes the callback from there.
     *
     * @param others null for none (other paths answer 404)
     */
    public static HttpEndpoints start(InetSocketAddress address, String name, Map<String, Endpoint> routes,
                                      Handler others, Settings settings) throws IOException {
        // One acceptor and one selector thread beside the request threads; none reserved, so the pool stays small.
        QueuedThreadPool pool = new QueuedThreadPool(settings.threads() + 2, 2);
        pool.setName(name);
        pool.setDaemon(true);
        pool.setReservedThreads(0);
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(address.getHostString());
        connector.setPort(address.getPort());
        connector.setIdleTimeout(settings.idleTimeout().toMillis());
        server.addConnector(connector);
        server.setHandler(new Routes(Map.copyOf(routes), others));
        server.setStopTimeout(0);
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly(server);
            throw e;
        } catch (Exception e) {
            stopQuietly(server);
            throw new IOException(e.getMessage(), e);
        }
        return new HttpEndpoints(server, connector);
    }

    /** The bound address (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
    }

    @Override
    public void close() {
        stopQuietly(server);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping: nothing left to serve either way
        }
    }

    private static final class Routes extends Handler.Abstract {
        private final Map<String, Endpoint> routes;
        private final Handler others;

        Routes(Map<String, Endpoint> routes, Handler others) {
            this.routes = routes;
            this.others = others;
            if (others != null) {
                installBean(others);
            }
        }

        @Override
        public void setServer(Server server) {
            super.setServer(server);
            if (others != null) {
                others.setServer(server);
            }
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            Endpoint endpoint = routes.get(Request.getPathInContext(request));
            if (endpoint == null) {
                return others != null && others.handle(request, response, callback);
            }
            Reply reply;
            try (InputStream body = Content.Source.asInputStream(request)) {
                reply = endpoint.handle(request.getMethod(), name -> request.getHeaders().get(name), body);
            }
            response.setStatus(reply.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.body().length);
            response.write(true, ByteBuffer.wrap(reply.body()), callback);
            return true;
        }
    }
}
