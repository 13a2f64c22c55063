package io.hashwatch.stress;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fleets at a day's mean USD hashprice.
 *
 * @param breakevenEfficiencyJoulesPerTh Luxor's breakeven efficiency at each configured power price ($/kWh, as
 *                                       written in the settings), null without a USD hashprice
 * @param profilesUnderWater             profiles whose all-in cost exceeds the hashprice (null without a price)
 * @param profiles                       each profile's day, by name in the settings' order
 */
public record FleetDay(Map<String, Double> breakevenEfficiencyJoulesPerTh, Integer profilesUnderWater,
                       Map<String, ProfileDay> profiles) {
    public FleetDay {
        // Null values are meaningful (no price): a plain unmodifiable copy.
        breakevenEfficiencyJoulesPerTh = Collections.unmodifiableMap(new LinkedHashMap<>(
                breakevenEfficiencyJoulesPerTh));
        profiles = Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
    }

    /**
     * @param marginUsdPerPhDay             mean USD hashprice - all-in cost per PH/s per day
     * @param daysUnderWater                consecutive days up to this one with a negative margin
     * @param allInCostPerBtcAfterHalvingUsd all-in cost per BTC at the hashprice after the next halving (today's
     *                                      difficulty and fees)
     */
    public record ProfileDay(double allInCostUsdPerPhDay, Double marginUsdPerPhDay, int daysUnderWater,
                             Double allInCostPerBtcAfterHalvingUsd) {
    }
}
