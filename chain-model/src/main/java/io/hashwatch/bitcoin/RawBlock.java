package io.hashwatch.bitcoin;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A serialized block (the bytes of {@code getblock <hash> 0}), parsed as far as a header source needs: the header,
 * the transaction count, the coinbase (raw and parsed) and the block's length. Every transaction is stepped over and
 * its txid computed: the merkle root must equal the header's, so bytes cut or changed anywhere are refused. A first
 * transaction that is well-formed but not a valid coinbase leaves the block readable, with the reason in
 * {@code coinbaseError}.
 *
 * @param header      the 80-byte header
 * @param txCount     the number of transactions
 * @param coinbaseHex the coinbase transaction as serialized in the block, hex
 * @param coinbase    the coinbase parsed, or null when its first transaction is not a valid coinbase
 * @param coinbaseError why the first transaction is not a valid coinbase, or null
 * @param size        the block's length in bytes
 */
public record RawBlock(BlockHeader header, int txCount, String coinbaseHex, Coinbase coinbase, String coinbaseError,
                       int size) {
    private static final HexFormat HEX = HexFormat.of();

    /** The block's hash, display order. */
    public String hash() {
        return header.hash();
    }

    /** Parses one block starting at {@code offset}; the rest of the array may hold more blocks. */
    public static RawBlock parse(byte[] data, int offset) {
        if (data.length - offset < BlockHeader.SIZE + 1) {
            throw new MalformedBitcoinDataException("truncated block at byte " + offset + ": "
                    + (data.length - offset) + " bytes left");
        }
        BlockHeader header = BlockHeader.parse(Arrays.copyOfRange(data, offset, offset + BlockHeader.SIZE));
        WireReader r = new WireReader(data, offset + BlockHeader.SIZE, data.length);
        long count = r.compactSize("transaction count", Transactions.MAX_COUNT);
        if (count == 0) {
            throw new MalformedBitcoinDataException("block " + header.hash() + " has no transactions");
        }
        int cbStart = r.position();
        Transactions.Span first;
        try {
            first = Transactions.scan(r);
        } catch (MalformedBitcoinDataException e) {
            throw new MalformedBitcoinDataException("block " + header.hash() + ": transaction 0: " + e.getMessage());
        }
        String coinbaseHex = HEX.formatHex(data, cbStart, r.position());
        Coinbase coinbase = null;
        String coinbaseError = null;
        try {
            // A transaction that is not a valid coinbase still has its bounds: the block goes on without it.
            coinbase = Coinbase.read(new WireReader(data, cbStart, first.end()));
        } catch (MalformedBitcoinDataException e) {
            coinbaseError = e.getMessage();
        }
        List<byte[]> txids = new ArrayList<>((int) count);
        txids.add(first.txid());
        for (long i = 1; i < count; i++) {
            try {
                txids.add(Transactions.scan(r).txid());
            } catch (MalformedBitcoinDataException e) {
                throw new MalformedBitcoinDataException("block " + header.hash() + ": transaction " + i + ": "
                        + e.getMessage());
            }
        }
        byte[] root = merkleRoot(txids);
        String rootHex = Transactions.display(root);
        if (!rootHex.equals(header.merkleRoot())) {
            throw new MalformedBitcoinDataException("block " + header.hash() + ": the transactions' merkle root "
                    + rootHex + " is not the header's " + header.merkleRoot());
        }
        return new RawBlock(header, (int) count, coinbaseHex, coinbase, coinbaseError, r.position() - offset);
    }

    /** Every block of a concatenation of serialized blocks; the bytes must end exactly after the last. */
    public static List<RawBlock> parseAll(byte[] data) {
        List<RawBlock> out = new ArrayList<>();
        int at = 0;
        while (at < data.length) {
            RawBlock b = parse(data, at);
            out.add(b);
            at += b.size();
        }
        return out;
    }

    /** The txids (display order) of the block starting at {@code offset}, in block order. */
    public static List<String> txids(byte[] data, int offset) {
        WireReader r = new WireReader(data, offset + BlockHeader.SIZE, data.length);
        long count = r.compactSize("transaction count", Transactions.MAX_COUNT);
        List<String> out = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            out.add(Transactions.display(Transactions.scan(r).txid()));
        }
        return out;
    }

    static byte[] merkleRoot(List<byte[]> txids) {
        List<byte[]> level = txids;
        MessageDigest sha = Transactions.sha256();
        while (level.size() > 1) {
            List<byte[]> next = new ArrayList<>((level.size() + 1) / 2);
            for (int i = 0; i < level.size(); i += 2) {
                byte[] a = level.get(i);
                byte[] b = i + 1 < level.size() ? level.get(i + 1) : a;
                sha.update(a);
                sha.update(b);
                next.add(sha.digest(sha.digest()));
            }
            level = next;
        }
        return level.get(0);
    }

    private static byte[] reverse(byte[] in) {
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[in.length - 1 - i];
        }
        return out;
    }
}
