package io.hashwatch.pools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.bitcoin.Coinbase;
import io.hashwatch.bitcoin.TxOutput;
import io.hashwatch.model.Json;
import io.hashwatch.testing.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Attribution by the bundled list against the real coinbases of {@code ../shared/data/pools}: every stated label of
 * {@code coinbases.csv}, the 15 pools' stratum jobs of one height, and the 439 blocks before pools existed.
 */
class PoolListTest {
    private static final PoolList LIST = PoolList.bundled();

    /**
     * The outputs of a row without the whole transaction. mempool.space's extras name the first output's script
     * without its value, and the addresses it decoded: the value is not known, so the output is left out (these rows
     * are attributed by tag alone, the stricter test), and its address must be the one mempool.space decoded.
     */
    static List<TxOutput> outputs(String json) throws IOException {
        List<TxOutput> out = new ArrayList<>();
        JsonNode all = Json.MAPPER.readTree(json);
        for (JsonNode o : all) {
            if (o.hasNonNull("value_sat")) {
                out.add(new TxOutput(o.get("value_sat").asLong(), o.get("script_hex").asText()));
            } else if (o.hasNonNull("script_hex")) {
                String decoded = io.hashwatch.bitcoin.Addresses.ofScript(o.get("script_hex").asText()).orElseThrow();
                for (JsonNode listed : all) {
                    if (listed.has("addresses")) {
                        assertEquals(listed.get("addresses").get(0).asText(), decoded, "address of " + o);
                        decodedChecked++;
                    }
                }
            }
        }
        return out;
    }

    private static int decodedChecked;

    /** A row's attribution: from the whole transaction where the CSV has it (and then its parts must agree). */
    static Attribution attribute(Map<String, String> row) throws IOException {
        String tx = row.get("coinbase_tx_hex");
        if (!tx.isEmpty()) {
            Coinbase c = Coinbase.parseHex(tx);
            assertEquals(row.get("scriptsig_hex"), c.scriptSigHex());
            return LIST.attribute(c.scriptSigHex(), c.outputs());
        }
        return LIST.attribute(row.get("scriptsig_hex"), outputs(row.get("outputs_json")));
    }

    @Test
    void theBundledListIsTheVendoredCommit() throws IOException {
        assertEquals(168, LIST.pools().size());
        assertEquals(197, LIST.pools().stream().mapToInt(p -> p.tags().size()).sum());
        assertEquals(217, LIST.pools().stream().mapToInt(p -> p.addresses().size()).sum());
        Path shared = SharedData.require("data/pools/pools-v2.json");
        assertEquals(LIST.pools(), PoolList.fromFile(shared).pools());
        assertEquals("foundryusa", LIST.byId(111).orElseThrow().slug());
        assertEquals("Foundry USA", LIST.byId(111).orElseThrow().name());
    }

    @Test
    void everyStatedLabelOfTheRealCoinbases() throws IOException {
        Path file = SharedData.require("data/pools/coinbases.csv");
        int checked = 0;
        Map<String, String> kinds = new TreeMap<>();
        for (Map<String, String> row : SharedData.readCsv(file)) {
            String stated = row.get("stated_pool");
            if (stated.isEmpty()) {
                continue;
            }
            long height = Long.parseLong(row.get("height"));
            Attribution a = attribute(row);
            kinds.put(Long.toString(height), a.pool().name() + " by " + a.match().label());
            if (height == 881_423) {
                // The source (a test of the 256 Foundation's self-hosted pool software) names the software's own
                // pool; its coinbase reads "\nApollo\x19/mined by 256 Foundation/" (a FutureBit Apollo miner
                // running it). The list has no 256 Foundation entry and its FutureBit Apollo Solo tag "Apollo" (a
                // case-insensitive regex) matches, so the list says FutureBit Apollo Solo: the list, not the label,
                // is what attribution follows.
                assertTrue(stated.startsWith("256 Foundation"), stated);
                assertTrue(PoolList.scriptSigText(row.get("scriptsig_hex")).contains("Apollo\u0019/mined by 256 Foundation/"));
                assertEquals("FutureBit Apollo Solo", a.pool().name(), "881423: " + a);
                assertEquals(Attribution.Match.TAG, a.match());
                assertEquals("Apollo", a.matched());
            } else {
                assertEquals(stated, a.pool().name(), "height " + height + " (" + row.get("stated_pool_source")
                        + "): " + a);
                // mempool.space's extras.pool carries the list's id, where the source had it.
                java.util.regex.Matcher id = java.util.regex.Pattern.compile("id=(\\d+)")
                        .matcher(row.get("stated_pool_source"));
                if (id.find()) {
                    assertEquals(Integer.parseInt(id.group(1)), a.pool().id(), "id at " + height);
                }
            }
            checked++;
        }
        System.out.println("attributions of the stated rows: " + kinds);
        assertEquals(16, checked);
        assertEquals(2, decodedChecked); // 363,366 and 730,000 carry mempool.space's decoded address
    }

    /**
     * mempool.space's bulk blocks give the coinbase's input script and paid addresses, not the transaction: those
     * parts name the same pool mempool.space itself names (extras.pool), on the nine real blocks 890,440..890,448.
     */
    @Test
    void theCoinbasePartsOfRealMempoolSpaceBlocks() throws IOException {
        List<JsonNode> blocks = new ArrayList<>();
        Json.MAPPER.readTree(Files.readAllBytes(SharedData.require(
                "data/samples/mempool_esplora/mempool_cypress_tx01_ws_blocks_01.json"))).get("blocks")
                .forEach(blocks::add);
        blocks.add(Json.MAPPER.readTree(Files.readAllBytes(SharedData.require(
                "data/samples/mempool_esplora/mempool_cypress_tx02_ws_block.json"))).get("block"));
        int checked = 0;
        for (JsonNode b : blocks) {
            JsonNode ex = b.get("extras");
            List<String> paid = new ArrayList<>();
            ex.get("coinbaseAddresses").forEach(a -> paid.add(a.asText()));
            Attribution a = LIST.attributeByAddresses(ex.get("coinbaseRaw").asText(), paid);
            assertEquals(ex.at("/pool/slug").asText(), a.pool().slug(), "height " + b.get("height") + ": " + a);
            assertEquals(ex.at("/pool/id").asInt(), a.pool().id(), "height " + b.get("height"));
            checked++;
        }
        assertEquals(9, checked);
    }

    @Test
    void theStratumJobsOfFifteenPoolsAtOneHeight() throws IOException {
        Path file = SharedData.require("data/pools/stratum_jobs_890448.csv");
        int checked = 0;
        for (Map<String, String> row : SharedData.readCsv(file)) {
            Attribution a = attribute(row);
            assertEquals(Integer.parseInt(row.get("pool_id")), a.pool().id(), row.get("pool_name_via_pools_v2_id")
                    + ": " + a);
            assertEquals(row.get("pool_name_via_pools_v2_id"), a.pool().name());
            checked++;
        }
        assertEquals(15, checked);
    }

    @Test
    void blocksBeforePoolsAreUnknown() throws IOException {
        Path file = SharedData.require("data/pools/coinbases_early_h0-438.csv");
        int checked = 0;
        for (Map<String, String> row : SharedData.readCsv(file)) {
            Attribution a = attribute(row);
            assertEquals(Pool.UNKNOWN, a.pool(), "height " + row.get("height") + ": " + a);
            assertEquals(Attribution.Match.NONE, a.match());
            checked++;
        }
        assertEquals(439, checked);
    }

    @Test
    void anAddressWinsOverATagAndOnlyPaidOutputsCount() {
        String foundry = LIST.byId(111).orElseThrow().addresses().get(0);
        PoolList list = PoolList.parse(("[{\"id\":1,\"name\":\"Tagged\",\"addresses\":[],\"tags\":[\"/tagged/\"]},"
                + "{\"id\":2,\"name\":\"Paid\",\"addresses\":[\"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\"],\"tags\":[]}]")
                .getBytes(StandardCharsets.UTF_8), "test");
        String scriptSig = hex("\u0003abc/TAGGED/");
        TxOutput genesisKeyHash = new TxOutput(5_000_000_000L, "76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac");
        TxOutput unpaid = new TxOutput(0, genesisKeyHash.scriptHex());
        Attribution byAddress = list.attribute(scriptSig, List.of(genesisKeyHash));
        assertEquals("Paid", byAddress.pool().name());
        assertEquals(Attribution.Match.ADDRESS, byAddress.match());
        assertEquals("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", byAddress.matched());
        Attribution byTag = list.attribute(scriptSig, List.of(unpaid));
        assertEquals("Tagged", byTag.pool().name()); // case-insensitive, and the unpaid output does not count
        assertEquals(Attribution.Match.TAG, byTag.match());
        assertTrue(foundry.length() > 20);
    }

    @Test
    void aBadListSaysWhatIsWrong(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PoolList.parse("{}".getBytes(), "x"))
                .getMessage().contains("not a JSON array"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PoolList.parse(
                "[{\"id\":1,\"name\":\"A\",\"tags\":[\"(\"]}]".getBytes(), "x")).getMessage()
                .contains("not a regular expression"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PoolList.parse(
                "[{\"id\":1,\"name\":\"A\"},{\"id\":1,\"name\":\"B\"}]".getBytes(), "x")).getMessage()
                .contains("appears twice"));
        Path bad = dir.resolve("pools.json");
        Files.writeString(bad, "[");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PoolList.fromFile(bad)).getMessage()
                .contains(bad.toString()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PoolList.fromFile(dir.resolve("missing")))
                .getMessage().contains("cannot read"));
    }

    @Test
    void theCoinbaseTagIsBoundedPrintableText() {
        assertEquals("Mined by Luxor Techh", CoinbaseTag.of("0350960d1b4d696e6564206279204c75786f72205465636868005702"
                + "fe933c3bfabe6d6d8ae1255df7029c6f68cd8ea446d227ef3dc39ef1ac7a5508596930"));
        String longTag = hex("x".repeat(90)) + "00" + hex("<script>\u0007\n");
        String tag = CoinbaseTag.of(longTag);
        assertEquals(CoinbaseTag.MAX_LENGTH, tag.length());
        assertEquals("<script>", CoinbaseTag.of(hex("\u0003ab\u0001<script>\u0007")));
        assertEquals("", CoinbaseTag.of("0350960d"));
    }

    private static String hex(String latin1) {
        return java.util.HexFormat.of().formatHex(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }
}
