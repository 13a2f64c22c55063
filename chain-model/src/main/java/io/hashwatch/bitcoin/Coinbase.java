package io.hashwatch.bitcoin;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A block's coinbase transaction, parsed: what the miner wrote (scriptSig, with the BIP34 height) and claimed
 * (outputs with values and scripts). Parsing is strict: exactly one input spending the null outpoint, a scriptSig of
 * 2..100 bytes (Core: bad-cb-length), at least one output, values within 21 million BTC in total, and nothing after
 * the lock time; anything else is a {@link MalformedBitcoinDataException} saying what and where.
 *
 * @param txid         the txid, display (RPC) order
 * @param version      transaction version (unsigned 32 bits)
 * @param scriptSigHex the coinbase input's script, lower-case hex
 * @param sequence     the input's sequence number
 * @param outputs      the outputs, in order
 * @param lockTime     the lock time
 * @param segwit       whether it was serialized with a witness (the witness reserved value of BIP141)
 */
public record Coinbase(String txid, long version, String scriptSigHex, long sequence, List<TxOutput> outputs,
                       long lockTime, boolean segwit) {
    public static final long MAX_MONEY_SAT = 21_000_000L * Subsidy.SAT_PER_BTC;
    private static final HexFormat HEX = HexFormat.of();

    public Coinbase {
        outputs = List.copyOf(outputs);
    }

    /** Parses exactly one coinbase transaction from its hex (the whole string must be the transaction). */
    public static Coinbase parseHex(String hex) {
        if (hex == null || hex.isEmpty()) {
            throw new MalformedBitcoinDataException("no coinbase transaction");
        }
        byte[] bytes;
        try {
            bytes = HEX.parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new MalformedBitcoinDataException("coinbase is not hex: " + e.getMessage());
        }
        return parse(bytes);
    }

    /** Parses exactly one coinbase transaction: every byte must belong to it. */
    public static Coinbase parse(byte[] tx) {
        WireReader r = new WireReader(tx, 0, tx.length);
        Coinbase c = read(r);
        if (r.remaining() != 0) {
            throw new MalformedBitcoinDataException(r.remaining() + " bytes after the coinbase's lock time (byte "
                    + r.position() + ")");
        }
        return c;
    }

    /** Reads the coinbase at the reader's position, leaving it after the transaction. */
    static Coinbase read(WireReader r) {
        int start = r.position();
        Transactions.Span span = Transactions.scan(new WireReader(r.data(), start, start + r.remaining()));
        long version = r.u32("version");
        if (span.segwit()) {
            r.skip(2, "segwit marker and flag");
        }
        long inputs = r.compactSize("input count", Transactions.MAX_COUNT);
        if (inputs != 1) {
            throw new MalformedBitcoinDataException("a coinbase has exactly one input, this has " + inputs);
        }
        byte[] prevout = r.bytes(36, "outpoint");
        for (int i = 0; i < 32; i++) {
            if (prevout[i] != 0) {
                throw new MalformedBitcoinDataException("not a coinbase: its input spends transaction "
                        + Transactions.display(java.util.Arrays.copyOf(prevout, 32)));
            }
        }
        if ((prevout[32] & prevout[33] & prevout[34] & prevout[35]) != (byte) 0xff) {
            throw new MalformedBitcoinDataException("not a coinbase: its null outpoint has an index other than"
                    + " 0xffffffff");
        }
        long scriptLength = r.compactSize("scriptSig length", Transactions.MAX_SCRIPT);
        if (scriptLength < 2 || scriptLength > 100) {
            throw new MalformedBitcoinDataException("coinbase scriptSig of " + scriptLength + " bytes, outside 2..100"
                    + " (bad-cb-length)");
        }
        String scriptSig = r.hex((int) scriptLength, "scriptSig");
        long sequence = r.u32("sequence");
        long count = r.compactSize("output count", Transactions.MAX_COUNT);
        if (count == 0) {
            throw new MalformedBitcoinDataException("a coinbase without outputs");
        }
        List<TxOutput> outputs = new ArrayList<>((int) Math.min(count, 1000));
        long total = 0;
        for (long i = 0; i < count; i++) {
            int at = r.position();
            long value = r.i64("value of output " + i);
            if (value < 0 || value > MAX_MONEY_SAT) {
                throw new MalformedBitcoinDataException("output " + i + " (byte " + at + ") has value " + value
                        + " sat, outside 0.." + MAX_MONEY_SAT);
            }
            total += value;
            if (total > MAX_MONEY_SAT) {
                throw new MalformedBitcoinDataException("outputs total more than 21,000,000 BTC at output " + i);
            }
            long len = r.compactSize("script length of output " + i, Transactions.MAX_SCRIPT);
            outputs.add(new TxOutput(value, r.hex((int) len, "script of output " + i)));
        }
        r.skip(span.end() - 4 - r.position(), "witness"); // checked by the scan
        long lockTime = r.u32("lock time");
        return new Coinbase(Transactions.display(span.txid()), version, scriptSig, sequence, outputs, lockTime,
                span.segwit());
    }

    /**
     * The number the scriptSig starts with, as BIP34 puts the height there: OP_0, OP_1..OP_16, or a push of 1..8
     * bytes read as a script number; null when the script starts otherwise. Before BIP34 this is whatever the miner
     * put first (often the bits), not a height.
     */
    public Long bip34Height() {
        int first = Integer.parseInt(scriptSigHex.substring(0, 2), 16);
        if (first == 0x00) {
            return 0L;
        }
        if (first >= 0x51 && first <= 0x60) {
            return (long) (first - 0x50);
        }
        if (first < 0x01 || first > 0x08 || scriptSigHex.length() < 2 + first * 2) {
            return null;
        }
        byte[] n = HEX.parseHex(scriptSigHex, 2, 2 + first * 2);
        long v = 0;
        for (int i = n.length - 1; i >= 0; i--) {
            v = v << 8 | (n[i] & 0xff);
        }
        if ((n[n.length - 1] & 0x80) != 0) {
            v &= ~(0x80L << (8 * (n.length - 1)));
            v = -v;
        }
        return v;
    }

    /** Checks the BIP34 height from the network's activation height on; throws when it is not {@code height}. */
    public Coinbase checkHeight(Network network, long height) {
        if (height >= network.bip34Height()) {
            Long h = bip34Height();
            if (h == null || h != height) {
                throw new MalformedBitcoinDataException("the coinbase's BIP34 height is " + (h == null
                        ? "missing (the scriptSig starts " + scriptSigHex.substring(0, Math.min(8, scriptSigHex.length()))
                        + ")" : h) + ", the block is at " + height + " (bad-cb-height)");
            }
        }
        return this;
    }

    /** The sum of the output values, satoshis. */
    public long totalOutputSat() {
        long t = 0;
        for (TxOutput o : outputs) {
            t += o.valueSat();
        }
        return t;
    }

    /**
     * The fees the miner claimed: outputs minus the subsidy at {@code height}. Negative when the miner claimed less
     * than the subsidy (it happened: those coins were never created).
     */
    public long claimedFeesSat(long height) {
        return totalOutputSat() - Subsidy.subsidySat(height);
    }
}
