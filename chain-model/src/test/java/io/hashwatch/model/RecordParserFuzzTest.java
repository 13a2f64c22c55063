package io.hashwatch.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.testing.Fuzz;
import io.hashwatch.testing.Fuzz.Kind;
import io.hashwatch.testing.Fuzz.Literal;
import io.hashwatch.testing.Fuzz.Mutant;
import io.hashwatch.testing.Fuzz.ValueType;
import io.hashwatch.testing.RegtestChain;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * Fuzz of the input record parsers: {@link Json#read} of {@link HeaderRecord} followed by
 * {@link BlockHeader#fromHex} (the chain processor's parse path), and {@link Json#read} of {@link PriceTick}, with
 * seeded mutations of valid records ({@link Fuzz}: bit flips, truncation, random bytes, field deletion and
 * duplication, type swaps, huge numbers, unicode, structural damage).
 *
 * <p>Properties: {@code Json.read} returns a record or throws {@link SerializationException} (never anything else:
 * no NPE, ClassCastException, StackOverflowError ...), and what it returns writes and reads back equal;
 * {@code BlockHeader.fromHex} returns a header that prints back as its input or throws
 * {@link IllegalArgumentException}. Where the outcome is known it is held to an oracle: a truncated record, a string
 * field given a number, a long field given a float or a number beyond long, a missing primitive, are rejected; a
 * nullable field deleted, a string field given any string (unicode included), whitespace or a BOM around a valid
 * record, are accepted; 160 hex digits parse and nothing else does.
 *
 * <p>Seed: printed; {@code -Dhashwatch.fuzz.seed=N} reruns a failure, {@code -Dhashwatch.fuzz.scale=X} runs X
 * times as many cases.
 */
class RecordParserFuzzTest {
    /** The wire types of the record fields, as the oracle needs them. */
    enum FieldKind { STRING, LONG, NULLABLE_LONG, NULLABLE_INT, DOUBLE, NULLABLE_DOUBLE }

    static final Map<String, FieldKind> HEADER_FIELDS = Map.of("network", FieldKind.STRING, "height", FieldKind.LONG,
            "header_hex", FieldKind.STRING, "fees_sat", FieldKind.NULLABLE_LONG, "tx_count", FieldKind.NULLABLE_INT,
            "source", FieldKind.STRING, "observed_time_ms", FieldKind.NULLABLE_LONG);
    static final Map<String, FieldKind> TICK_FIELDS = Map.of("exchange", FieldKind.STRING, "pair", FieldKind.STRING,
            "price", FieldKind.DOUBLE, "size", FieldKind.NULLABLE_DOUBLE, "trade_time_ms", FieldKind.LONG,
            "receive_time_ms", FieldKind.LONG, "trade_id", FieldKind.STRING);

    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final Set<String> DOUBLE_SPECIAL_STRINGS = Set.of("NaN", "Infinity", "-Infinity");

    /**
     * Whether {@code Json.read} accepts a record whose field of {@code kind} holds {@code v}, the rest valid: strict
     * types (no number for a string, no string or float for an integer), nulls only where the field is an object
     * type. Jackson reads "NaN" and "(-)Infinity" strings as doubles; the validation downstream rejects them.
     */
    static boolean accepts(FieldKind kind, Literal v) {
        if (v.type() == ValueType.NOT_JSON || v.tooLongNumber()) {
            return false;
        }
        boolean isNull = v.type() == ValueType.NULL;
        switch (kind) {
            case STRING:
                return v.type() == ValueType.STRING || isNull;
            case LONG:
                return v.type() == ValueType.INTEGER && fits(v.integer(), LONG_MIN, LONG_MAX);
            case NULLABLE_LONG:
                return isNull || v.type() == ValueType.INTEGER && fits(v.integer(), LONG_MIN, LONG_MAX);
            case NULLABLE_INT:
                return isNull || v.type() == ValueType.INTEGER && fits(v.integer(),
                        BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE));
            case DOUBLE:
            case NULLABLE_DOUBLE:
                return isNull && kind == FieldKind.NULLABLE_DOUBLE || v.type() == ValueType.INTEGER
                        || v.type() == ValueType.FLOAT
                        || v.type() == ValueType.STRING && DOUBLE_SPECIAL_STRINGS.contains(v.string());
            default:
                throw new IllegalStateException(kind.toString());
        }
    }

    private static boolean fits(BigInteger v, BigInteger min, BigInteger max) {
        return v.compareTo(min) >= 0 && v.compareTo(max) <= 0;
    }

    private static boolean primitive(FieldKind kind) {
        return kind == FieldKind.LONG || kind == FieldKind.DOUBLE;
    }

    /**
     * The expected outcome of parsing a mutant of a valid record: true accepted, false rejected, null when the
     * mutation's effect is not known in advance (bit flips, random bytes, nested changes ...).
     */
    static Boolean expectedOutcome(Mutant m, Map<String, FieldKind> fields) {
        FieldKind kind = m.topField() == null ? null : fields.get(m.topField());
        switch (m.kind()) {
            case TRUNCATE:
                return false;           // a proper prefix of a JSON object is never a JSON object
            case DELETE_FIELD:
                return kind == null ? null : !primitive(kind);
            case TYPE_SWAP:
                return kind == null ? null : accepts(kind, m.literal());
            case UNICODE:
                return kind == null ? null : kind == FieldKind.STRING ? Boolean.TRUE : null;
            case DUPLICATE_FIELD:
                // The first occurrence is read (and type-checked) too; acceptance otherwise depends on Jackson's
                // handling of a repeated creator property, which this does not pin.
                return kind != null && m.detail().startsWith("first ") && !accepts(kind, m.literal()) ? false : null;
            case STRUCTURE:
                return m.detail().equals("whitespace around") || m.detail().equals("BOM first");
            default:
                return null;
        }
    }

    /** Runs the parse, checks the general properties, returns the record or null when rejected. */
    private static <T> T parse(byte[] bytes, Class<T> type, Supplier<String> context, List<String> failures) {
        T value;
        try {
            value = Json.read(bytes, type);
        } catch (SerializationException e) {
            if (e.getMessage() == null || !e.getMessage().contains(type.getSimpleName())) {
                failures.add(context.get() + ": exception message does not name the type: " + e.getMessage());
            }
            return null;
        } catch (Throwable t) {
            failures.add(context.get() + ": Json.read threw " + t);
            return null;
        }
        try {
            T again = Json.read(Json.write(value), type);
            if (!again.equals(value)) {
                failures.add(context.get() + ": does not round-trip: " + value + " -> " + again);
            }
        } catch (Throwable t) {
            failures.add(context.get() + ": the parsed record does not write and read back: " + t);
        }
        return value;
    }

    private static void checkHeaderPath(HeaderRecord r, Supplier<String> context, List<String> failures) {
        if (r.headerHex() == null) {
            return;
        }
        BlockHeader h;
        try {
            h = BlockHeader.fromHex(r.headerHex());
        } catch (IllegalArgumentException e) {
            if (validHex(r.headerHex())) {
                failures.add(context.get() + ": 160 hex digits rejected: " + e);
            }
            return;
        } catch (Throwable t) {
            failures.add(context.get() + ": BlockHeader.fromHex threw " + t);
            return;
        }
        if (!validHex(r.headerHex()) || !h.hex().equalsIgnoreCase(r.headerHex()) || h.hash().length() != 64
                || h.prevHash().length() != 64) {
            failures.add(context.get() + ": fromHex accepted '" + Fuzz.escape(r.headerHex()) + "' as " + h.hex());
        }
    }

    static boolean validHex(String s) {
        if (s.length() != BlockHeader.SIZE * 2) {
            return false;
        }
        for (char c : s.toCharArray()) {
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }

    private static <T> void run(String name, int cases, List<T> valid, Class<T> type, Map<String, FieldKind> fields,
                                BiConsumer<T, Supplier<String>> extraCheck, List<String> failures) {
        Fuzz fuzz = new Fuzz(Fuzz.seed(name));
        Map<Kind, int[]> outcomes = new EnumMap<>(Kind.class);
        long started = System.nanoTime();
        for (int i = 0; i < cases; i++) {
            byte[] base = Json.write(fuzz.pick(valid));
            Mutant m = fuzz.mutate(base);
            int n = i;
            Supplier<String> context = () -> name + " case " + n + " " + m;
            T parsed = parse(m.bytes(), type, context, failures);
            outcomes.computeIfAbsent(m.kind(), k -> new int[2])[parsed == null ? 1 : 0]++;
            Boolean expected = expectedOutcome(m, fields);
            if (expected != null && expected != (parsed != null)) {
                failures.add(context.get() + ": expected " + (expected ? "accepted" : "rejected") + ", was "
                        + (parsed == null ? "rejected" : "accepted as " + parsed));
            }
            if (parsed != null) {
                if (m.kind() == Kind.STRUCTURE && !parsed.equals(Json.read(base, type))) {
                    failures.add(context.get() + ": whitespace or BOM changed the record: " + parsed);
                }
                extraCheck.accept(parsed, context);
            }
            if (failures.size() > 20) {
                break;
            }
        }
        StringBuilder sb = new StringBuilder();
        outcomes.forEach((k, v) -> sb.append(k).append(' ').append(v[0]).append('/').append(v[0] + v[1]).append(' '));
        System.out.println("[fuzz] " + name + ": " + cases + " cases in " + (System.nanoTime() - started) / 1_000_000
                + " ms; accepted/total by mutation: " + sb.toString().strip());
    }

    static void assertNoFailures(List<String> failures) {
        assertTrue(failures.isEmpty(), failures.size() + " failure(s), the first ones:\n" + String.join("\n",
                failures.subList(0, Math.min(5, failures.size())).stream()
                        .map(f -> f.length() <= 1200 ? f : f.substring(0, 1200) + "...").toList()));
    }

    @Test
    void headerRecordParsePathReturnsOrThrowsOnlySerializationOrIllegalArgument() {
        RegtestChain chain = RegtestChain.fromGenesis(77);
        chain.extend(5);
        List<HeaderRecord> valid = new ArrayList<>(chain.records(0, 5));
        valid.add(new HeaderRecord("mainnet", 0, MAINNET_GENESIS_HEX, 0L, 1, "file:genesis", 1_231_006_505_000L));
        valid.add(new HeaderRecord("regtest", 3, chain.at(3).hex().toUpperCase(), 12_345L, 3050, null, null));
        List<String> failures = new ArrayList<>();
        run("header-record", Fuzz.cases(10_000), valid, HeaderRecord.class, HEADER_FIELDS,
                (r, context) -> checkHeaderPath(r, context, failures), failures);
        assertNoFailures(failures);
    }

    @Test
    void priceTickParseReturnsOrThrowsOnlySerializationException() {
        List<PriceTick> valid = List.of(
                new PriceTick("coinbase", "BTC-USD", 68_000.1, 0.5, 1_713_571_767_123L, 1_713_571_767_200L, "10"),
                new PriceTick("kraken", "BTC-USD", 105_944.2, null, 1_696_613_755_440L, 1_696_613_755_500L, null),
                new PriceTick("cmc", "BTC-USD", 449.46, null, 1_399_680_000_000L, 1_700_000_000_000L, null));
        List<String> failures = new ArrayList<>();
        run("price-tick", Fuzz.cases(10_000), valid, PriceTick.class, TICK_FIELDS, (t, context) -> { }, failures);
        assertNoFailures(failures);
    }

    /** Hex mutations: replaced, inserted and deleted characters, non-ASCII digits, case changes, odd lengths. */
    @Test
    void headerHexParsesExactly160HexDigits() {
        Fuzz fuzz = new Fuzz(Fuzz.seed("header-hex"));
        RegtestChain chain = RegtestChain.fromGenesis(78);
        chain.extend(3);
        String alphabet = "0123456789abcdefABCDEFgGxX -+\u0000\u0660\u0669\uff10\uff41\u00b2\u2070\u0301";
        int cases = Fuzz.cases(10_000);
        int accepted = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < cases && failures.size() < 20; i++) {
            StringBuilder hex = new StringBuilder(chain.at(fuzz.nextInt(4)).hex());
            int edits = 1 + fuzz.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int pos = fuzz.nextInt(hex.length() + 1);
                char c = alphabet.charAt(fuzz.nextInt(alphabet.length()));
                switch (fuzz.nextInt(5)) {
                    case 0 -> hex.insert(pos, c);
                    case 1 -> { if (pos < hex.length()) hex.deleteCharAt(pos); }
                    case 2 -> { if (pos < hex.length()) hex.setCharAt(pos, c); }
                    case 3 -> { String u = hex.toString().toUpperCase(); hex.setLength(0); hex.append(u); }
                    default -> hex.setLength(fuzz.nextInt(hex.length() + 1));
                }
            }
            String s = hex.toString();
            try {
                BlockHeader h = BlockHeader.fromHex(s);
                accepted++;
                if (!validHex(s) || !h.hex().equals(s.toLowerCase())) {
                    failures.add("case " + i + ": accepted '" + Fuzz.escape(s) + "'");
                }
                assertEquals(h, BlockHeader.parse(h.raw()));
            } catch (IllegalArgumentException e) {
                if (validHex(s)) {
                    failures.add("case " + i + ": rejected 160 hex digits '" + s + "': " + e);
                }
            } catch (Throwable t) {
                failures.add("case " + i + ": '" + Fuzz.escape(s) + "' threw " + t);
            }
        }
        System.out.println("[fuzz] header-hex: " + cases + " cases, " + accepted + " accepted");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(accepted > cases / 50, "the mutations also make valid headers (case changes, replaced digits)");
    }

    @Test
    void theOracleKnowsTheRulesOfTheStrictMapper() {
        // Spot checks of the oracle itself, so that the fuzz cannot pass by an oracle agreeing with a broken mapper.
        assertTrue(accepts(FieldKind.LONG, new Literal(ValueType.INTEGER, "9223372036854775807")));
        assertTrue(!accepts(FieldKind.LONG, new Literal(ValueType.INTEGER, "9223372036854775808")));
        assertTrue(!accepts(FieldKind.LONG, new Literal(ValueType.FLOAT, "1e3")));
        assertTrue(!accepts(FieldKind.LONG, new Literal(ValueType.STRING, "\"12\"")));
        assertTrue(!accepts(FieldKind.STRING, new Literal(ValueType.INTEGER, "5")));
        assertTrue(!accepts(FieldKind.STRING, new Literal(ValueType.BOOLEAN, "true")));
        assertTrue(accepts(FieldKind.DOUBLE, new Literal(ValueType.STRING, "\"NaN\"")));
        assertTrue(!accepts(FieldKind.DOUBLE, new Literal(ValueType.STRING, "\"5\"")));
        assertTrue(!accepts(FieldKind.NULLABLE_INT, new Literal(ValueType.INTEGER, "3000000000")));
        String valid = new String(Json.write(RegtestChain.fromGenesis(1).record(0)), StandardCharsets.UTF_8);
        for (String field : List.of("network", "header_hex", "source")) {
            for (String v : List.of("5", "1.5", "true")) {
                String json = valid.replaceFirst("\"" + field + "\":(\"[^\"]*\"|null)", "\"" + field + "\":" + v);
                assertTrue(json.contains("\"" + field + "\":" + v), json);
                assertThrows(SerializationException.class,
                        () -> Json.read(json.getBytes(StandardCharsets.UTF_8), HeaderRecord.class),
                        "a mistyped string field is malformed: " + json);
            }
        }
    }

    @Test
    void theMutationsAreDeterministicForASeedAndOfEveryKind() {
        // A failure is only useful if its seed reproduces it.
        byte[] base = Json.write(RegtestChain.fromGenesis(1).record(0));
        Fuzz a = new Fuzz(42);
        Fuzz b = new Fuzz(42);
        Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
        for (int i = 0; i < 500; i++) {
            Mutant x = a.mutate(base);
            Mutant y = b.mutate(base);
            assertEquals(x.kind(), y.kind());
            assertArrayEquals(x.bytes(), y.bytes(), x + " / " + y);
            kinds.merge(x.kind(), 1, Integer::sum);
        }
        assertEquals(Kind.values().length, kinds.size(), "every kind of mutation is made: " + kinds);
    }

    /** Bitcoin's genesis block header (mainnet), 80 bytes; its hash is checked below. */
    static final String MAINNET_GENESIS_HEX = "0100000000000000000000000000000000000000000000000000000000000000"
            + "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";

    @Test
    void theMainnetGenesisHeaderIsTheRealOne() {
        assertEquals("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
                BlockHeader.fromHex(MAINNET_GENESIS_HEX).hash());
    }
}
