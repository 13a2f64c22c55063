package io.hashwatch.source.chain;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.Coinbase;
import io.hashwatch.testing.RegtestChain;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A regtest chain mined for a bench: every block coinbase-only, with a coinbase of its own (BIP34 height), so that
 * its merkle root is its coinbase's txid and every Electrum proof is a real check. Index = height (0: genesis,
 * without a block).
 */
public record CoinbaseOnlyChain(List<BlockHeader> headers, List<FakeElectrum.Block> blocks) {
    private static final HexFormat HEX = HexFormat.of();

    /** Genesis and {@code count} blocks on it. */
    public static CoinbaseOnlyChain mine(int count) {
        List<BlockHeader> headers = new ArrayList<>(count + 1);
        List<FakeElectrum.Block> blocks = new ArrayList<>(count + 1);
        headers.add(RegtestChain.genesis());
        blocks.add(null);
        for (long h = 1; h <= count; h++) {
            byte[] cb = coinbase(h);
            String txid = Coinbase.parse(cb).txid();
            byte[] root = HEX.parseHex(txid);
            for (int i = 0, j = 31; i < j; i++, j--) {
                byte t = root[i];
                root[i] = root[j];
                root[j] = t;
            }
            BlockHeader prev = headers.get(headers.size() - 1);
            headers.add(RegtestChain.mine(RegtestChain.VERSION, prev.hash(), root, prev.time() + 600,
                    RegtestChain.BITS));
            blocks.add(new FakeElectrum.Block(List.of(txid), HEX.formatHex(cb)));
        }
        return new CoinbaseOnlyChain(List.copyOf(headers), java.util.Collections.unmodifiableList(blocks));
    }

    /** A coinbase of {@code height} (BIP34 push of the height, one P2PKH output of 3.125 BTC). */
    static byte[] coinbase(long height) {
        ByteArrayOutputStream tx = new ByteArrayOutputStream();
        tx.writeBytes(HEX.parseHex("01000000" + "01" + "00".repeat(32) + "ffffffff"));
        byte[] number = BigInteger.valueOf(height).toByteArray(); // big-endian, with a sign byte when needed
        byte[] le = new byte[number.length];
        for (int i = 0; i < number.length; i++) {
            le[i] = number[number.length - 1 - i];
        }
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        if (height <= 16) {
            script.write(height == 0 ? 0 : 0x50 + (int) height);
        } else {
            script.write(le.length);
            script.writeBytes(le);
        }
        script.writeBytes(HEX.parseHex("026877")); // "hw"
        tx.write(script.size());
        tx.writeBytes(script.toByteArray());
        tx.writeBytes(HEX.parseHex("ffffffff" + "01" + "40be401200000000" + "19" + "76a914" + "11".repeat(20)
                + "88ac" + "00000000"));
        return tx.toByteArray();
    }

}
