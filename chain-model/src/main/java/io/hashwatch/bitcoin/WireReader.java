package io.hashwatch.bitcoin;

import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Bounds-checked reading of Bitcoin's wire encodings (little-endian integers, CompactSize, byte strings) over a byte
 * array; every failure is a {@link MalformedBitcoinDataException} naming what was read and the offset.
 */
final class WireReader {
    private static final HexFormat HEX = HexFormat.of();
    private final byte[] data;
    private final int end;
    private int pos;

    WireReader(byte[] data, int offset, int end) {
        if (offset < 0 || end > data.length || offset > end) {
            throw new IllegalArgumentException("range " + offset + ".." + end + " outside " + data.length + " bytes");
        }
        this.data = data;
        this.pos = offset;
        this.end = end;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return end - pos;
    }

    byte[] data() {
        return data;
    }

    private void need(int n, String what) {
        if (n < 0 || end - pos < n) {
            throw new MalformedBitcoinDataException("truncated at byte " + pos + ": " + what + " needs " + n
                    + " bytes, " + (end - pos) + " left");
        }
    }

    int u8(String what) {
        need(1, what);
        return data[pos++] & 0xff;
    }

    long u32(String what) {
        need(4, what);
        long v = (data[pos] & 0xffL) | (data[pos + 1] & 0xffL) << 8 | (data[pos + 2] & 0xffL) << 16
                | (data[pos + 3] & 0xffL) << 24;
        pos += 4;
        return v;
    }

    long i64(String what) {
        need(8, what);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (data[pos + i] & 0xffL);
        }
        pos += 8;
        return v;
    }

    /** A CompactSize, at most {@code max}, in its shortest encoding (as Core requires). */
    long compactSize(String what, long max) {
        int at = pos;
        int first = u8(what);
        long v;
        long least;
        if (first < 0xfd) {
            return check(first, max, what, at);
        } else if (first == 0xfd) {
            need(2, what);
            v = (data[pos] & 0xffL) | (data[pos + 1] & 0xffL) << 8;
            pos += 2;
            least = 0xfd;
        } else if (first == 0xfe) {
            v = u32(what);
            least = 0x10000;
        } else {
            v = i64(what);
            least = 0x100000000L;
        }
        if (v < least) {
            throw new MalformedBitcoinDataException(what + " at byte " + at + ": non-canonical CompactSize " + v);
        }
        return check(v, max, what, at);
    }

    private static long check(long v, long max, String what, int at) {
        if (v < 0 || v > max) {
            throw new MalformedBitcoinDataException(what + " at byte " + at + ": " + Long.toUnsignedString(v)
                    + " is more than " + max);
        }
        return v;
    }

    byte[] bytes(int n, String what) {
        need(n, what);
        byte[] out = new byte[n];
        System.arraycopy(data, pos, out, 0, n);
        pos += n;
        return out;
    }

    void skip(long n, String what) {
        if (n > Integer.MAX_VALUE) {
            throw new MalformedBitcoinDataException(what + " at byte " + pos + ": length " + n);
        }
        need((int) n, what);
        pos += (int) n;
    }

    String hex(int n, String what) {
        need(n, what);
        String s = HEX.formatHex(data, pos, pos + n);
        pos += n;
        return s;
    }

    /** Feeds {@code data[from..to)} to a digest. */
    void digest(MessageDigest md, int from, int to) {
        md.update(data, from, to - from);
    }
}
