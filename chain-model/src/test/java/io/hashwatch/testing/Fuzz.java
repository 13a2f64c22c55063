package io.hashwatch.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hashwatch.model.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seeded mutation of valid inputs for the fuzz tests: bit flips, truncation, random bytes, field deletion and
 * duplication, type swaps, huge numbers, unicode, structural damage. One {@link SplittableRandom} per test, from a
 * fixed seed that is printed and can be overridden with {@code -Dhashwatch.fuzz.seed=N}; the number of cases scales
 * with {@code -Dhashwatch.fuzz.scale=X} (default 1). Same seed, same inputs, byte for byte.
 *
 * <p>A {@link Mutant} says what was done, so that a test can hold the outcome to an oracle where one is known (a
 * string field given a number must be rejected, a long field given a long accepted ...), beyond the general
 * property that a parser returns a value or throws its documented exception.
 */
public final class Fuzz {
    public static final String SEED_PROPERTY = "hashwatch.fuzz.seed";
    public static final String SCALE_PROPERTY = "hashwatch.fuzz.scale";
    /** The default seed of every fuzz test (each test derives its own stream from it and its name). */
    public static final long DEFAULT_SEED = 0x6861736877617463L;

    private static final String PLACEHOLDER = "HASHWATCH_FUZZ_PLACEHOLDER_7f3a";
    /** JSON's longest number Jackson reads (StreamReadConstraints.DEFAULT_MAX_NUM_LEN). */
    public static final int MAX_NUMBER_LENGTH = 1000;

    /** What a mutation did. */
    public enum Kind {
        BIT_FLIP, TRUNCATE, RANDOM_BYTES, INSERT_BYTES, RANDOM_INPUT, DELETE_FIELD, DUPLICATE_FIELD, TYPE_SWAP,
        UNICODE, STRUCTURE
    }

    /** The JSON type of a literal put in place of a value; {@code NOT_JSON} for tokens JSON does not have. */
    public enum ValueType {
        STRING, INTEGER, FLOAT, BOOLEAN, NULL, ARRAY, OBJECT, NOT_JSON
    }

    /** A value as JSON text, with its type. */
    public record Literal(ValueType type, String json) {
        /** The integer's value (for {@link ValueType#INTEGER}). */
        public BigInteger integer() {
            return new BigInteger(json);
        }

        /** The string's value, decoded (for {@link ValueType#STRING}). */
        public String string() {
            try {
                return Json.MAPPER.readValue(json, String.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Whether Jackson's number length limit rejects this literal whatever the target type. */
        public boolean tooLongNumber() {
            return (type == ValueType.INTEGER || type == ValueType.FLOAT) && json.length() > MAX_NUMBER_LENGTH;
        }
    }

    /**
     * One mutated input.
     *
     * @param kind     what was done
     * @param detail   how, for failure messages
     * @param bytes    the mutated input
     * @param topField the top-level field that was changed (TYPE_SWAP, DELETE_FIELD, DUPLICATE_FIELD), else null
     * @param literal  the value put there (TYPE_SWAP, DUPLICATE_FIELD), else null
     */
    public record Mutant(Kind kind, String detail, byte[] bytes, String topField, Literal literal) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** For failure messages: kind, detail and the input, escaped and cut to 400 characters. */
        @Override
        public String toString() {
            return kind + " (" + detail + ") " + show(bytes);
        }
    }

    private final SplittableRandom random;

    public Fuzz(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /**
     * The seed of a fuzz test: {@code -Dhashwatch.fuzz.seed} or {@link #DEFAULT_SEED}, mixed with the test's name so
     * that tests do not share a stream. Printed, with how to rerun.
     */
    public static long seed(String testName) {
        String prop = System.getProperty(SEED_PROPERTY);
        long base = prop == null || prop.isBlank() ? DEFAULT_SEED : Long.decode(prop.strip());
        long seed = base ^ (testName.hashCode() * 0x9E3779B97F4A7C15L);
        System.out.println("[fuzz] " + testName + ": base seed " + base + " (rerun with -D" + SEED_PROPERTY + "="
                + base + ")");
        return seed;
    }

    /** {@code base} cases scaled by {@code -Dhashwatch.fuzz.scale}. */
    public static int cases(int base) {
        String prop = System.getProperty(SCALE_PROPERTY);
        double scale = prop == null || prop.isBlank() ? 1 : Double.parseDouble(prop.strip());
        return Math.max(1, (int) Math.round(base * scale));
    }

    public SplittableRandom random() {
        return random;
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public boolean chance(double p) {
        return random.nextDouble() < p;
    }

    public <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    /** A random mutation of {@code valid} (JSON text; the tree mutations fall back to byte ones when it is not). */
    public Mutant mutate(byte[] valid) {
        Kind[] kinds = Kind.values();
        return mutate(valid, kinds[random.nextInt(kinds.length)]);
    }

    public Mutant mutate(byte[] valid, Kind kind) {
        JsonNode tree = null;
        if (kind == Kind.DELETE_FIELD || kind == Kind.DUPLICATE_FIELD || kind == Kind.TYPE_SWAP
                || kind == Kind.UNICODE) {
            try {
                tree = Json.MAPPER.readTree(valid);
            } catch (java.io.IOException e) {
                tree = null;
            }
            if (tree == null || !tree.isContainerNode() || tree.isEmpty()) {
                kind = Kind.BIT_FLIP;
            }
        }
        switch (kind) {
            case BIT_FLIP:
                return bitFlip(valid);
            case TRUNCATE:
                return truncate(valid);
            case RANDOM_BYTES:
                return randomBytes(valid);
            case INSERT_BYTES:
                return insertBytes(valid);
            case RANDOM_INPUT:
                return randomInput();
            case DELETE_FIELD:
                return deleteField(tree);
            case DUPLICATE_FIELD:
                return duplicateField(tree);
            case TYPE_SWAP:
                return typeSwap(tree);
            case UNICODE:
                return unicode(tree);
            case STRUCTURE:
                return structure(valid);
            default:
                throw new IllegalStateException(kind.toString());
        }
    }

    // ---- byte mutations ----

    private Mutant bitFlip(byte[] valid) {
        byte[] b = valid.clone();
        if (b.length == 0) {
            return new Mutant(Kind.BIT_FLIP, "empty", b, null, null);
        }
        int flips = 1 + random.nextInt(4);
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < flips; i++) {
            int pos = random.nextInt(b.length);
            int bit = random.nextInt(8);
            b[pos] ^= (byte) (1 << bit);
            where.append(pos).append('.').append(bit).append(' ');
        }
        return new Mutant(Kind.BIT_FLIP, "bits " + where.toString().strip(), b, null, null);
    }

    private Mutant truncate(byte[] valid) {
        int len = valid.length == 0 ? 0 : random.nextInt(valid.length);
        byte[] b = new byte[len];
        System.arraycopy(valid, 0, b, 0, len);
        return new Mutant(Kind.TRUNCATE, "to " + len + " of " + valid.length + " bytes", b, null, null);
    }

    private Mutant randomBytes(byte[] valid) {
        byte[] b = valid.clone();
        if (b.length == 0) {
            return randomInput();
        }
        int pos = random.nextInt(b.length);
        int n = Math.min(1 + random.nextInt(8), b.length - pos);
        for (int i = 0; i < n; i++) {
            b[pos + i] = interestingByte();
        }
        return new Mutant(Kind.RANDOM_BYTES, n + " bytes at " + pos, b, null, null);
    }

    private Mutant insertBytes(byte[] valid) {
        int pos = valid.length == 0 ? 0 : random.nextInt(valid.length + 1);
        int n = 1 + random.nextInt(16);
        byte[] b = new byte[valid.length + n];
        System.arraycopy(valid, 0, b, 0, pos);
        for (int i = 0; i < n; i++) {
            b[pos + i] = interestingByte();
        }
        System.arraycopy(valid, pos, b, pos + n, valid.length - pos);
        return new Mutant(Kind.INSERT_BYTES, n + " bytes at " + pos, b, null, null);
    }

    private Mutant randomInput() {
        byte[] b = new byte[random.nextInt(200)];
        for (int i = 0; i < b.length; i++) {
            b[i] = interestingByte();
        }
        return new Mutant(Kind.RANDOM_INPUT, b.length + " random bytes", b, null, null);
    }

    private static final byte[] JSON_BYTES = "{}[]\":,\\0123456789eE+-.ntrufalsNI \t\n"
            .getBytes(StandardCharsets.US_ASCII);

    private byte interestingByte() {
        switch (random.nextInt(3)) {
            case 0:
                return JSON_BYTES[random.nextInt(JSON_BYTES.length)];
            case 1:
                // Invalid and multi-byte UTF-8: continuation bytes, lead bytes, 0xff.
                return (byte) (0x80 + random.nextInt(0x80));
            default:
                return (byte) random.nextInt(256);
        }
    }

    // ---- tree mutations ----

    /** A place in a JSON tree: a field of an object or an element of an array. */
    private record Slot(JsonNode parent, String field, int index, boolean top) {
    }

    private List<Slot> slots(JsonNode root) {
        List<Slot> out = new ArrayList<>();
        collect(root, true, out, 0);
        return out;
    }

    private static void collect(JsonNode node, boolean top, List<Slot> out, int depth) {
        if (depth > 64) {
            return;
        }
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(name -> {
                out.add(new Slot(node, name, -1, top));
                collect(node.get(name), false, out, depth + 1);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(new Slot(node, null, i, top));
                collect(node.get(i), false, out, depth + 1);
            }
        }
    }

    /** A slot, half of the time a top-level field (where the typed oracles apply). */
    private Slot pickSlot(JsonNode root) {
        List<Slot> all = slots(root);
        List<Slot> top = all.stream().filter(Slot::top).toList();
        return !top.isEmpty() && random.nextBoolean() ? pick(top) : pick(all);
    }

    private static String describe(Slot s) {
        return (s.top() ? "top-level " : "nested ")
                + (s.field() != null ? "field '" + s.field() + "'" : "element " + s.index());
    }

    private Mutant deleteField(JsonNode tree) {
        JsonNode root = tree.deepCopy();
        Slot s = pickSlot(root);
        if (s.field() != null) {
            ((ObjectNode) s.parent()).remove(s.field());
        } else {
            ((ArrayNode) s.parent()).remove(s.index());
        }
        return new Mutant(Kind.DELETE_FIELD, "removed " + describe(s), Json.write(root),
                s.top() ? s.field() : null, null);
    }

    /**
     * Duplicates a top-level field (first, so that a last-wins reader sees the original value last; or last, after
     * every other field), with its own value or a random one.
     */
    private Mutant duplicateField(JsonNode tree) {
        if (!tree.isObject()) {
            return typeSwap(tree);
        }
        List<String> names = new ArrayList<>();
        tree.fieldNames().forEachRemaining(names::add);
        String name = pick(names);
        Literal value = random.nextBoolean()
                ? new Literal(typeOf(tree.get(name)),
                        new String(Json.write(tree.get(name)), StandardCharsets.UTF_8))
                : literal();
        String text = new String(Json.write(tree), StandardCharsets.UTF_8);
        String member = quote(name) + ":" + value.json();
        boolean first = random.nextBoolean();
        String out = first ? "{" + member + "," + text.substring(1)
                : text.substring(0, text.length() - 1) + "," + member + "}";
        return new Mutant(Kind.DUPLICATE_FIELD, (first ? "first " : "last ") + name + "=" + cut(value.json()),
                out.getBytes(StandardCharsets.UTF_8), name, value);
    }

    private Mutant typeSwap(JsonNode tree) {
        JsonNode root = tree.deepCopy();
        Slot s = pickSlot(root);
        Literal value = literal();
        if (s.field() != null) {
            ((ObjectNode) s.parent()).set(s.field(), TextNode.valueOf(PLACEHOLDER));
        } else {
            ((ArrayNode) s.parent()).set(s.index(), TextNode.valueOf(PLACEHOLDER));
        }
        String text = new String(Json.write(root), StandardCharsets.UTF_8)
                .replace(quote(PLACEHOLDER), value.json());
        return new Mutant(Kind.TYPE_SWAP, describe(s) + " := " + value.type() + " " + cut(value.json()),
                text.getBytes(StandardCharsets.UTF_8), s.top() ? s.field() : null, value);
    }

    /** Unicode in a string value (re-serialized, so still JSON), or raw in the text anywhere. */
    private Mutant unicode(JsonNode tree) {
        String weird = weirdText(1 + random.nextInt(4));
        List<Slot> strings = slots(tree).stream().filter(s -> value(s).isTextual()).toList();
        if (strings.isEmpty() || random.nextInt(4) == 0) {
            String text = new String(Json.write(tree), StandardCharsets.UTF_8);
            int pos = random.nextInt(text.length() + 1);
            String out = text.substring(0, pos) + weird + text.substring(pos);
            return new Mutant(Kind.UNICODE, "raw " + escape(weird) + " at " + pos, out.getBytes(StandardCharsets.UTF_8),
                    null, null);
        }
        JsonNode root = tree.deepCopy();
        Slot s = pick(slots(root).stream().filter(x -> value(x).isTextual()).toList());
        String old = value(s).textValue();
        int pos = random.nextInt(old.length() + 1);
        String changed = random.nextInt(4) == 0 ? weird : old.substring(0, pos) + weird + old.substring(pos);
        if (s.field() != null) {
            ((ObjectNode) s.parent()).put(s.field(), changed);
        } else {
            ((ArrayNode) s.parent()).set(s.index(), TextNode.valueOf(changed));
        }
        Literal lit = new Literal(ValueType.STRING, quote(changed));
        return new Mutant(Kind.UNICODE, describe(s) + " now " + escape(cut(changed)), Json.write(root),
                s.top() ? s.field() : null, lit);
    }

    private static JsonNode value(Slot s) {
        return s.field() != null ? s.parent().get(s.field()) : s.parent().get(s.index());
    }

    private static final int[] WEIRD_CODE_POINTS = {
        0x0000, 0x0001, 0x0009, 0x000a, 0x007f, 0x00a0, 0x00e9, 0x0130, 0x0131, 0x0301, 0x0660, 0x0669, 0x200b,
        0x200d, 0x202e, 0x2028, 0xfeff, 0xfffd, 0xff10, 0xff41, 0x1d7ce, 0x1f4a9, 0x10ffff, 0xd800, 0xdfff
    };

    /** Code points that trip parsers: NUL, controls, BOM, RTL override, fullwidth and Arabic-Indic digits,
     *  combining marks, dotted/dotless i, astral characters, lone surrogates. */
    private String weirdText(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int cp = random.nextInt(3) == 0 ? random.nextInt(0x30000)
                    : WEIRD_CODE_POINTS[random.nextInt(WEIRD_CODE_POINTS.length)];
            if (cp >= 0xd800 && cp <= 0xdfff) {
                sb.append((char) cp);
            } else {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    private Mutant structure(byte[] valid) {
        String text = new String(valid, StandardCharsets.UTF_8);
        String out;
        String what;
        switch (random.nextInt(12)) {
            case 0:
                out = "[" + text + "]";
                what = "wrapped in an array";
                break;
            case 1:
                out = "{\"value\":" + text + "}";
                what = "wrapped in an object";
                break;
            case 2: {
                int depth = 100 + random.nextInt(3000);
                out = "[".repeat(depth) + text + "]".repeat(depth);
                what = "nested " + depth + " deep";
                break;
            }
            case 3: {
                int depth = 100 + random.nextInt(3000);
                out = "{\"a\":".repeat(depth) + text + "}".repeat(depth);
                what = "nested in objects " + depth + " deep";
                break;
            }
            case 4:
                out = text + text;
                what = "twice";
                break;
            case 5:
                out = text + (random.nextBoolean() ? " x" : ",{}");
                what = "trailing tokens";
                break;
            case 6:
                out = "\uFEFF" + text;
                what = "BOM first";
                break;
            case 7:
                out = " \t\r\n" + text + "\n ";
                what = "whitespace around";
                break;
            case 8:
                out = text.replace('"', '\'');
                what = "single quotes";
                break;
            case 9:
                out = "/* c */" + text;
                what = "comment";
                break;
            case 10:
                out = text.toUpperCase(Locale.ROOT);
                what = "upper case";
                break;
            default:
                out = random.nextBoolean() ? "" : random.nextBoolean() ? "null" : "[]";
                what = "empty or null";
                break;
        }
        return new Mutant(Kind.STRUCTURE, what, out.getBytes(StandardCharsets.UTF_8), null, null);
    }

    // ---- values ----

    private static final List<String> STRINGS = List.of("", "x", "12", "-1", "0", "NaN", "Infinity", "-Infinity",
            "true", "null", "BTC-USD", "BTC/USD", "ETH-USD", "mainnet", "regtest", "MAINNET", "main", "testnet3",
            "coinbase", " ", "1e400", "1e20000000", "-1e999999999", "1e-999999999", "2024-04-20T00:09:27.123456Z",
            "1618678142.557535");
    private static final List<String> INTEGERS = List.of("0", "1", "-1", "-0", "2147483647", "2147483648",
            "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "-9223372036854775809", "18446744073709551616", "123456789012345678901234567890", "1700000000000",
            "100000");
    private static final List<String> FLOATS = List.of("1.5", "-0.0", "0.0", "1e3", "1E-7", "1e308", "1e400",
            "-1e400", "4.9e-324", "1e-400", "1000000000000.0", "1e12", "-5.5", "68000.10");
    private static final List<String> NOT_JSON = List.of("NaN", "Infinity", "-Infinity", "007", "0x10", "+5", ".5",
            "1.", "1e", "undefined", "'x'", "tru", "nul", "--1", "1_000", "\"unterminated", "[1,", "{\"a\"}");
    private static final List<String> CONTAINERS = List.of("[]", "[1]", "[\"x\"]", "{}", "{\"a\":1}", "[[[[]]]]",
            "[null]", "{\"\":{}}");

    /** A random value: any JSON type, edge-case numbers (beyond long, beyond double, too long to read), odd
     *  strings (numeric, special, long, unicode, hex), and tokens JSON does not have. */
    public Literal literal() {
        switch (random.nextInt(10)) {
            case 0:
            case 1:
                return new Literal(ValueType.STRING, quote(randomString()));
            case 2:
                return new Literal(ValueType.STRING, random.nextBoolean() ? "\"\\ud800\"" : "\"a\\u0000b\"");
            case 3:
                return new Literal(ValueType.INTEGER, random.nextInt(4) == 0
                        ? Long.toString(random.nextLong()) : pick(INTEGERS));
            case 4:
                return new Literal(ValueType.INTEGER, random.nextBoolean() ? "1" + "0".repeat(MAX_NUMBER_LENGTH + 5)
                        : "-" + "9".repeat(25 + random.nextInt(50)));
            case 5:
                return new Literal(ValueType.FLOAT, random.nextInt(4) == 0
                        ? Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20)) : pick(FLOATS));
            case 6:
                return random.nextBoolean() ? new Literal(ValueType.BOOLEAN, random.nextBoolean() ? "true" : "false")
                        : new Literal(ValueType.NULL, "null");
            case 7: {
                String c = pick(CONTAINERS);
                return new Literal(c.startsWith("[") ? ValueType.ARRAY : ValueType.OBJECT, c);
            }
            default:
                return new Literal(ValueType.NOT_JSON, pick(NOT_JSON));
        }
    }

    private String randomString() {
        switch (random.nextInt(6)) {
            case 0:
                return pick(STRINGS);
            case 1:
                return hex(random.nextInt(4) == 0 ? random.nextInt(400) : 160);
            case 2:
                return weirdText(1 + random.nextInt(8));
            case 3:
                return "a".repeat(1000 + random.nextInt(70_000));
            case 4:
                return Long.toString(random.nextLong());
            default:
                return pick(STRINGS) + weirdText(1);
        }
    }

    public String hex(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(Character.forDigit(random.nextInt(16), 16));
        }
        return sb.toString();
    }

    private static ValueType typeOf(JsonNode n) {
        if (n.isTextual()) {
            return ValueType.STRING;
        }
        if (n.isIntegralNumber()) {
            return ValueType.INTEGER;
        }
        if (n.isNumber()) {
            return ValueType.FLOAT;
        }
        if (n.isBoolean()) {
            return ValueType.BOOLEAN;
        }
        if (n.isNull()) {
            return ValueType.NULL;
        }
        return n.isArray() ? ValueType.ARRAY : ValueType.OBJECT;
    }

    // ---- text helpers ----

    static String quote(String s) {
        return new String(Json.write(s), StandardCharsets.UTF_8);
    }

    private static String cut(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...(" + s.length() + " chars)";
    }

    /** Printable: non-ASCII and controls as \\uXXXX, cut to 400 characters. */
    public static String show(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        String s = new String(bytes, StandardCharsets.UTF_8);
        return escape(s.length() <= 400 ? s : s.substring(0, 400) + "...(" + bytes.length + " bytes)");
    }

    public static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
