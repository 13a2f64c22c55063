package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code hashwatch backfill} end to end: real headers, embedded broker, the real topology, JSON-lines out. */
class BackfillIntegrationTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    @Timeout(180)
    void backfillsTwentyThousandRealMainnetHeaders() throws Exception {
        Path headers = SharedData.requireHeaders("mainnet_80001-100000.btcrelay.bin");
        Path out = tmp.resolve("out");

        long t0 = System.nanoTime();
        CommandRunner r = CommandRunner.run("backfill", "--headers", headers.toString(), "--start-height", "80001",
                "--network", "mainnet", "--out", out.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("backfill of 20000 headers took %.1f s (%.0f headers/s)%n", seconds, 20000 / seconds);
        System.out.println(r.out());
        assertEquals(0, r.exitCode(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        assertTrue(r.out().contains("20000 headers"), r.out());

        List<Long> blockHeights = heights(out.resolve(Topics.BLOCKS.name() + ".jsonl"));
        assertEquals(LongStream.rangeClosed(80001, 100000).boxed().toList(), blockHeights,
                "one block per header, heights consecutive");
        assertEquals(20000, lines(out.resolve(Topics.HASHRATE.name() + ".jsonl")).size());
        assertEquals(20000, lines(out.resolve(Topics.DIFFICULTY.name() + ".jsonl")).size());

        List<Long> expectedRetargets = LongStream.rangeClosed(80002, 100000).filter(h -> h % 2016 == 0).boxed()
                .toList();
        assertEquals(10, expectedRetargets.size());
        assertEquals(expectedRetargets, heights(out.resolve(Topics.DIFFICULTY_ADJUSTMENTS.name() + ".jsonl")));
        assertEquals(List.of(), lines(out.resolve(Topics.DEAD_LETTERS.name() + ".jsonl")));
        assertEquals(List.of(), lines(out.resolve(Topics.REORGS.name() + ".jsonl")));
    }

    private static List<String> lines(Path file) throws Exception {
        assertTrue(Files.isRegularFile(file), file + " written");
        return Files.readAllLines(file);
    }

    private static List<Long> heights(Path file) throws Exception {
        List<Long> out = new ArrayList<>();
        for (String line : lines(file)) {
            JsonNode n = MAPPER.readTree(line);
            assertEquals("mainnet", n.get("network").asText(), line);
            out.add(n.get("height").asLong());
        }
        return out;
    }
}
