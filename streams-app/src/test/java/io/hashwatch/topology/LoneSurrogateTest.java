package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The per-tick check for lone surrogates against its definition: a surrogate code point left after pairing. */
class LoneSurrogateTest {
    private static boolean definition(String s) {
        return s.codePoints().anyMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE);
    }

    @Test
    void agreesWithTheCodePointDefinition() {
        assertFalse(PriceValidationProcessor.hasLoneSurrogate("coinbase"));
        assertFalse(PriceValidationProcessor.hasLoneSurrogate("b\uD83D\uDE00x"));   // a pair: one emoji
        assertTrue(PriceValidationProcessor.hasLoneSurrogate("x\uD800"));
        assertTrue(PriceValidationProcessor.hasLoneSurrogate("\uDC00x"));
        assertTrue(PriceValidationProcessor.hasLoneSurrogate("\uDE00\uD83D"));        // reversed pair
        SplittableRandom random = new SplittableRandom(5);
        char[] alphabet = {'a', 'Z', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\u00e9'};
        for (int i = 0; i < 20_000; i++) {
            char[] chars = new char[random.nextInt(6)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = alphabet[random.nextInt(alphabet.length)];
            }
            String s = new String(chars);
            assertEquals(definition(s), PriceValidationProcessor.hasLoneSurrogate(s), s.chars().boxed().toList()
                    .toString());
        }
    }
}
