package io.hashwatch.source.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A reply quoted in an error message never shows a secret, not even the start of one cut by the 160-character limit. */
class SnippetRedactionTest {
    @Test
    void aSecretAcrossTheCutIsScrubbedBeforeTheCut() {
        String secret = "C00kieS3cretValue9";
        HttpTransport http = new HttpTransport("test", ChainSettings.bitcoind(false),
                new ChainSourceMetrics(new SimpleMeterRegistry(), "bitcoind"), System::currentTimeMillis,
                () -> List.of(secret));
        String body = "x".repeat(150) + secret + " and more";
        String snippet = http.snippet(body);
        assertFalse(snippet.contains(secret.substring(0, 8)), snippet);
        assertEquals("x".repeat(150) + "*** and mo...", snippet);
        assertEquals("denied: ***", http.snippet("denied: " + secret));
    }
}
