package io.hashwatch.bitcoin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.model.Json;
import io.hashwatch.testing.SharedData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The coinbase and raw-block parsers on real data: the 48 whole coinbases of {@code pools/coinbases.csv} (scriptSig,
 * outputs, BIP34 height, txid where the source stated it) and the 26 real blocks of {@code blocks/raw/} (merkle root,
 * length, tx count, claimed fees equal to {@code block_fees_points.csv}); then bytes cut or changed anywhere.
 */
class CoinbaseTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern TXID = Pattern.compile("txid_computed=([0-9a-f]{64})");

    static List<Map<String, String>> csv(Path file) throws IOException {
        return SharedData.readCsv(file);
    }

    @Test
    void realCoinbasesParseToTheirScriptSigOutputsAndHeight() throws IOException {
        Path file = SharedData.require("data/pools/coinbases.csv");
        int whole = 0;
        int txids = 0;
        for (Map<String, String> row : csv(file)) {
            String hex = row.get("coinbase_tx_hex");
            if (hex == null || hex.isEmpty()) {
                continue;
            }
            long height = Long.parseLong(row.get("height"));
            Coinbase c = Coinbase.parseHex(hex);
            whole++;
            assertEquals(row.get("scriptsig_hex"), c.scriptSigHex(), "scriptSig at " + height);
            JsonNode outs = Json.MAPPER.readTree(row.get("outputs_json"));
            assertEquals(outs.size(), c.outputs().size(), "outputs at " + height);
            for (int i = 0; i < outs.size(); i++) {
                assertEquals(outs.get(i).get("value_sat").asLong(), c.outputs().get(i).valueSat());
                assertEquals(outs.get(i).get("script_hex").asText(), c.outputs().get(i).scriptHex());
            }
            c.checkHeight(Network.MAINNET, height);
            if (height >= Network.MAINNET.bip34Height()) {
                assertEquals(height, c.bip34Height());
            }
            Matcher m = TXID.matcher(row.get("verification"));
            if (m.find()) {
                assertEquals(m.group(1), c.txid(), "txid at " + height);
                txids++;
            }
            assertTrue(c.claimedFeesSat(height) >= 0, "fees at " + height);
            assertEquals(c.totalOutputSat() - Subsidy.subsidySat(height), c.claimedFeesSat(height));
        }
        assertEquals(48, whole, "whole coinbases in the file");
        assertTrue(txids > 0);
        System.out.println("coinbases.csv: " + whole + " coinbases parsed, " + txids + " txids equal the stated ones");
    }

    static byte[] gunzip(Path p) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return in.readAllBytes();
        }
    }

    static Map<Long, Long> knownFees() throws IOException {
        Map<Long, Long> fees = new HashMap<>();
        for (Map<String, String> r : csv(SharedData.require("data/blocks/block_fees_points.csv"))) {
            fees.put(Long.parseLong(r.get("height")), Long.parseLong(r.get("total_fees_sat")));
        }
        return fees;
    }

    @Test
    void realBlocksParseWithTheirMerkleRootAndFees() throws IOException {
        Path dir = SharedData.require("data/blocks/raw/mainnet_840002-840007.blocks.gz").getParent();
        Map<Long, Long> fees = knownFees();
        Pattern name = Pattern.compile("mainnet_0*(\\d+)(?:-(\\d+))?\\.blocks?\\.gz");
        int blocks = 0;
        int checkedFees = 0;
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        for (Path f : files) {
            Matcher m = name.matcher(f.getFileName().toString());
            if (!m.matches()) {
                continue;
            }
            long height = Long.parseLong(m.group(1));
            List<RawBlock> parsed = RawBlock.parseAll(gunzip(f));
            assertEquals(m.group(2) == null ? 1 : Long.parseLong(m.group(2)) - height + 1, parsed.size(),
                    f.toString());
            String prev = null;
            for (RawBlock b : parsed) {
                if (prev != null) {
                    assertEquals(prev, b.header().prevHash(), "consecutive blocks in " + f);
                }
                prev = b.hash();
                b.coinbase().checkHeight(Network.MAINNET, height);
                assertEquals(b.coinbase(), Coinbase.parseHex(b.coinbaseHex()));
                Long expected = fees.get(height);
                if (expected != null) {
                    assertEquals(expected, b.coinbase().claimedFeesSat(height), "claimed fees at " + height);
                    checkedFees++;
                }
                blocks++;
                height++;
            }
        }
        assertEquals(26, blocks);
        assertTrue(checkedFees >= 15, "fees checked: " + checkedFees);
        System.out.println("blocks/raw: " + blocks + " blocks parsed (merkle roots equal), " + checkedFees
                + " claimed fees equal block_fees_points.csv");
    }

    @Test
    void bytesCutOrChangedAnywhereAreRefusedWithAReason() throws IOException {
        byte[] block = gunzip(SharedData.require("data/blocks/raw/mainnet_0300025.block.gz"));
        RawBlock ok = RawBlock.parse(block, 0);
        assertEquals(block.length, ok.size());
        // Cut at every 997th byte: always refused, never an exception of another kind.
        for (int cut = 0; cut < block.length; cut += 997) {
            byte[] shorter = java.util.Arrays.copyOf(block, cut);
            assertThrows(MalformedBitcoinDataException.class, () -> RawBlock.parse(shorter, 0), "cut at " + cut);
        }
        // A byte changed in a transaction: the merkle root no longer matches.
        byte[] changed = block.clone();
        changed[block.length - 10] ^= 1;
        MalformedBitcoinDataException e = assertThrows(MalformedBitcoinDataException.class,
                () -> RawBlock.parse(changed, 0));
        assertTrue(e.getMessage().contains("merkle root"), e.getMessage());
        // Trailing bytes after a block are not a block.
        byte[] longer = java.util.Arrays.copyOf(block, block.length + 3);
        assertThrows(MalformedBitcoinDataException.class, () -> RawBlock.parseAll(longer));

        String cb = ok.coinbaseHex();
        assertTrue(assertThrows(MalformedBitcoinDataException.class, () -> Coinbase.parseHex(cb + "00"))
                .getMessage().contains("after the coinbase's lock time"));
        assertThrows(MalformedBitcoinDataException.class, () -> Coinbase.parseHex(cb.substring(0, 100)));
        assertThrows(MalformedBitcoinDataException.class, () -> Coinbase.parseHex("zz"));
        assertThrows(MalformedBitcoinDataException.class, () -> Coinbase.parseHex(""));
        // Not a coinbase: the input spends a real outpoint.
        String spending = cb.substring(0, 10) + "11" + cb.substring(12);
        assertTrue(assertThrows(MalformedBitcoinDataException.class, () -> Coinbase.parseHex(spending))
                .getMessage().contains("not a coinbase"));
        // The wrong height for BIP34.
        Coinbase c = Coinbase.parseHex(cb);
        assertTrue(assertThrows(MalformedBitcoinDataException.class, () -> c.checkHeight(Network.MAINNET, 300_026))
                .getMessage().contains("bad-cb-height"));
        assertFalse(c.segwit());
    }

    @Test
    void syntheticCoinbasesCoverTheEdges() {
        // version 1, one null input, scriptSig "51 00" (OP_1 then a byte), one output of 50 BTC with script 51.
        String base = "01000000" + "01" + "00".repeat(32) + "ffffffff" + "%s" + "ffffffff" + "01"
                + "00f2052a01000000" + "0151" + "00000000";
        Coinbase one = Coinbase.parseHex(String.format(base, "025100"));
        assertEquals(1L, one.bip34Height());
        assertEquals(Subsidy.INITIAL_SUBSIDY_SAT, one.totalOutputSat());
        assertEquals(0, one.claimedFeesSat(1));
        assertEquals(0L, Coinbase.parseHex(String.format(base, "020000")).bip34Height());
        // A 3-byte push of 840,000 (0x0cd140 little-endian: 40 d1 0c).
        assertEquals(840_000L, Coinbase.parseHex(String.format(base, "0403" + "40d10c")).bip34Height());
        // A push that is not a number: no height.
        assertNull(Coinbase.parseHex(String.format(base, "026a6a")).bip34Height());
        // scriptSig of 1 byte and of 101 bytes: bad-cb-length.
        assertTrue(assertThrows(MalformedBitcoinDataException.class,
                () -> Coinbase.parseHex(String.format(base, "0151"))).getMessage().contains("bad-cb-length"));
        assertThrows(MalformedBitcoinDataException.class,
                () -> Coinbase.parseHex(String.format(base, "65" + "51".repeat(101))));
        // An output above 21 million BTC.
        String tooMuch = String.format(base, "025100").replace("00f2052a01000000", "0140075af0750700");
        assertTrue(assertThrows(MalformedBitcoinDataException.class, () -> Coinbase.parseHex(tooMuch))
                .getMessage().contains("outside 0.."));
        // A non-canonical CompactSize for the output count.
        String nonCanonical = String.format(base, "025100").replace("ffffffff01", "fffffffffd0100");
        assertTrue(assertThrows(MalformedBitcoinDataException.class, () -> Coinbase.parseHex(nonCanonical))
                .getMessage().contains("non-canonical"));
        assertEquals(HEX.formatHex(HEX.parseHex("51")), one.outputs().get(0).scriptHex());
    }
}
