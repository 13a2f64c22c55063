package io.hashwatch.source.chain;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Credentials for Bitcoin Core's RPC (HTTP basic auth), from, in this order: the node's cookie file
 * ({@code --bitcoind-cookie}, re-read when the node refuses it, since bitcoind writes a new one at each start),
 * {@code user:password@} in the URL, or the environment ({@value #USER_ENV}, {@value #PASSWORD_ENV}). The secrets
 * are only ever in the Authorization header; {@link #toString()} and {@link #describe()} never show them.
 */
public final class BitcoindAuth {
    public static final String USER_ENV = "HASHWATCH_BITCOIND_USER";
    public static final String PASSWORD_ENV = "HASHWATCH_BITCOIND_PASSWORD";

    private final Path cookieFile;
    private final String origin;
    private volatile String user;
    private volatile String password;
    /** Why the cookie file could not be read at start-up, or null. */
    private volatile String pending;

    private BitcoindAuth(Path cookieFile, String user, String password, String origin) {
        this.cookieFile = cookieFile;
        this.user = user;
        this.password = password;
        this.origin = origin;
    }

    /** No credentials: the node will answer 401 unless it runs without RPC auth. */
    public static BitcoindAuth none() {
        return new BitcoindAuth(null, null, null, "no credentials");
    }

    public static BitcoindAuth of(String user, String password) {
        return new BitcoindAuth(null, user, password, "user '" + user + "'");
    }

    /**
     * The credentials for a node URL: the cookie file if given, else user-info of the URL, else the environment.
     *
     * A cookie file that cannot be read yet (bitcoind not started) is read again at the first 401; {@link #problem()}
     * says why it could not be read.
     *
     * @throws IllegalArgumentException if the URL's user-info has no password, or only the user is in the environment
     */
    public static BitcoindAuth resolve(URI url, Path cookieFile, Map<String, String> env) {
        if (cookieFile != null) {
            BitcoindAuth a = new BitcoindAuth(cookieFile, null, null, "cookie file " + cookieFile);
            try {
                a.reload();
            } catch (SourceException e) {
                // bitcoind may not be running yet: the file is read again when the node asks for credentials
                a.pending = e.getMessage();
            }
            return a;
        }
        String info = url.getUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("the --bitcoind URL has a user but no password: use"
                        + " http://USER:PASSWORD@host:8332, or " + USER_ENV + "/" + PASSWORD_ENV + ", or"
                        + " --bitcoind-cookie");
            }
            return new BitcoindAuth(null, info.substring(0, colon), info.substring(colon + 1),
                    "user '" + info.substring(0, colon) + "' from the URL");
        }
        String u = env.get(USER_ENV);
        String p = env.get(PASSWORD_ENV);
        if (u != null && !u.isEmpty()) {
            if (p == null) {
                throw new IllegalArgumentException(USER_ENV + " is set but " + PASSWORD_ENV + " is not");
            }
            return new BitcoindAuth(null, u, p, "user '" + u + "' from " + USER_ENV);
        }
        return none();
    }

    /** Reads the cookie file again (after bitcoind restarted and wrote a new one); no-op without a cookie file. */
    boolean reload() throws SourceException {
        if (cookieFile == null) {
            return false;
        }
        String content;
        try {
            content = Files.readString(cookieFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new SourceException(SourceException.Kind.CONNECT, "cannot read the bitcoind cookie file "
                    + cookieFile + " (" + e.getClass().getSimpleName() + "): is bitcoind running? it writes the"
                    + " file at start-up, in its data directory (per network: regtest/.cookie ...)");
        }
        int colon = content.indexOf(':');
        if (colon < 0) {
            throw new SourceException(SourceException.Kind.MALFORMED, "the bitcoind cookie file " + cookieFile
                    + " is not of the form user:password");
        }
        user = content.substring(0, colon);
        password = content.substring(colon + 1);
        pending = null;
        return true;
    }

    /** Why the cookie file could not be read (yet), or null when the credentials are there. */
    public String problem() {
        return pending;
    }

    boolean hasCookie() {
        return cookieFile != null;
    }

    /** The Authorization header value, or null without credentials. */
    String header() {
        String u = user;
        String p = password;
        if (u == null) {
            return null;
        }
        return "Basic " + Base64.getEncoder().encodeToString((u + ":" + p).getBytes(StandardCharsets.UTF_8));
    }

    /** What to scrub from any text that leaves the client. */
    List<String> secrets() {
        List<String> out = new ArrayList<>();
        String p = password;
        if (p != null) {
            out.add(p);
        }
        String h = header();
        if (h != null) {
            out.add(h.substring("Basic ".length()));
        }
        return out;
    }

    /** Where the credentials come from, without them: for log lines. */
    public String describe() {
        return origin;
    }

    @Override
    public String toString() {
        return "BitcoindAuth[" + origin + "]";
    }
}
