package io.hashwatch.bitcoin;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An 80-byte Bitcoin block header in wire format. The raw bytes are the authority; the fields are
 * decoded views of them. Hashes are kept in internal (little-endian) byte order and shown reversed.
 */
public final class BlockHeader {
    public static final int SIZE = 80;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] raw;
    private final byte[] hash;

    private BlockHeader(byte[] raw) {
        this.raw = raw;
        this.hash = sha256d(raw);
    }

    /** Parses exactly 80 bytes; anything else is rejected. */
    public static BlockHeader parse(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new IllegalArgumentException("a block header is " + SIZE + " bytes, got " + bytes.length);
        }
        return new BlockHeader(bytes.clone());
    }

    /** Parses 160 hex characters. */
    public static BlockHeader fromHex(String hex) {
        if (hex == null || hex.length() != SIZE * 2) {
            throw new IllegalArgumentException("a block header is " + SIZE * 2 + " hex characters, got "
                    + (hex == null ? "none" : hex.length()));
        }
        return new BlockHeader(HEX.parseHex(hex));
    }

    public int version() {
        return readInt32(0);
    }

    /** Parent hash in display (RPC) byte order. */
    public String prevHash() {
        return displayHex(raw, 4);
    }

    public String merkleRoot() {
        return displayHex(raw, 36);
    }

    /** Block time, seconds since the epoch (an unsigned 32-bit field). */
    public long time() {
        return readInt32(68) & 0xffffffffL;
    }

    public long bits() {
        return readInt32(72) & 0xffffffffL;
    }

    public long nonce() {
        return readInt32(76) & 0xffffffffL;
    }

    /** Block hash in display (RPC) byte order. */
    public String hash() {
        return displayHex(hash, 0);
    }

    /** The hash read as the 256-bit little-endian number that is compared against the target. */
    public BigInteger hashValue() {
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) {
            be[i] = hash[31 - i];
        }
        return new BigInteger(1, be);
    }

    public byte[] raw() {
        return raw.clone();
    }

    public String hex() {
        return HEX.formatHex(raw);
    }

    private int readInt32(int offset) {
        return (raw[offset] & 0xff) | (raw[offset + 1] & 0xff) << 8 | (raw[offset + 2] & 0xff) << 16
                | (raw[offset + 3] & 0xff) << 24;
    }

    private static String displayHex(byte[] bytes, int offset) {
        char[] out = new char[64];
        for (int i = 0; i < 32; i++) {
            int b = bytes[offset + 31 - i] & 0xff;
            out[2 * i] = Character.forDigit(b >>> 4, 16);
            out[2 * i + 1] = Character.forDigit(b & 0xf, 16);
        }
        return new String(out);
    }

    static byte[] sha256d(byte[] data) {
        MessageDigest sha = SHA256.get();
        byte[] first = sha.digest(data);
        return sha.digest(first);
    }

    // MessageDigest is not thread-safe; one per thread avoids the provider lookup on every header.
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    });

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockHeader other && Arrays.equals(raw, other.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "BlockHeader[" + hash() + "]";
    }
}
