package io.hashwatch.model;

/**
 * A verified block of the best chain (topic {@code blocks}, key {@code network:height}).
 *
 * @param verification "full" when every header rule was checked, "partial" when history was missing for some
 */
public record BlockRecord(String network, long height, String hash, String prevHash, long time, String bits,
                          int version, long nonce, double difficulty, String verification, Long feesSat,
                          Integer txCount, @Nullable String source) {
}
