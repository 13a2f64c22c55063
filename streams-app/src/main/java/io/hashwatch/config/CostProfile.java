package io.hashwatch.config;

/**
 * A fleet's cost base. Exactly one of {@code electricityShare} (all-in cost = energy cost / share) and
 * {@code overheadUsdPerPhDay} (all-in = energy + overhead) is set.
 *
 * @param name                 label value in metrics and records: short, stable
 * @param efficiencyJoulesPerTh     joules per terahash, numerically kW per PH/s
 * @param powerPriceUsdPerKwh  contracted power price
 * @param electricityShare     electricity's share of the all-in cost, in (0, 1]
 * @param overheadUsdPerPhDay  hosting, staff, depreciation, debt service per PH/s per day
 */
public record CostProfile(String name, double efficiencyJoulesPerTh, double powerPriceUsdPerKwh, Double electricityShare,
                          Double overheadUsdPerPhDay) {

    /** Energy cost of 1 PH/s for a day: efficiency (kW per PH/s) * 24 h * $/kWh. */
    public double energyCostUsdPerPhDay() {
        return efficiencyJoulesPerTh * 24 * powerPriceUsdPerKwh;
    }

    /** All-in cost of 1 PH/s for a day. */
    public double allInCostUsdPerPhDay() {
        return electricityShare != null ? energyCostUsdPerPhDay() / electricityShare
                : energyCostUsdPerPhDay() + overheadUsdPerPhDay;
    }

    void validate(String where) {
        if (name == null || !name.matches("[a-z0-9_]{1,32}")) {
            throw new ConfigException(where + ": name '" + name + "' must be 1-32 of [a-z0-9_]");
        }
        if (!(efficiencyJoulesPerTh > 0) || efficiencyJoulesPerTh > 1000) {
            throw new ConfigException(where + " (" + name + "): efficiency_joules_per_th must be in (0, 1000], got "
                    + efficiencyJoulesPerTh);
        }
        if (!(powerPriceUsdPerKwh >= 0) || powerPriceUsdPerKwh > 10) {
            throw new ConfigException(where + " (" + name + "): power_price_usd_per_kwh must be in [0, 10], got "
                    + powerPriceUsdPerKwh);
        }
        if ((electricityShare == null) == (overheadUsdPerPhDay == null)) {
            throw new ConfigException(where + " (" + name + "): set exactly one of electricity_share and "
                    + "overhead_usd_per_ph_day");
        }
        if (electricityShare != null && !(electricityShare > 0 && electricityShare <= 1)) {
            throw new ConfigException(where + " (" + name + "): electricity_share must be in (0, 1], got "
                    + electricityShare);
        }
        if (overheadUsdPerPhDay != null && !(overheadUsdPerPhDay >= 0)) {
            throw new ConfigException(where + " (" + name + "): overhead_usd_per_ph_day must be >= 0, got "
                    + overheadUsdPerPhDay);
        }
    }
}
