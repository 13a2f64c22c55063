package io.hashwatch.bitcoin;

/**
 * Bytes that are not the Bitcoin structure they were read as (a transaction, a coinbase, a block): the message says
 * what is wrong and at which byte offset, for a dead letter or a log line.
 */
public final class MalformedBitcoinDataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public MalformedBitcoinDataException(String message) {
        super(message);
    }
}
