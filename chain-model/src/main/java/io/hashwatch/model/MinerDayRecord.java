package io.hashwatch.model;

import io.hashwatch.stress.DayIndicators;
import io.hashwatch.stress.DayTotals;
import io.hashwatch.stress.FleetDay;
import io.hashwatch.stress.Halving;
import java.util.List;

/**
 * One UTC day of a network's chain (topic {@code miner-days}, key {@code network:YYYY-MM-DD}): the day's totals, the
 * miner-stress indicators, the halving countdown and the fleets. Republished at every block of the open day, final
 * once stream time passes the day's end plus the grace, and again whenever a late block or a reorganization changes
 * the day (or a day before it).
 *
 * @param finalized                         stream time has passed the day's end plus the grace
 * @param halving                           the countdown at the day's highest block
 * @param hashpriceAfterHalvingBtcPerPhDay  at that block's difficulty and average fees, with the next subsidy
 * @param hashpriceAfterHalvingUsdPerPhDay  the same at the day's closing price
 * @param signals                           the events of the day (their keys on {@code miner-signals} without the
 *                                          network and day); empty until the day is final
 */
public record MinerDayRecord(String network, String day, boolean finalized, DayTotals totals,
                             DayIndicators indicators, Halving halving, Double hashpriceAfterHalvingBtcPerPhDay,
                             Double hashpriceAfterHalvingUsdPerPhDay, FleetDay fleets, List<String> signals) {
    public MinerDayRecord {
        signals = List.copyOf(signals);
    }
}
