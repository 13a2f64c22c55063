package io.hashwatch.pools;

/**
 * Who mined a block, by its coinbase, and how that was found.
 *
 * @param pool  the pool, {@link Pool#UNKNOWN} when nothing matched
 * @param match {@code address}, {@code tag} or {@code none}
 * @param matched the address or tag that matched, null for none
 */
public record Attribution(Pool pool, Match match, String matched) {

    /** How a block was attributed: by a payout address, a coinbase tag, or not at all. */
    public enum Match {
        ADDRESS("address"), TAG("tag"), NONE("none");

        private final String label;

        Match(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public boolean known() {
        return match != Match.NONE;
    }
}
