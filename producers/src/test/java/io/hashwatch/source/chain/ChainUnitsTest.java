package io.hashwatch.source.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.model.HeaderRecord;
import io.hashwatch.source.price.SourceMetrics;
import io.hashwatch.testing.RegtestChain;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Redaction, the fold of the topic's tail, backoff, Retry-After, and the metrics as Prometheus shows them. */
class ChainUnitsTest {

    @Test
    void credentialsAreRedacted() {
        assertEquals("http://***@node:8332/", Redact.uri("http://rpc:hunter22@node:8332/"));
        assertEquals("http://node:8332/", Redact.uri("http://node:8332/"));
        assertEquals(URI.create("http://node:8332/w"), Redact.withoutUserInfo(URI.create("http://a:b@node:8332/w")));
        assertEquals("failed at http://***@x/ with *** in it",
                Redact.scrub("failed at http://u:p@x/ with hunter22 in it", List.of("hunter22")));
    }

    @Test
    void theTopicTailFoldsReorgsAndSkipsOtherNetworksAndBadRecords() {
        RegtestChain main = RegtestChain.fromGenesis(1);
        main.extend(10);
        RegtestChain side = main.fork(6);
        side.extend(6);
        List<HeaderRecord> topic = new ArrayList<>(main.records(0, 10));
        topic.add(new HeaderRecord("mainnet", 11, main.at(1).hex(), null, null, "x", null));
        topic.add(new HeaderRecord("regtest", 11, "not hex", null, null, "x", null));
        topic.addAll(side.records(7, 12));
        PublishedChain c = PublishedChain.fold("regtest", 8, topic);
        assertEquals(12, c.lastHeight());
        assertEquals(side.at(12).hash(), c.lastHash());
        assertEquals(side.at(7).hash(), c.hashAt(7), "the branch replaced the old blocks");
        assertEquals(8, c.size());
        assertEquals(5, c.lowestHeight());
        assertNull(c.hashAt(4), "older than the window");
        assertEquals(17, c.records());
        assertTrue(PublishedChain.fold("mainnet", 8, List.of()).isEmpty());
    }

    @Test
    void backoffAndRetryAfter() {
        ChainSettings s = ChainSettings.esplora();
        assertEquals(1000, s.backoffMillis(0, 0));
        assertEquals(2000, s.backoffMillis(0, 1));
        assertEquals(150_000, s.backoffMillis(30, 0), "half of the 5 min cap");
        HttpHeaders h = HttpHeaders.of(Map.of("Retry-After", List.of("7")), (a, b) -> true);
        assertEquals(7000, HttpTransport.retryAfterMillis(h, 0));
        HttpHeaders date = HttpHeaders.of(Map.of("Retry-After", List.of("Thu, 01 Jan 1970 00:01:00 GMT")),
                (a, b) -> true);
        assertEquals(30_000, HttpTransport.retryAfterMillis(date, 30_000));
        assertEquals(-1, HttpTransport.retryAfterMillis(HttpHeaders.of(Map.of(), (a, b) -> true), 0));
        // 400 days of blocks: the Puell multiple's 365-day mean with a margin for blocks faster than 10 minutes.
        assertEquals(57_600, ChainSettings.DEFAULT_BACKFILL_BLOCKS);
    }

    @Test
    void backfillProgressSaysRateAndTimeLeft() {
        assertEquals("published 3000 of 57600 headers, height 880000, 150 headers/s, about 6 min left",
                ChainFollower.progress(3000, 57600, 880_000, 20_000));
        assertEquals("published 10 of 20 headers, height 10, 1 headers/s, about 10 s left",
                ChainFollower.progress(10, 20, 10, 10_000));
        assertEquals("published 100 of 57600 headers, height 5, 10 headers/s, about 96 min left",
                ChainFollower.progress(100, 57600, 5, 10_000));
        assertEquals("published 100 of 100000 headers, height 5, 10 headers/s, about 2.8 h left",
                ChainFollower.progress(100, 100000, 5, 10_000));
    }

    @Test
    void chainAndPriceSourcesShareTheSourceSeries() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new SourceMetrics(registry, "coinbase");
        ChainSourceMetrics m = new ChainSourceMetrics(registry, "bitcoind");
        m.up(true);
        m.success(1_700_000_000_000L);
        m.error(SourceException.Kind.TIMEOUT);
        m.published(840_000, 3);
        String scrape = registry.scrape();
        assertTrue(scrape.contains("hashwatch_source_up{source=\"bitcoind\"} 1"), scrape);
        assertTrue(scrape.contains("hashwatch_source_up{source=\"coinbase\"} 0"), scrape);
        assertTrue(scrape.contains("hashwatch_source_last_message_timestamp_seconds{source=\"bitcoind\"} 1.7E9"),
                scrape);
        assertTrue(scrape.contains("hashwatch_source_errors_total{kind=\"timeout\",source=\"bitcoind\"} 1"), scrape);
        assertTrue(scrape.contains("hashwatch_source_errors_total{kind=\"wrong_chain\",source=\"bitcoind\"} 0"),
                scrape);
        assertTrue(scrape.contains("hashwatch_source_published_height{source=\"bitcoind\"} 840000"), scrape);
        assertTrue(scrape.contains("hashwatch_source_headers_total{source=\"bitcoind\"} 3"), scrape);
        assertFalse(scrape.contains("_total_total"));
    }
}
