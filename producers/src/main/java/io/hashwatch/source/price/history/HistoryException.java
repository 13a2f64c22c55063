package io.hashwatch.source.price.history;

import java.io.IOException;

/** Daily history could not be had from an exchange (or from any); the message names the exchange and request. */
public class HistoryException extends IOException {
    private static final long serialVersionUID = 1L;

    public HistoryException(String message) {
        super(message);
    }

    public HistoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
