package io.hashwatch.source.price;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.Topics;
import io.hashwatch.source.Pacing;
import io.hashwatch.testing.SharedData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class PriceReplayTest {
    private static final String DAILY = "data/prices/btcusd_daily_2020-07-12_2026-01-17.cryptocompare.csv";

    @Test
    void asFastAsPossibleSendsEveryTickInOrderWithoutSleeping() {
        PriceCsvSource source = PriceCsvSource.read(SharedData.require(DAILY));
        List<Long> sleeps = new ArrayList<>();
        MockProducer<String, byte[]> mock = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer());
        try (PricePublisher publisher = new PricePublisher(mock)) {
            PriceReplay.Result r = new PriceReplay((ms, stop) -> sleeps.add(ms) && false, System::nanoTime)
                    .replay(source, publisher, Pacing.asFastAsPossible());
            publisher.flush();
            assertEquals(source.size(), r.published());
            assertEquals(source.bars().get(0).closeTimeMs(), r.firstTimeMs());
            assertEquals(source.bars().get(source.size() - 1).closeTimeMs(), r.lastTimeMs());
        }
        assertEquals(List.of(), sleeps);
        assertEquals(source.size(), mock.history().size());
        for (int i = 0; i < source.size(); i++) {
            assertEquals(Topics.PRICES.name(), mock.history().get(i).topic());
            assertEquals("cryptocompare", mock.history().get(i).key());
            PriceTick t = Json.read(mock.history().get(i).value(), PriceTick.class);
            assertEquals(source.bars().get(i).close(), t.price());
            assertEquals(source.bars().get(i).closeTimeMs(), t.tradeTimeMs());
        }
    }

    @Test
    void acceleratedPacingSleepsTheScaledGapBetweenBars() {
        PriceCsvSource source = PriceCsvSource.read(SharedData.require(DAILY));
        List<Long> sleeps = new ArrayList<>();
        List<PriceTick> out = new ArrayList<>();
        PriceReplay.Result r = new PriceReplay((ms, stop) -> sleeps.add(ms) && false, System::nanoTime)
                .replay(source, out::add, Pacing.accelerated(86_400));
        assertEquals(source.size(), r.published());
        assertEquals(source.size() - 1, sleeps.size());
        assertTrue(sleeps.stream().allMatch(ms -> ms == 1000), "a day at x86400 is 1 s");

        sleeps.clear();
        new PriceReplay((ms, stop) -> sleeps.add(ms) && false, System::nanoTime)
                .replay(source, t -> { }, new Pacing(1, Duration.ofMillis(250)));
        assertTrue(sleeps.stream().allMatch(ms -> ms == 250), "each sleep capped");
    }

    @Test
    void stopEndsAPacedReplayEarly() {
        PriceCsvSource source = PriceCsvSource.read(SharedData.require(DAILY));
        PriceReplay[] self = new PriceReplay[1];
        int[] calls = {0};
        List<PriceTick> out = new ArrayList<>();
        self[0] = new PriceReplay((ms, stop) -> {
            if (++calls[0] == 3) {
                self[0].stop();
            }
            return stop.getCount() == 0;
        }, System::nanoTime);
        PriceReplay.Result r = self[0].replay(source, out::add, Pacing.accelerated(1));
        assertEquals(3, r.published());
        assertEquals(3, out.size());
        assertTrue(r.stopped());
    }
}
