package io.hashwatch.bitcoin;

/** The ancestors of a header along its own branch. */
@FunctionalInterface
public interface Ancestors {
    /** The ancestor at {@code height}, or null when it is before the known history. */
    BlockSummary at(long height);
}
