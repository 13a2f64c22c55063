package io.hashwatch.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.testing.RegtestChain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The wire format of the records: snake_case names, and a {@link SerializationException} for anything malformed. */
class JsonTest {
    private static final String HEX = RegtestChain.genesis().hex();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Set<String> fieldNames(byte[] json) throws IOException {
        JsonNode node = Json.MAPPER.readTree(json);
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void headerRecordRoundTripsWithSnakeCaseNames() throws IOException {
        HeaderRecord in = new HeaderRecord("mainnet", 840_000, HEX, 3_792_994_60L, 3050, "file", 1_713_571_767_000L);
        byte[] json = Json.write(in);
        assertEquals(Set.of("network", "height", "header_hex", "fees_sat", "tx_count", "source", "observed_time_ms"),
                fieldNames(json));
        JsonNode node = Json.MAPPER.readTree(json);
        assertEquals(HEX, node.get("header_hex").asText());
        assertEquals(840_000, node.get("height").asLong());
        assertEquals(1_713_571_767_000L, node.get("observed_time_ms").asLong());
        assertEquals(in, Json.read(json, HeaderRecord.class));
    }

    @Test
    void headerRecordFromHandWrittenJson() {
        String json = "{\"network\":\"regtest\",\"height\":0,\"header_hex\":\"" + HEX + "\",\"fees_sat\":null,"
                + "\"observed_time_ms\":1700000000123}";
        HeaderRecord r = Json.read(utf8(json), HeaderRecord.class);
        assertEquals(new HeaderRecord("regtest", 0, HEX, null, null, null, 1_700_000_000_123L), r);
    }

    @Test
    void headerRecordWithCoinbaseAndClaimedFees() throws IOException {
        HeaderRecord in = new HeaderRecord("mainnet", 840_000, HEX, 3_792_994_60L, 3050, "bitcoind", 1L, "01000000",
                379_299_460L);
        byte[] json = Json.write(in);
        assertEquals(Set.of("network", "height", "header_hex", "fees_sat", "tx_count", "source", "observed_time_ms",
                "coinbase_hex", "fees_claimed_sat"), fieldNames(json));
        assertEquals(in, Json.read(json, HeaderRecord.class));
        assertEquals(new HeaderRecord("mainnet", 840_000, HEX, 3_792_994_60L, 3050, "bitcoind", 1L),
                in.withoutCoinbase());
        // Explicit nulls read as absent ones.
        String explicit = "{\"network\":\"regtest\",\"height\":0,\"header_hex\":\"" + HEX + "\","
                + "\"coinbase_hex\":null,\"fees_claimed_sat\":null}";
        assertEquals(new HeaderRecord("regtest", 0, HEX, null, null, null, null),
                Json.read(utf8(explicit), HeaderRecord.class));
    }

    @Test
    void optionalFieldsMayBeNull() {
        HeaderRecord in = new HeaderRecord("regtest", 1, HEX, null, null, null, null);
        assertEquals(in, Json.read(Json.write(in), HeaderRecord.class));
    }

    @Test
    void outputRecordsRoundTrip() throws IOException {
        List<Object> records = new ArrayList<>();
        records.add(new BlockRecord("mainnet", 100_000, "h", "p", 1_293_623_863L, "1b04864c", 1, 274_148_111L,
                14_484.1623612254, "full", null, 4, "file"));
        records.add(new HashrateRecord("mainnet", 100_000, "h", 1_293_623_863L, 1.0e14, 1.1e14, null, 9.5e13, null,
                null, null, 0.9e14, 1.2e14, true, true, false, false, 1));
        records.add(new DifficultyRecord("mainnet", 100_000, "h", 1_293_623_863L, 49, 98_784,
                1216, 1216 / 2016.0, 800, 100_800, 0.0531, null, 1_294_100_000L, 553.2, 0.0735, "epoch", 0.012, 0.021,
                0.05, 0.083, 0.091, 0.02));
        records.add(new DifficultyAdjustmentRecord("mainnet", 102_816, "h", 1_294_700_000L, 51, "1b04864c", "1b038dee",
                14_484.16, 16_307.42, 0.1259, 1_075_000L, 533.2, 1_074_400L));
        records.add(new DifficultyAdjustmentRecord("mainnet", 80_640, "h", 1_283_000_000L, 40, "1c05a3f4", "1c0168fd",
                45.38, 181.54, 3.0, null, null, null));
        records.add(new ReorgRecord("regtest", 7, "f", 10, "o", 12, "n", 3, 5, 1_700_000_000_000L));
        for (Object r : records) {
            byte[] json = Json.write(r);
            assertEquals(r, Json.read(json, r.getClass()), r.getClass().getSimpleName());
            for (String name : fieldNames(json)) {
                assertTrue(name.equals(name.toLowerCase()) && !name.contains("-"), name);
            }
        }
        // The published names: digits are a word of their own (hashrate_1d_hps).
        assertEquals(Set.of("network", "height", "hash", "time", "hashrate_1d_hps", "hashrate_3d_hps", "hashrate_7d_hps",
                "hashrate_epoch_hps", "hashrate_7d_bias_corrected_hps", "hashrate_7d_lower_hps",
                "hashrate_7d_upper_hps", "hashrate_1d_lower_hps", "hashrate_1d_upper_hps", "window_1d_full",
                "window_3d_full", "window_7d_full", "window_epoch_full", "epoch_window_blocks"),
                fieldNames(Json.write(records.get(1))));
        assertTrue(fieldNames(Json.write(records.get(3))).contains("consensus_timespan_seconds"));
        assertTrue(fieldNames(Json.write(records.get(5))).contains("fork_height"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",                                                     // no content
        "not json",
        "{",                                                    // truncated
        "{\"network\":\"mainnet\",\"height\":12,}",             // trailing comma
        "[]",                                                   // not an object
        "42",
        "null",                                                 // the JSON null literal
        "{\"network\":\"mainnet\",\"header_hex\":\"ab\"}",      // height missing (a primitive)
        "{\"network\":\"mainnet\",\"height\":null}",
        "{\"network\":\"mainnet\",\"height\":\"twelve\"}",
        "{\"network\":\"mainnet\",\"height\":1.5}",
        "{\"network\":\"mainnet\",\"height\":1.0}",             // no float where an integer belongs
        "{\"network\":\"mainnet\",\"height\":true}",
        "{\"network\":\"mainnet\",\"height\":12,\"header_hex\":{}}",
        "{\"network\":\"mainnet\",\"height\":12,\"header_hex\":[\"ab\"]}",
        "{\"network\":\"mainnet\",\"height\":12,\"fees_sat\":\"x\"}",
        "{\"network\":\"mainnet\",\"height\":12,\"tx_count\":3000000000}",   // beyond int
        "{\"network\":\"mainnet\",\"height\":99999999999999999999}",        // beyond long
        // No number or boolean for a string, no empty string for a number (found by RecordParserFuzzTest).
        "{\"network\":5,\"height\":12}",
        "{\"network\":true,\"height\":12}",
        "{\"network\":\"mainnet\",\"height\":12,\"header_hex\":12}",
        "{\"network\":\"mainnet\",\"height\":12,\"source\":1.5}",
        "{\"network\":\"mainnet\",\"height\":12,\"fees_sat\":\"\"}",
        "{\"network\":\"mainnet\",\"height\":12,\"observed_time_ms\":\" \"}",
    })
    void malformedOrMistypedInputIsASerializationException(String json) {
        SerializationException e = assertThrows(SerializationException.class,
                () -> Json.read(utf8(json), HeaderRecord.class), json);
        assertTrue(e.getMessage().contains("HeaderRecord"), e.getMessage());
    }

    @Test
    void nullBytesAreASerializationExceptionButATombstoneThroughTheSerde() {
        assertThrows(SerializationException.class, () -> Json.read(null, HeaderRecord.class));
        Serde<HeaderRecord> serde = Json.serde(HeaderRecord.class);
        assertNull(serde.deserializer().deserialize("headers", null));
        assertNull(serde.serializer().serialize("headers", null));
        HeaderRecord in = new HeaderRecord("regtest", 3, HEX, 10L, 1, "test", 5L);
        assertEquals(in, serde.deserializer().deserialize("headers", serde.serializer().serialize("headers", in)));
        assertThrows(SerializationException.class, () -> serde.deserializer().deserialize("headers", utf8("{")));
    }

    @Test
    void unknownFieldsAreIgnored() {
        // Json disables FAIL_ON_UNKNOWN_PROPERTIES: producers may add fields without breaking consumers.
        HeaderRecord r = Json.read(utf8("{\"network\":\"regtest\",\"height\":1,\"header_hex\":\"" + HEX
                + "\",\"confirmations\":3}"), HeaderRecord.class);
        assertEquals(1, r.height());
    }

    @Test
    void topicKeysAndNames() {
        assertEquals("mainnet:840000", Topics.blockKey("mainnet", 840_000));
        Set<String> names = new TreeSet<>();
        Topics.all().forEach(t -> names.add(t.name()));
        assertEquals(Topics.all().size(), names.size(), "topic names are distinct");
        assertTrue(Topics.all().containsAll(Topics.outputs()) && Topics.all().containsAll(Topics.inputs()));
        assertEquals("high_hash", RejectReason.HIGH_HASH.label());
    }
}
