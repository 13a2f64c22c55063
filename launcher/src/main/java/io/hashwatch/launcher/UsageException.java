package io.hashwatch.launcher;

/** A configuration or argument error the user must fix: reported as one message, exit code 2, no stack trace. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
