package io.hashwatch.pools;

import java.util.HexFormat;

/**
 * The printable text of a coinbase scriptSig, for people: runs of printable ASCII (space to '~') of at least
 * {@link #MIN_RUN} characters, joined by a single space, at most {@link #MAX_LENGTH} characters. The BIP34 height,
 * extranonces and other binary bytes fall out; nothing that could be a control or markup-breaking character
 * (beyond plain ASCII punctuation) gets through, so dashboards and logs can show it as it is.
 */
public final class CoinbaseTag {
    public static final int MAX_LENGTH = 64;
    /** Shorter runs are mostly bytes of the height or the extranonce that happen to be printable. */
    static final int MIN_RUN = 4;

    private CoinbaseTag() {
    }

    public static String of(String scriptSigHex) {
        byte[] b = HexFormat.of().parseHex(scriptSigHex);
        StringBuilder out = new StringBuilder();
        StringBuilder run = new StringBuilder();
        for (int i = 0; i <= b.length; i++) {
            int c = i < b.length ? b[i] & 0xff : -1;
            if (c >= 0x20 && c <= 0x7e) {
                run.append((char) c);
                continue;
            }
            String r = run.toString().strip();
            if (r.length() >= MIN_RUN) {
                if (!out.isEmpty()) {
                    out.append(' ');
                }
                out.append(r);
            }
            run.setLength(0);
        }
        String s = out.toString();
        return s.length() <= MAX_LENGTH ? s : s.substring(0, MAX_LENGTH);
    }
}
