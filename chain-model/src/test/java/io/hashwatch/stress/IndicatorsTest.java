package io.hashwatch.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The days before a day, as {@link Indicators#before} takes them: consecutive, and ending the day before. */
class IndicatorsTest {
    private static final LocalDate FIRST = LocalDate.of(2024, 2, 27); // across a leap day and a month's end

    private static DayTotals totals(LocalDate day, double hashrate) {
        return new DayTotals(day.toString(), 144, 0, 143, hashrate, 80e12, 450, 27e6, 20, 144, true, 1.2e6,
                470, 28.2e6, 0.04, 5e-5, 3.0, 62_000.0, 144);
    }

    /** The indicators of {@code days} consecutive days from {@link #FIRST}, each from the day before. */
    private static List<DayIndicators> history(int days) {
        List<DayTotals> window = new ArrayList<>();
        List<DayIndicators> out = new ArrayList<>();
        for (int i = 0; i < days; i++) {
            window.add(totals(FIRST.plusDays(i), 600e18 + i * 1e18));
            if (window.size() > Indicators.MAX_WINDOW) {
                window.remove(0);
            }
            out.add(Indicators.next(window, out.isEmpty() ? null : out.get(out.size() - 1)));
        }
        return out;
    }

    @Test
    void consecutiveDaysAcrossALeapDayAndAMonthEndGiveTheNextDay() {
        List<DayIndicators> days = history(40);
        assertEquals("2024-04-06", days.get(39).day());
        assertEquals(40, days.get(39).historyDays());
        // The 30-day mean of a hashrate rising 1e18 a day: the mean of its last 30 values.
        assertEquals(600e18 + 24.5e18, days.get(39).hashrateSma30(), 1e6);
    }

    @Test
    void aGapInTheDaysIsRefused() {
        List<DayTotals> earlier = List.of(totals(FIRST, 1), totals(FIRST.plusDays(2), 1));
        List<DayIndicators> before = history(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Indicators.before(earlier, before.get(1)));
        assertTrue(e.getMessage().contains("consecutive"), e.getMessage());
    }

    @Test
    void previousIndicatorsOfAnotherDayAreRefused() {
        List<DayIndicators> days = history(3);
        List<DayTotals> earlier = List.of(totals(FIRST, 1), totals(FIRST.plusDays(1), 1));
        // days.get(2) is the indicators of FIRST + 2, not of the last earlier day (FIRST + 1).
        assertThrows(IllegalArgumentException.class, () -> Indicators.before(earlier, days.get(2)));
    }

    @Test
    void theBaseTakesOnlyTheDayAfterTheEarlierDays() {
        List<DayIndicators> days = history(2);
        Indicators.Before base = Indicators.before(List.of(totals(FIRST, 1), totals(FIRST.plusDays(1), 1)),
                days.get(1));
        assertEquals(FIRST.plusDays(2).toString(), base.next(totals(FIRST.plusDays(2), 1)).day());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> base.next(totals(FIRST.plusDays(3), 1)));
        assertTrue(e.getMessage().contains("consecutive"), e.getMessage());
    }
}
