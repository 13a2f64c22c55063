package io.hashwatch.source.chain;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;

/** Keeps credentials out of log lines, metrics and exception messages. */
public final class Redact {
    private Redact() {
    }

    /** The URI without its user-info ({@code http://user:pw@host/} becomes {@code http://***@host/}). */
    public static String uri(URI uri) {
        if (uri == null) {
            return "null";
        }
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        try {
            return new URI(uri.getScheme(), "***", uri.getHost(), uri.getPort(), uri.getPath(), null, null)
                    .toString();
        } catch (URISyntaxException e) {
            return uri.getScheme() + "://***@" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        }
    }

    /** A URL given as text, redacted; what does not parse as a URI loses everything between "//" and "@". */
    public static String uri(String text) {
        if (text == null) {
            return "null";
        }
        try {
            return uri(new URI(text.trim()));
        } catch (URISyntaxException e) {
            return text.replaceAll("//[^/@\\s]*@", "//***@");
        }
    }

    /** The URI without user-info, for requests: credentials go in the Authorization header only. */
    public static URI withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri;
        }
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
                    uri.getFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot strip the credentials from " + uri(uri), e);
        }
    }

    /** {@code text} with every secret (of at least 4 characters) replaced by {@code ***}. */
    public static String scrub(String text, Collection<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            if (s != null && s.length() >= 4) {
                out = out.replace(s, "***");
            }
        }
        return out.replaceAll("//[^/@\\s\"]*:[^/@\\s\"]*@", "//***@");
    }
}
