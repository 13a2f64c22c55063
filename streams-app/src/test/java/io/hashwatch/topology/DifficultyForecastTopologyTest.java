package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.Work;
import io.hashwatch.model.DifficultyRecord;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.SharedData;
import io.hashwatch.testing.TopologyHarness;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forecast on the {@code difficulty} records of the production topology, over the real headers 150,001..153,216:
 * absent while the epoch's first block is before the replay, then on every record, ordered, a probability; at the
 * epoch's last block (153,215) the whole band is the real change, read from the next header's bits (data, not this
 * code); the gauges the DifficultyDecrease/IncreaseLikely alerts read are the tip's record.
 */
class DifficultyForecastTopologyTest {
    private static final String FILE = "mainnet_150001-340000.btcrelay.bin";
    private static final long EPOCH_START = 151_200;
    private static final long EPOCH_LAST = 153_215;

    @TempDir
    Path stateDir;

    @Test
    void everyDifficultyRecordCarriesTheForecastAndTheLastBlockCollapsesItToTheRealChange() {
        Path file = SharedData.requireHeaders(FILE);
        long first = SharedData.firstHeight(file);
        List<BlockHeader> headers = SharedData.readParsedHeaders(file).subList(0, (int) (EPOCH_LAST + 1 - first + 1));
        List<DifficultyRecord> records = new ArrayList<>();
        try (TopologyHarness h = new TopologyHarness(stateDir, "forecast-real", 1_400_000_000L)) {
            for (int i = 0; i < headers.size(); i++) {
                h.send(new HeaderRecord("mainnet", first + i, headers.get(i).hex(), null, null, "file", null));
                if (i % 500 == 499 || i == headers.size() - 1) {
                    for (TestRecord<String, DifficultyRecord> r : h.drain(Topics.DIFFICULTY)) {
                        records.add(r.value());
                    }
                }
            }
            assertEquals(headers.size(), records.size());
            int withForecast = 0;
            for (DifficultyRecord d : records) {
                String at = "at " + d.height();
                if (d.height() < EPOCH_START) {
                    assertNull(d.forecastChangeP05(), at + ": the epoch began before the replay");
                    assertNull(d.forecastProbabilityDecrease(), at);
                    continue;
                }
                Double[] q = {d.forecastChangeP05(), d.forecastChangeP10(), d.forecastChangeP50(),
                        d.forecastChangeP90(), d.forecastChangeP95()};
                for (Double v : q) {
                    assertNotNull(v, at);
                }
                for (int k = 1; k < q.length; k++) {
                    assertTrue(q[k - 1] <= q[k], at + ": quantiles in order " + d);
                }
                double p = d.forecastProbabilityDecrease();
                assertTrue(p >= 0 && p <= 1, at + ": " + p);
                withForecast++;
            }
            assertEquals(EPOCH_LAST + 1 - EPOCH_START + 1, withForecast);

            // The epoch's last block: the band is the consensus change, equal to the real next epoch's bits.
            DifficultyRecord last = records.get((int) (EPOCH_LAST - first));
            assertEquals(EPOCH_LAST, last.height());
            BlockHeader next = headers.get((int) (EPOCH_LAST + 1 - first));
            double real = Work.difficulty(next.bits()) / Work.difficulty(headers.get((int) (EPOCH_LAST - first)).bits())
                    - 1;
            for (Double v : new Double[] {last.forecastChangeP05(), last.forecastChangeP10(), last.forecastChangeP50(),
                    last.forecastChangeP90(), last.forecastChangeP95(), last.projectedChange()}) {
                assertEquals(real, v, 0.0, "at the epoch's last block");
            }
            assertEquals(real < 0 ? 1.0 : 0.0, last.forecastProbabilityDecrease());
            // Halfway, a real band: p05 below p95, and the real change inside or not, as the calibration counts.
            DifficultyRecord half = records.get((int) (EPOCH_START + 1008 - first));
            assertTrue(half.forecastChangeP05() < half.forecastChangeP95(), half.toString());
            System.out.printf("forecast at %d: %.4f .. %.4f (median %.4f, P(decrease) %.3f); real change %.4f%n",
                    half.height(), half.forecastChangeP05(), half.forecastChangeP95(), half.forecastChangeP50(),
                    half.forecastProbabilityDecrease(), real);

            // The gauges are the tip's record (151,200 + 2,016 = the next epoch's first block).
            DifficultyRecord tip = records.get(records.size() - 1);
            String[] quantiles = {"0.05", "0.1", "0.5", "0.9", "0.95"};
            Double[] values = {tip.forecastChangeP05(), tip.forecastChangeP10(), tip.forecastChangeP50(),
                    tip.forecastChangeP90(), tip.forecastChangeP95()};
            for (int k = 0; k < quantiles.length; k++) {
                assertEquals(values[k], h.gauge("hashwatch_difficulty_forecast_change_ratio", "network", "mainnet",
                        "quantile", quantiles[k]), "quantile " + quantiles[k]);
            }
            assertEquals(tip.forecastProbabilityDecrease(), h.gauge("hashwatch_difficulty_decrease_probability_ratio",
                    "network", "mainnet"));
        }
    }
}
