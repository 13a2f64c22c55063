package io.hashwatch.bitcoin;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The boundaries and txid of one serialized transaction (legacy or BIP144 segwit layout), without keeping its
 * contents: what a block parser needs to step over the transactions after the coinbase and check the merkle root.
 */
final class Transactions {
    /** No transaction in a 4,000,000-weight block has more inputs, outputs or script bytes than this. */
    static final long MAX_COUNT = 4_000_000 / 9;
    static final long MAX_SCRIPT = 4_000_000;

    /** A transaction's end offset and its txid (internal byte order: the sha256d of the non-witness serialization). */
    record Span(int start, int end, byte[] txid, boolean segwit) {
    }

    private Transactions() {
    }

    static Span scan(WireReader r) {
        int start = r.position();
        r.u32("version");
        boolean segwit = false;
        if (r.remaining() >= 2 && r.data()[r.position()] == 0 && r.data()[r.position() + 1] == 1) {
            segwit = true;
            r.skip(2, "segwit marker and flag");
        }
        int inputsStart = r.position();
        long inputs = r.compactSize("input count", MAX_COUNT);
        if (inputs == 0) {
            throw new MalformedBitcoinDataException("transaction at byte " + start + " has no inputs");
        }
        for (long i = 0; i < inputs; i++) {
            r.skip(36, "outpoint of input " + i);
            r.skip(r.compactSize("script length of input " + i, MAX_SCRIPT), "script of input " + i);
            r.skip(4, "sequence of input " + i);
        }
        long outputs = r.compactSize("output count", MAX_COUNT);
        for (long i = 0; i < outputs; i++) {
            r.skip(8, "value of output " + i);
            r.skip(r.compactSize("script length of output " + i, MAX_SCRIPT), "script of output " + i);
        }
        int outputsEnd = r.position();
        if (segwit) {
            for (long i = 0; i < inputs; i++) {
                long items = r.compactSize("witness item count of input " + i, MAX_COUNT);
                for (long j = 0; j < items; j++) {
                    r.skip(r.compactSize("witness item length", MAX_SCRIPT), "witness item");
                }
            }
        }
        int lockStart = r.position();
        r.u32("lock time");
        MessageDigest sha = sha256();
        r.digest(sha, start, start + 4);
        r.digest(sha, inputsStart, outputsEnd);
        r.digest(sha, lockStart, lockStart + 4);
        byte[] txid = sha.digest(sha.digest());
        return new Span(start, r.position(), txid, segwit);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** Display (RPC) order of an internal-order hash. */
    static String display(byte[] hash) {
        char[] out = new char[hash.length * 2];
        for (int i = 0; i < hash.length; i++) {
            int b = hash[hash.length - 1 - i] & 0xff;
            out[2 * i] = Character.forDigit(b >>> 4, 16);
            out[2 * i + 1] = Character.forDigit(b & 0xf, 16);
        }
        return new String(out);
    }
}
