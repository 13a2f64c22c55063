package io.hashwatch.source;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How a source says what went wrong, in one line. */
public final class Failures {
    private Failures() {
    }

    /**
     * The cause chain without the future wrappers, at most four deep: "ConnectException <- UnresolvedAddressException".
     */
    public static String describe(Throwable e) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (Throwable t = e; t != null && depth < 4; t = t.getCause() == t ? null : t.getCause()) {
            if ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
                continue;
            }
            if (out.length() > 0) {
                out.append(" <- ");
            }
            out.append(t.getClass().getSimpleName());
            if (t.getMessage() != null && (t.getCause() == null || !t.getMessage().equals(t.getCause().toString()))) {
                out.append(": ").append(t.getMessage());
            }
            depth++;
        }
        return out.toString();
    }
}
