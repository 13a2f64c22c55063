package io.hashwatch.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The events of a day: a zone is an event on the day it is entered, a profile's on its third day under water. */
class SignalsTest {
    private static DayIndicators day(String d, Double puell, boolean started, boolean recovery, boolean buy) {
        List<Double> ribbon = new ArrayList<>(Collections.nCopies(8, null));
        return new DayIndicators(d, 400, 400, 1.0, 1.0, started || recovery ? 0.01 : null, started ? Boolean.TRUE
                : Boolean.FALSE, started, recovery, buy, false, null, null, 1.0, puell, ribbon, null);
    }

    private static FleetDay fleets(int daysUnder) {
        return new FleetDay(Map.of(), 1, Map.of("s19j_pro", new FleetDay.ProfileDay(59, -3.5, daysUnder, null)));
    }

    @Test
    void zonesAreEventsWhenEntered() {
        Halving far = Halving.at(800_000, 1_690_000_000L, 600.0);   // 40,000 blocks: ~278 days
        assertEquals(Map.of(Signals.PUELL_BELOW, 0.45),
                Signals.of(day("2024-01-02", 0.45, false, false, false), day("2024-01-01", 0.55, false, false, false),
                        far, far, fleets(0)));
        // Still below: no new event.
        assertEquals(Map.of(), Signals.of(day("2024-01-03", 0.44, false, false, false),
                day("2024-01-02", 0.45, false, false, false), far, far, fleets(0)));
        // Entering after a day without a value (the window just filled) counts.
        assertEquals(Map.of(Signals.PUELL_ABOVE, 4.2), Signals.of(day("2024-01-02", 4.2, false, false, false),
                day("2024-01-01", null, false, false, false), far, far, fleets(0)));
        // At exactly 4 and 0.5: in neither zone.
        assertEquals(Map.of(), Signals.of(day("2024-01-02", 4.0, false, false, false),
                day("2024-01-01", 3.0, false, false, false), far, far, fleets(0)));
        assertEquals(Map.of(), Signals.of(day("2024-01-02", 0.5, false, false, false),
                day("2024-01-01", 0.6, false, false, false), far, far, fleets(0)));
    }

    @Test
    void ribbonsProfilesAndTheHalving() {
        Halving far = Halving.at(1_045_000, 1_900_000_000L, 600.0);      // 5,000 blocks at 600 s: 34.7 days
        Halving near = Halving.at(1_045_700, 1_900_420_000L, 600.0);     // 4,300 blocks: 29.86 days
        Halving nearer = Halving.at(1_045_844, 1_900_506_400L, 600.0);
        Map<String, Double> got = Signals.of(day("2028-03-02", null, true, false, false),
                day("2028-03-01", null, false, false, false), near, far, fleets(3));
        assertEquals(Map.of(Signals.CAPITULATION_STARTED, 0.01, Signals.UNDER_WATER + ":s19j_pro", -3.5,
                Signals.HALVING_SOON, 4300 * 600 / 86_400.0), got);
        // The next day: the halving is still within 30 days (no new event), the fourth day under water neither.
        Map<String, Double> next = Signals.of(day("2028-03-03", null, false, true, true),
                day("2028-03-02", null, true, false, false), nearer, near, fleets(4));
        assertEquals(java.util.Set.of(Signals.RECOVERY, Signals.BUY_SIGNAL), next.keySet());
        assertEquals(0.01, next.get(Signals.RECOVERY));
        assertEquals(null, next.get(Signals.BUY_SIGNAL));
        // Without an interval there is no estimate, so no event.
        assertEquals(Map.of(), Signals.of(day("2028-03-02", null, false, false, false),
                day("2028-03-01", null, false, false, false), Halving.at(1_045_700, 1_900_420_000L, null), far,
                fleets(2)));
    }
}
