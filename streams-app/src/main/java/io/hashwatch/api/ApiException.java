package io.hashwatch.api;

/**
 * A request the API answers with an error: the status and a message for the client (never a stack trace).
 *
 * @param retryAfterSeconds sent as {@code Retry-After} when positive (503 while a store restores or moves)
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final int retryAfterSeconds;

    ApiException(int status, String message, int retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message, 0);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message, 0);
    }

    static ApiException unavailable(String message) {
        return new ApiException(503, message, RETRY_AFTER_SECONDS);
    }

    /** A restore or a rebalance of this app's small stores takes seconds. */
    static final int RETRY_AFTER_SECONDS = 5;

    int status() {
        return status;
    }

    int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
