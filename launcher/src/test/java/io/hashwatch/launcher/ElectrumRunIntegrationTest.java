package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.source.chain.CoinbaseOnlyChain;
import io.hashwatch.source.chain.FakeElectrum;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code hashwatch run --electrum} end to end (embedded broker, streams app) against a fake Electrum server on a
 * mined regtest chain of coinbase-only blocks: 31 days of history (4,464 blocks from height 1), of which a first run
 * proves the last 4,320 coinbases with the history; the 144 older ones come later, from the source's background fill
 * (two batches), and reach the {@code pools} topic as their heights' records again, attributed, while the chain's own
 * records are not emitted twice.
 */
class ElectrumRunIntegrationTest {
    private static final int OLDER = 144;
    private static final int HISTORY = 4_320 + OLDER;

    @TempDir
    Path tmp;

    @Test
    @Timeout(300)
    void theHistorysOlderCoinbasesReachThePoolsAfterTheTip() throws Exception {
        CoinbaseOnlyChain chain = CoinbaseOnlyChain.mine(HISTORY);
        int kafkaPort = EmbeddedKafka.freePort();
        String bootstrap = "127.0.0.1:" + kafkaPort;
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (FakeElectrum server = new FakeElectrum(false)) {
            server.put(0, chain.headers().get(0));
            for (int h = 1; h <= HISTORY; h++) {
                server.put(h, chain.headers().get(h), chain.blocks().get(h));
            }
            CommandLine cl = Hashwatch.commandLine();
            RunCommand command = cl.getSubcommands().get("run").getCommand();
            // 31 days: 4,464 blocks, the chain from height 1 (the fake has no block for the genesis).
            Future<Integer> exit = thread.submit(() -> cl.execute("run", "--electrum", server.address().toString(),
                    "--history-days", "31", "--exchanges", "none", "--data-dir", tmp.resolve("data").toString(),
                    "--kafka-port", String.valueOf(kafkaPort), "--metrics-port", String.valueOf(EmbeddedKafka
                            .freePort()), "--alerts-port", "-1"));
            try {
                TreeMap<Long, List<JsonNode>> pools = new TreeMap<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
                while (!filled(pools)) {
                    if (exit.isDone() || System.nanoTime() > deadline) {
                        fail("run ended or timed out before the fill reached the pools: " + pools.headMap(
                                (long) OLDER, true));
                    }
                    Thread.sleep(1_000);
                    pools.clear();
                    try {
                        for (PipelineOutput.Rec r : PipelineOutput.readCommitted(bootstrap, Map.of(),
                                Topics.POOLS.name())) {
                            JsonNode v = Json.MAPPER.readTree(r.value());
                            pools.computeIfAbsent(v.path("height").asLong(), k -> new ArrayList<>()).add(v);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (org.apache.kafka.common.KafkaException e) {
                        // the broker or the topic is not up yet
                    }
                }
                for (long h = 1; h <= OLDER; h++) {
                    List<JsonNode> records = pools.get(h);
                    assertEquals(2, records.size(), "height " + h + ": connected, then filled");
                    assertEquals("unattributed", records.get(0).path("attribution").asText(), "height " + h);
                    // A coinbase-only regtest block's coinbase names no pool: attributed to none, "unknown".
                    assertEquals("unknown", records.get(1).path("attribution").asText(), "filled height " + h);
                    assertEquals(1, records.get(1).path("tx_count").asInt(), "coinbase-only: its merkle root");
                }
                assertEquals(1, pools.get((long) OLDER + 1).size(), "proven with the history: once");
                assertEquals("unknown", pools.get((long) OLDER + 1).get(0).path("attribution").asText());
                List<PipelineOutput.Rec> blocks = PipelineOutput.readCommitted(bootstrap, Map.of(),
                        Topics.BLOCKS.name());
                assertEquals(HISTORY, blocks.size(), "each block once: the fill emits no block record");
                assertTrue(PipelineOutput.readCommitted(bootstrap, Map.of(), Topics.DEAD_LETTERS.name()).isEmpty());
            } finally {
                command.requestStop();
                exit.get(60, TimeUnit.SECONDS);
            }
        } finally {
            thread.shutdownNow();
        }
    }

    /** Whether every one of the older heights has its second (filled) record. */
    private static boolean filled(TreeMap<Long, List<JsonNode>> pools) {
        for (long h = 1; h <= OLDER; h++) {
            List<JsonNode> records = pools.get(h);
            if (records == null || records.size() < 2) {
                return false;
            }
        }
        return true;
    }
}
