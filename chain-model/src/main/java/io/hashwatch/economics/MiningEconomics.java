package io.hashwatch.economics;

import io.hashwatch.model.EconomicsRecord.NextHalving;
import io.hashwatch.model.EconomicsRecord.ProfileEconomics;
import io.hashwatch.stress.Halving;

/**
 * What mining costs and earns at a hashprice, as pure functions (the streams app's economics processor only wires
 * them): the cost of producing one BTC, the breakeven power price, revenue per MW against an AI/HPC lease, and the
 * same after the next halving. Units are in the names: a fleet's efficiency in J/TH is numerically kW per PH/s.
 */
public final class MiningEconomics {
    /** The month an AI/HPC lease is priced by, in days. */
    static final double DAYS_PER_MONTH = 30.4;

    private MiningEconomics() {
    }

    /** The AI/HPC lease per MW per day: rate ($/kW/month) * 1000 / 30.4. */
    public static double hostingUsdPerMwDay(double leaseUsdPerKwMonth) {
        return leaseUsdPerKwMonth * 1000 / DAYS_PER_MONTH;
    }

    /** The cost of producing one BTC: a cost per PH/s per day over the BTC 1 PH/s earns a day. */
    public static double costPerBtcUsd(double costUsdPerPhDay, double hashpriceBtcPerPhDay) {
        return costUsdPerPhDay / hashpriceBtcPerPhDay;
    }

    /** The power price at which the USD hashprice pays the energy: hashprice / (efficiency * 24 h). */
    public static double breakevenPowerPriceUsdPerKwh(double hashpriceUsdPerPhDay, double efficiencyJoulesPerTh) {
        return hashpriceUsdPerPhDay / (efficiencyJoulesPerTh * 24);
    }

    /** What one MW of a fleet earns a day: hashprice * the PH/s it runs (1000 kW / efficiency). */
    public static double miningRevenueUsdPerMwDay(double hashpriceUsdPerPhDay, double efficiencyJoulesPerTh) {
        return hashpriceUsdPerPhDay * (1000 / efficiencyJoulesPerTh);
    }

    /**
     * One cost profile's economics at a block's hashprice.
     *
     * @param hashpriceUsdPerPhDay null without a price, as are then the figures that need one
     * @param priceUsd             the BTC price the USD hashprice is at, null without one
     */
    public static ProfileEconomics profile(double hashpriceBtcPerPhDay, Double hashpriceUsdPerPhDay, Double priceUsd,
                                           double efficiencyJoulesPerTh, double energyCostUsdPerPhDay,
                                           double allInCostUsdPerPhDay,
                                           double leaseUsdPerKwMonth) {
        double energyPerBtc = costPerBtcUsd(energyCostUsdPerPhDay, hashpriceBtcPerPhDay);
        double allInPerBtc = costPerBtcUsd(allInCostUsdPerPhDay, hashpriceBtcPerPhDay);
        Double usd = hashpriceUsdPerPhDay;
        Double miningPerMwDay = usd == null ? null : miningRevenueUsdPerMwDay(usd, efficiencyJoulesPerTh);
        return new ProfileEconomics(energyPerBtc, allInPerBtc,
                priceUsd == null ? null : (priceUsd - allInPerBtc) / allInPerBtc,
                usd == null ? null : usd - allInCostUsdPerPhDay,
                usd == null ? null : breakevenPowerPriceUsdPerKwh(usd, efficiencyJoulesPerTh),
                miningPerMwDay, miningPerMwDay == null ? null : miningPerMwDay - hostingUsdPerMwDay(leaseUsdPerKwMonth));
    }

    /**
     * The next halving seen from a block: when, and the hashprice after it at this difficulty and fees.
     *
     * @param epochMeanIntervalSeconds  the epoch's mean block interval, null without one (no estimated time then)
     * @param feesSatPerBlock           the fees a block is taken to earn (0 when the hashprice is subsidy-only)
     * @param priceUsd                  null without a price
     */
    public static NextHalving nextHalving(long height, long time, Double epochMeanIntervalSeconds, double difficulty,
                                          double feesSatPerBlock, Double priceUsd) {
        Halving halving = Halving.at(height, time, epochMeanIntervalSeconds);
        double btc = halving.hashpriceAfterBtcPerPhDay(difficulty, feesSatPerBlock);
        return new NextHalving(halving.blocksLeft(), halving.estimatedTime(), halving.nextSubsidySat(), btc,
                priceUsd == null ? null : btc * priceUsd);
    }

    /**
     * A cost profile after the next halving: its all-in cost per BTC, and its margin per PH/s per day (null without a
     * price).
     */
    public record AfterHalving(double allInCostPerBtcUsd, Double marginUsdPerPhDay) {
    }

    /**
     * @param hashpriceBtcPerPhDay  the hashprice after the halving ({@link NextHalving#hashpriceBtcPerPhDay()})
     * @param hashpriceUsdPerPhDay  the same in USD, null without a price
     */
    public static AfterHalving afterHalving(double hashpriceBtcPerPhDay, Double hashpriceUsdPerPhDay,
                                            double allInCostUsdPerPhDay) {
        return new AfterHalving(costPerBtcUsd(allInCostUsdPerPhDay, hashpriceBtcPerPhDay),
                hashpriceUsdPerPhDay == null ? null : hashpriceUsdPerPhDay - allInCostUsdPerPhDay);
    }
}
