package io.hashwatch.stress;

import java.util.Collection;

/** Which fleets the hashprice still pays for. */
public final class Fleets {
    private Fleets() {
    }

    /**
     * Luxor's breakeven efficiency: the highest J/TH whose energy cost is covered at {@code powerPriceUsdPerKwh},
     * USD hashprice per PH/s per day / (24 h * price). (J/TH is numerically kW per PH/s.) Infinite at a zero price.
     */
    public static double breakevenEfficiencyJoulesPerTh(double hashpriceUsdPerPhDay, double powerPriceUsdPerKwh) {
        return hashpriceUsdPerPhDay / (24 * powerPriceUsdPerKwh);
    }

    /** How many of the all-in costs (USD per PH/s per day) the hashprice does not cover: negative margins. */
    public static int underWater(double hashpriceUsdPerPhDay, Collection<Double> allInCostsUsdPerPhDay) {
        int n = 0;
        for (double cost : allInCostsUsdPerPhDay) {
            if (hashpriceUsdPerPhDay - cost < 0) {
                n++;
            }
        }
        return n;
    }
}
