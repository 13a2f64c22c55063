package io.hashwatch.bitcoin;

import java.math.BigInteger;

/** Bitcoin's compact ("nBits") encoding of a 256-bit target, exactly as arith_uint256::SetCompact/GetCompact. */
public final class CompactTarget {
    private CompactTarget() {
    }

    /**
     * Decoded target, or null when the encoding is negative or overflows. A zero target decodes to 0. All three are
     * invalid for proof of work.
     */
    public static BigInteger decode(long bits) {
        int exp = (int) (bits >>> 24) & 0xff;
        // Core tests the sign and overflow on the word after the right shift of small exponents (nWord), so
        // e.g. 0x01803456 is a valid zero, not negative.
        long mant = bits & 0x007fffffL;
        long word = exp <= 3 ? mant >>> (8 * (3 - exp)) : mant;
        boolean negative = word != 0 && (bits & 0x00800000L) != 0;
        boolean overflow = word != 0 && (exp > 34 || (word > 0xff && exp > 33) || (word > 0xffff && exp > 32));
        if (negative || overflow) {
            return null;
        }
        BigInteger m = BigInteger.valueOf(word);
        return exp <= 3 ? m : m.shiftLeft(8 * (exp - 3));
    }

    /** Encodes a non-negative target, losing precision below the top three bytes as consensus does. */
    public static long encode(BigInteger target) {
        int size = (target.bitLength() + 7) / 8;
        long mant = size <= 3
                ? target.longValue() << (8 * (3 - size))
                : target.shiftRight(8 * (size - 3)).longValue();
        if ((mant & 0x00800000L) != 0) {
            mant >>>= 8;
            size++;
        }
        return ((long) size << 24) | mant;
    }

    /** Eight hex digits, as Core shows bits. (Not String.format: this is on the per-block path.) */
    public static String toHex(long bits) {
        String hex = Long.toHexString(bits & 0xffffffffL);
        return "00000000".substring(hex.length()) + hex;
    }
}
