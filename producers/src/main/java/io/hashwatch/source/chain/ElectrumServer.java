package io.hashwatch.source.chain;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * An Electrum server's address: {@code ssl://HOST:PORT} (TLS, the default scheme; port 50002 by default) or
 * {@code tcp://HOST:PORT} (plain; port 50001 by default). A bare {@code HOST[:PORT]} means {@code ssl://}.
 */
public record ElectrumServer(String host, int port, boolean tls) {
    public static final int DEFAULT_TLS_PORT = 50002;
    public static final int DEFAULT_TCP_PORT = 50001;

    public ElectrumServer {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("an Electrum server needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " outside 1..65535");
        }
    }

    /**
     * Parses {@code ssl://HOST:PORT}, {@code tcp://HOST:PORT} or {@code HOST[:PORT]}.
     *
     * @throws IllegalArgumentException saying what to fix
     */
    public static ElectrumServer parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("empty Electrum server address (expected ssl://HOST:PORT or"
                    + " tcp://HOST:PORT)");
        }
        String s = url.strip();
        if (!s.contains("://")) {
            s = "ssl://" + s;
        }
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not an Electrum server address (expected"
                    + " ssl://HOST:PORT or tcp://HOST:PORT): " + e.getMessage());
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = switch (scheme) {
            case "ssl", "tls" -> true;
            case "tcp" -> false;
            default -> throw new IllegalArgumentException("'" + url + "': scheme " + scheme + " is not ssl or tcp");
        };
        if (uri.getHost() == null || uri.getUserInfo() != null || (uri.getPath() != null && !uri.getPath().isEmpty()
                && !uri.getPath().equals("/")) || uri.getQuery() != null) {
            throw new IllegalArgumentException("'" + url + "' is not an Electrum server address (expected"
                    + " ssl://HOST:PORT or tcp://HOST:PORT, nothing else)");
        }
        int port = uri.getPort() < 0 ? (tls ? DEFAULT_TLS_PORT : DEFAULT_TCP_PORT) : uri.getPort();
        return new ElectrumServer(uri.getHost(), port, tls);
    }

    @Override
    public String toString() {
        return (tls ? "ssl://" : "tcp://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
