package io.hashwatch.stress;

import java.util.LinkedHashMap;
import java.util.Map;

/** The events of a final day, from its figures and the day before's. */
public final class Signals {
    public static final String CAPITULATION_STARTED = "capitulation_started";
    public static final String RECOVERY = "recovery";
    public static final String BUY_SIGNAL = "buy_signal";
    public static final String PUELL_BELOW = "puell_below_0_5";
    public static final String PUELL_ABOVE = "puell_above_4";
    public static final String UNDER_WATER = "under_water_3_days";
    public static final String HALVING_SOON = "halving_within_30_days";
    static final double PUELL_LOW = 0.5;
    static final double PUELL_HIGH = 4;
    static final int UNDER_WATER_DAYS = 3;
    static final long HALVING_SOON_SECONDS = 30 * 86_400L;

    private Signals() {
    }

    /**
     * The day's events, each with the figure behind it (null when there is none), by the key suffix
     * {@code signal} or {@code signal:profile}. A zone (Puell, the halving's 30 days) is an event on the day it is
     * entered.
     *
     * @param before        the day before's indicators, null at the start of the history
     * @param halvingBefore the day before's halving countdown, null at the start of the history
     */
    public static Map<String, Double> of(DayIndicators today, DayIndicators before, Halving halving,
                                         Halving halvingBefore, FleetDay fleets) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (today.capitulationStarted()) {
            out.put(CAPITULATION_STARTED, today.ribbonOscillator());
        }
        if (today.recovery()) {
            out.put(RECOVERY, today.ribbonOscillator());
        }
        if (today.buySignal()) {
            out.put(BUY_SIGNAL, null);
        }
        Double puell = today.puellMultiple();
        Double puellBefore = before == null ? null : before.puellMultiple();
        if (puell != null && puell < PUELL_LOW && (puellBefore == null || puellBefore >= PUELL_LOW)) {
            out.put(PUELL_BELOW, puell);
        }
        if (puell != null && puell > PUELL_HIGH && (puellBefore == null || puellBefore <= PUELL_HIGH)) {
            out.put(PUELL_ABOVE, puell);
        }
        fleets.profiles().forEach((name, p) -> {
            if (p.daysUnderWater() == UNDER_WATER_DAYS) {
                out.put(UNDER_WATER + ":" + name, p.marginUsdPerPhDay());
            }
        });
        if (soon(halving) && !(halvingBefore != null && halvingBefore.nextHalvingHeight() == halving.nextHalvingHeight()
                && soon(halvingBefore))) {
            out.put(HALVING_SOON, (halving.estimatedTime() - halving.time()) / 86_400.0);
        }
        return out;
    }

    private static boolean soon(Halving h) {
        return h.estimatedTime() != null && h.estimatedTime() - h.time() <= HALVING_SOON_SECONDS;
    }
}
