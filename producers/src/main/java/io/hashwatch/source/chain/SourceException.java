package io.hashwatch.source.chain;

import java.util.Locale;

/**
 * A failed exchange with a chain source, with its kind (the {@code kind} label of
 * {@code hashwatch_source_errors}). Messages never hold credentials: clients build them from redacted URLs.
 */
public final class SourceException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, as counted in the metrics. */
    public enum Kind {
        /** No connection: refused, unreachable, name not resolved, reset. */
        CONNECT,
        /** No reply within the request timeout (or the connect timeout). */
        TIMEOUT,
        /** An HTTP status that is not a success (401, 403, 429, 5xx ...). */
        HTTP,
        /** A reply that is not of the expected layout (not JSON, missing fields, a header that is not 80 bytes...). */
        MALFORMED,
        /** A JSON-RPC error from Bitcoin Core (warm-up, unknown method, block not found ...). */
        RPC_ERROR,
        /** A server asked to slow down: a throttling reply (Electrum servers' cost limits), or HTTP 429. */
        THROTTLED,
        /**
         * A coinbase a server could not prove: its merkle branch does not lead to the header's merkle root, or the
         * transaction does not hash to the txid (dead-lettered {@code coinbase_proof_failed}).
         */
        COINBASE_PROOF,
        /** The source is on another chain than the one being followed, or diverges below the checked heights. */
        WRONG_CHAIN,
        /** The source's network is one the verifier has no rules for (testnet3, or a chain name Core may add). */
        UNSUPPORTED_NETWORK,
        /** The headers topic could not be read or written (Kafka). */
        KAFKA,
        /** A bug: an unexpected exception in the follower (logged with its stack trace). */
        INTERNAL;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final long retryAfterMillis;
    private final Integer rpcCode;

    public SourceException(Kind kind, String message) {
        this(kind, message, -1, null);
    }

    public SourceException(Kind kind, String message, Throwable cause) {
        this(kind, message, -1, cause);
    }

    /** @param retryAfterMillis the server's Retry-After, or -1 */
    public SourceException(Kind kind, String message, long retryAfterMillis, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.retryAfterMillis = retryAfterMillis;
        this.rpcCode = null;
    }

    /** A JSON-RPC error reply of Bitcoin Core, with its error code. */
    public static SourceException rpc(int code, String message) {
        return new SourceException(message, code);
    }

    private SourceException(String message, int rpcCode) {
        super(message);
        this.kind = Kind.RPC_ERROR;
        this.retryAfterMillis = -1;
        this.rpcCode = rpcCode;
    }

    /** The JSON-RPC error code of an {@link Kind#RPC_ERROR}, else null. */
    public Integer rpcCode() {
        return rpcCode;
    }

    public Kind kind() {
        return kind;
    }

    /** How long the server asked to wait (HTTP Retry-After), or -1. */
    public long retryAfterMillis() {
        return retryAfterMillis;
    }
}
