package io.hashwatch.source.price;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.model.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Shared plumbing of the exchange parsers: JSON tree parsing with {@link Json#MAPPER}, strict field readers that
 * fail with a message naming the field, and the map from an exchange's symbol to hashwatch's pair name.
 */
abstract class JsonFeedParser implements FeedParser {
    private static final Pattern PAIR = Pattern.compile("[A-Z0-9]+-[A-Z0-9]+");
    private static final int SNIPPET = 160;
    /**
     * Longest decimal string read, as Jackson's own limit for JSON numbers: BigDecimal parses in quadratic time (a
     * million digits take seconds, and a message may be 8 MiB).
     */
    static final int MAX_DECIMAL_CHARS = 1000;

    /** A message that is not of the expected layout; turned into {@link FeedEvent.Type#MALFORMED}. */
    static final class BadMessage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadMessage(String message) {
            super(message, null, false, false);
        }
    }

    protected final String exchange;
    /** Exchange symbol (as in its messages) to hashwatch pair (BTC-USD). */
    protected final Map<String, String> pairsBySymbol;

    JsonFeedParser(String exchange, Collection<String> pairs, Function<String, String> symbolOf) {
        this.exchange = exchange;
        if (pairs == null || pairs.isEmpty()) {
            throw new IllegalArgumentException(exchange + ": at least one pair is needed, e.g. BTC-USD");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : pairs) {
            if (pair == null || !PAIR.matcher(pair).matches()) {
                throw new IllegalArgumentException(exchange + ": pair '" + pair
                        + "' is not of the form BASE-QUOTE in capitals, e.g. BTC-USD");
            }
            m.put(symbolOf.apply(pair), pair);
        }
        this.pairsBySymbol = Map.copyOf(m);
    }

    @Override
    public final FeedEvent parse(String text, long receiveTimeMs) {
        if (text == null || text.isBlank()) {
            return FeedEvent.malformed("empty message");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return FeedEvent.malformed("not JSON (" + e.getOriginalMessage() + "): " + snippet(text));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return FeedEvent.malformed("not a JSON message: " + snippet(text));
        }
        try {
            return parseTree(root, receiveTimeMs);
        } catch (BadMessage e) {
            return FeedEvent.malformed(e.getMessage() + ": " + snippet(text));
        } catch (RuntimeException e) {
            return FeedEvent.malformed("unexpected " + e + ": " + snippet(text));
        }
    }

    /** Interprets a parsed message; throws {@link BadMessage} when a field is missing or invalid. */
    protected abstract FeedEvent parseTree(JsonNode root, long receiveTimeMs);

    static String snippet(String text) {
        String t = text.strip().replaceAll("\\s+", " ");
        return t.length() <= SNIPPET ? t : t.substring(0, SNIPPET) + "...";
    }

    static JsonNode field(JsonNode obj, String name) {
        JsonNode n = obj.get(name);
        if (n == null || n.isNull()) {
            throw new BadMessage("missing field '" + name + "'");
        }
        return n;
    }

    static String text(JsonNode obj, String name) {
        JsonNode n = field(obj, name);
        if (!n.isTextual()) {
            throw new BadMessage("field '" + name + "' is not a string: " + n);
        }
        return n.textValue();
    }

    /** Text field, or null when absent or not a string. */
    static String optionalText(JsonNode obj, String name) {
        JsonNode n = obj.get(name);
        return n != null && n.isTextual() ? n.textValue() : null;
    }

    /** A price or size: a JSON number or a decimal string, finite and > 0. */
    static double positive(JsonNode obj, String name) {
        return positiveValue(field(obj, name), "field '" + name + "'");
    }

    static double positiveValue(JsonNode n, String what) {
        double v;
        if (n.isNumber()) {
            v = n.doubleValue();
        } else if (n.isTextual()) {
            v = decimal(n.textValue(), what);
        } else {
            throw new BadMessage(what + " is not a number: " + n);
        }
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new BadMessage(what + " is not a positive finite number: " + n);
        }
        return v;
    }

    /** Like {@link #positive(JsonNode, String)}, null when the field is absent. */
    static Double optionalPositive(JsonNode obj, String name) {
        JsonNode n = obj.get(name);
        return n == null || n.isNull() ? null : positiveValue(n, "field '" + name + "'");
    }

    static double decimal(String s, String what) {
        try {
            // BigDecimal accepts exactly the plain and exponent decimal forms; "NaN", "Infinity" and hex are errors.
            return parseDecimal(s).doubleValue();
        } catch (NumberFormatException e) {
            throw new BadMessage(what + " is not a decimal number: \"" + s + "\"");
        }
    }

    /** An integral JSON number or a string of digits. */
    static long integer(JsonNode obj, String name) {
        JsonNode n = field(obj, name);
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        if (n.isTextual()) {
            try {
                return Long.parseLong(n.textValue().strip());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new BadMessage("field '" + name + "' is not an integer: " + n);
    }

    /** An RFC 3339 / ISO-8601 instant with offset ("2021-04-17T16:43:37.089723Z") in ms. */
    static long instantMs(JsonNode obj, String name) {
        String s = text(obj, name);
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new BadMessage("field '" + name + "' is not an ISO-8601 UTC time: \"" + s + "\"");
        }
    }

    private static BigDecimal parseDecimal(String s) {
        String t = s.strip();
        if (t.length() > MAX_DECIMAL_CHARS) {
            throw new NumberFormatException(t.length() + " characters");
        }
        return new BigDecimal(t);
    }

    /** Decimal seconds since the epoch ("1618678142.557535") in ms, truncated. */
    static long decimalSecondsMs(String s, String what) {
        try {
            // scaleByPowerOfTen, not movePointRight: that one normalizes to scale 0 at once, which on "1e20000000"
            // computes 10^20000003 (seconds of CPU; more for larger exponents). The digits before the point are
            // checked first.
            BigDecimal ms = parseDecimal(s).scaleByPowerOfTen(3);
            long integerDigits = (long) ms.precision() - ms.scale();
            if (integerDigits > 19) {
                throw new ArithmeticException("beyond long");
            }
            return integerDigits <= 0 ? 0 : ms.setScale(0, RoundingMode.DOWN).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new BadMessage(what + " is not decimal seconds: \"" + s + "\"");
        }
    }
}
