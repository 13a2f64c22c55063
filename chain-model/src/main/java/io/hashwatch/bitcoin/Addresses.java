package io.hashwatch.bitcoin;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Mainnet addresses of standard output scripts, as block explorers show them: P2PKH and P2SH in base58check,
 * P2WPKH and P2WSH in bech32 (BIP173), P2TR and other witness versions 1..16 in bech32m (BIP350). Other scripts
 * (bare public keys, multisig, OP_RETURN) have no address. Only encoding is needed (attribution compares the
 * addresses a list names), so this is the encoder alone, checked against the BIPs' test vectors.
 */
public final class Addresses {
    private static final HexFormat HEX = HexFormat.of();
    private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final String BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int BECH32_CONST = 1;
    private static final int BECH32M_CONST = 0x2bc830a3;
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    /** Mainnet prefixes: version bytes 0x00 (P2PKH), 0x05 (P2SH); segwit human-readable part "bc". */
    private static final int P2PKH_VERSION = 0x00;
    private static final int P2SH_VERSION = 0x05;
    private static final String HRP = "bc";

    private Addresses() {
    }

    /** The mainnet address of an output script (lower-case hex), empty when the script has none. */
    public static Optional<String> ofScript(String scriptHex) {
        byte[] s;
        try {
            s = HEX.parseHex(scriptHex);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int n = s.length;
        // OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG
        if (n == 25 && u(s[0]) == 0x76 && u(s[1]) == 0xa9 && s[2] == 20 && u(s[23]) == 0x88 && u(s[24]) == 0xac) {
            return Optional.of(base58Check(P2PKH_VERSION, s, 3, 20));
        }
        // OP_HASH160 <20> OP_EQUAL
        if (n == 23 && u(s[0]) == 0xa9 && s[1] == 20 && u(s[22]) == 0x87) {
            return Optional.of(base58Check(P2SH_VERSION, s, 2, 20));
        }
        // Witness programs (BIP141): OP_0 or OP_1..OP_16, then one push of 2..40 bytes making up the rest.
        if (n >= 4 && n <= 42 && (s[0] == 0 || (u(s[0]) >= 0x51 && u(s[0]) <= 0x60)) && s[1] + 2 == n
                && s[1] >= 2 && s[1] <= 40) {
            int version = s[0] == 0 ? 0 : u(s[0]) - 0x50;
            if (version == 0 && n != 22 && n != 34) {
                return Optional.empty(); // version 0 is only P2WPKH (20 bytes) or P2WSH (32 bytes)
            }
            byte[] program = java.util.Arrays.copyOfRange(s, 2, n);
            return Optional.of(segwit(HRP, version, program));
        }
        return Optional.empty();
    }

    /** Base58check of a version byte and a payload (the double-SHA-256 checksum appended). */
    static String base58Check(int version, byte[] data, int offset, int length) {
        byte[] payload = new byte[1 + length + 4];
        payload[0] = (byte) version;
        System.arraycopy(data, offset, payload, 1, length);
        byte[] check = sha256(sha256(java.util.Arrays.copyOf(payload, 1 + length)));
        System.arraycopy(check, 0, payload, 1 + length, 4);
        return base58(payload);
    }

    static String base58(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        BigInteger v = new BigInteger(1, bytes);
        BigInteger radix = BigInteger.valueOf(58);
        while (v.signum() > 0) {
            BigInteger[] qr = v.divideAndRemainder(radix);
            out.append(BASE58.charAt(qr[1].intValue()));
            v = qr[0];
        }
        // Each leading zero byte is a leading '1'.
        for (int i = 0; i < bytes.length && bytes[i] == 0; i++) {
            out.append('1');
        }
        return out.reverse().toString();
    }

    /** A segwit address: bech32 for witness version 0, bech32m from version 1 on (BIP350). */
    public static String segwit(String hrp, int version, byte[] program) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(version);
        byte[] five = convertBits(program, 8, 5);
        data.write(five, 0, five.length);
        return bech32(hrp, data.toByteArray(), version == 0 ? BECH32_CONST : BECH32M_CONST);
    }

    /** Bech32 (constant 1) or bech32m (0x2bc830a3) of 5-bit values, lower case. */
    static String bech32(String hrp, byte[] values, int constant) {
        byte[] expanded = new byte[hrp.length() * 2 + 1 + values.length + 6];
        int k = 0;
        for (int i = 0; i < hrp.length(); i++) {
            expanded[k++] = (byte) (hrp.charAt(i) >> 5);
        }
        expanded[k++] = 0;
        for (int i = 0; i < hrp.length(); i++) {
            expanded[k++] = (byte) (hrp.charAt(i) & 31);
        }
        System.arraycopy(values, 0, expanded, k, values.length);
        int mod = polymod(expanded) ^ constant;
        StringBuilder out = new StringBuilder(hrp).append('1');
        for (byte v : values) {
            out.append(BECH32.charAt(v));
        }
        for (int i = 0; i < 6; i++) {
            out.append(BECH32.charAt((mod >>> (5 * (5 - i))) & 31));
        }
        return out.toString();
    }

    /** Whether a bech32 or bech32m string's checksum holds (for the BIP test vectors; lower or upper case). */
    static boolean checksumValid(String s, int constant) {
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        int sep = lower.lastIndexOf('1');
        if (sep < 1 || sep + 7 > lower.length()) {
            return false;
        }
        String hrp = lower.substring(0, sep);
        byte[] expanded = new byte[hrp.length() * 2 + 1 + lower.length() - sep - 1];
        int k = 0;
        for (int i = 0; i < hrp.length(); i++) {
            expanded[k++] = (byte) (hrp.charAt(i) >> 5);
        }
        expanded[k++] = 0;
        for (int i = 0; i < hrp.length(); i++) {
            expanded[k++] = (byte) (hrp.charAt(i) & 31);
        }
        for (int i = sep + 1; i < lower.length(); i++) {
            int v = BECH32.indexOf(lower.charAt(i));
            if (v < 0) {
                return false;
            }
            expanded[k++] = (byte) v;
        }
        return polymod(expanded) == constant;
    }

    static int bech32Const() {
        return BECH32_CONST;
    }

    static int bech32mConst() {
        return BECH32M_CONST;
    }

    private static int polymod(byte[] values) {
        int chk = 1;
        for (byte v : values) {
            int top = chk >>> 25;
            chk = (chk & 0x1ffffff) << 5 ^ v;
            for (int i = 0; i < 5; i++) {
                if (((top >>> i) & 1) != 0) {
                    chk ^= GENERATOR[i];
                }
            }
        }
        return chk;
    }

    /** Regroups bits (8 to 5, padded with zeros), as BIP173's convertbits. */
    private static byte[] convertBits(byte[] in, int from, int to) {
        int acc = 0;
        int bits = 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int max = (1 << to) - 1;
        for (byte b : in) {
            acc = acc << from | (b & 0xff);
            bits += from;
            while (bits >= to) {
                bits -= to;
                out.write((acc >>> bits) & max);
            }
        }
        if (bits > 0) {
            out.write((acc << (to - bits)) & max);
        }
        return out.toByteArray();
    }

    private static byte[] sha256(byte[] in) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(in);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    private static int u(byte b) {
        return b & 0xff;
    }
}
