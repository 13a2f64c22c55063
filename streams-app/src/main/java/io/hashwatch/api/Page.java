package io.hashwatch.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The live page at {@code /} (docs/page.md): one HTML file, its script and its style, served from this jar's
 * resources. The page reads the API and {@code /api/v1/events} only; it loads nothing from anywhere else, which its
 * Content-Security-Policy enforces in the browser.
 */
final class Page {
    private static final String ROOT = "/io/hashwatch/api/page/";
    /** Path -> resource and type: a fixed list, so no path a client sends reaches the class loader. */
    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"index.html", "text/html; charset=utf-8"},
            "/page/page.js", new String[] {"page.js", "text/javascript; charset=utf-8"},
            "/page/page.css", new String[] {"page.css", "text/css; charset=utf-8"},
            "/favicon.ico", new String[] {"favicon.svg", "image/svg+xml"});
    private static final Map<String, byte[]> BODIES = load();
    static final String CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; frame-ancestors 'none'";

    private Page() {
    }

    private static Map<String, byte[]> load() {
        java.util.HashMap<String, byte[]> m = new java.util.HashMap<>();
        FILES.forEach((path, f) -> {
            try (InputStream in = Page.class.getResourceAsStream(ROOT + f[0])) {
                if (in == null) {
                    throw new IllegalStateException("resource " + ROOT + f[0] + " missing from the jar");
                }
                m.put(path, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return Map.copyOf(m);
    }

    /** @return false for a path that is not the page's (the caller answers 404) */
    static boolean handle(String path, Request request, Response response, Callback callback) {
        String[] f = FILES.get(path);
        String method = request.getMethod();
        if (f == null || !("GET".equals(method) || "HEAD".equals(method))) {
            return false;
        }
        byte[] body = BODIES.get(path);
        response.setStatus(200);
        var h = response.getHeaders();
        h.put(HttpHeader.CONTENT_TYPE, f[1]);
        h.put(HttpHeader.CONTENT_LENGTH, body.length);
        h.put(HttpHeader.CACHE_CONTROL, "no-cache");
        h.put("Content-Security-Policy", CSP);
        h.put("X-Content-Type-Options", "nosniff");
        response.write(true, ByteBuffer.wrap("HEAD".equals(method) ? new byte[0] : body), callback);
        return true;
    }
}
