package io.hashwatch.pools;

import java.util.List;

/**
 * One entry of the mining-pools list: its id (the list's, stable within one list), name, slug (as mempool.space
 * makes it: the name's letters and digits, lower case), payout addresses and coinbase tags (case-insensitive
 * regular expressions), and its web site.
 */
public record Pool(int id, String name, String slug, List<String> addresses, List<String> tags, String link) {
    /** What a block with a coinbase that no entry matches is attributed to. */
    public static final Pool UNKNOWN = new Pool(0, "Unknown", "unknown", List.of(), List.of(), null);

    public Pool {
        addresses = List.copyOf(addresses);
        tags = List.copyOf(tags);
    }

    /** mempool.space's slug of a pool name: its ASCII letters and digits, lower case. */
    public static String slugOf(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "").toLowerCase(java.util.Locale.ROOT);
    }
}
