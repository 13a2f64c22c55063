package io.hashwatch.source.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.testing.SharedData;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bulk backfill from a fake Bitcoin Core on localhost walking the real headers 150,001..340,000: the default 3,024
 * blocks with fees and coinbases by JSON-RPC batches, the same with REST headers, and 60,000 headers by REST. Each
 * run checks every record (real header, fees, tx count, coinbase, claimed fees) and prints its throughput: measured,
 * not asserted (the fake shares two cores with the client and the build). The fake's blocks list as many txids as
 * {@link FakeChain#txs}: about 2,000 from height 250,000 (the 3,024 blocks below 303,023: a getblock reply of ~135 KB
 * each), about 200 below (the 60,000 from 150,001, as blocks of 2011-2012 held).
 */
@Timeout(300)
class BitcoindBulkTest {
    static final long FIRST = 150_001;
    static List<BlockHeader> headers;

    @BeforeAll
    static void load() {
        headers = SharedData.readParsedHeaders(SharedData.requireHeaders("mainnet_150001-340000.btcrelay.bin"));
    }

    @Test
    void defaultBackfillByBatches() throws Exception {
        run(303_023, 3_024, false, "3,024 blocks, JSON-RPC batches");
    }

    @Test
    void defaultBackfillWithRest() throws Exception {
        run(303_023, 3_024, true, "3,024 blocks, REST headers + batches");
    }

    /** Long (about a minute here): run with {@code -Dhashwatch.bench=true}. */
    @Test
    void sixtyThousandHeadersWithRest() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("hashwatch.bench"),
                "the 60,000-block run is a benchmark: -Dhashwatch.bench=true");
        run(FIRST + 59_999, 60_000, true, "60,000 blocks, REST headers + batches");
    }

    private static void run(long tip, int backfill, boolean rest, String what) throws Exception {
        FakeChain chain = FakeChain.of("main", FIRST, headers);
        chain.setTip(tip);
        ChainSettings s = ChainSettings.bitcoind(false).withBackfillBlocks(backfill)
                .withRequestTimeout(Duration.ofSeconds(30));
        try (FakeBitcoind node = new FakeBitcoind(chain); Harness h = new Harness("bitcoind")) {
            node.rest = rest;
            long started = System.nanoTime();
            BitcoindClient client = h.bitcoind(node.uri(), BitcoindAuth.none(), s);
            h.follow(client, s);
            long deadline = started + Duration.ofSeconds(240).toNanos();
            while (h.topic.last() != tip) {
                if (System.nanoTime() > deadline) {
                    fail(what + ": not done; " + h.topic.records.size() + " records\n" + h.lines());
                }
                Thread.sleep(5);
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("BENCH bitcoind backfill, %s: %d ms, %.0f blocks/s; %d batches, %d REST requests,"
                            + " %d getblock calls%n", what, ms, backfill * 1000.0 / ms, node.batches.get(),
                    node.calls("rest").size(), node.calls("getblock").size());
            List<HeaderRecord> records = h.topic.records;
            assertEquals(backfill, records.size());
            long from = tip - backfill + 1;
            for (int i = 0; i < records.size(); i++) {
                HeaderRecord r = records.get(i);
                long height = from + i;
                assertEquals(height, r.height());
                assertEquals(headers.get((int) (height - FIRST)).hex(), r.headerHex());
                assertEquals(FakeChain.fees(height), r.feesSat());
                assertEquals(FakeChain.txs(height), r.txCount());
                assertEquals(FakeChain.coinbaseHex(height), r.coinbaseHex());
                assertEquals(FakeChain.fees(height), r.feesClaimedSat(), "claimed fees at " + height);
            }
            TopicList.assertLinked(records);
            assertTrue(node.batches.get() > 0);
            assertEquals(rest, node.calls("rest").size() > 1, "REST used: " + rest);
            assertTrue(node.calls("getblockhash").size() < backfill / 10 || !rest, "few hashes asked with REST");
            assertEquals(0, h.count("down ("), h.lines());
        }
    }
}
