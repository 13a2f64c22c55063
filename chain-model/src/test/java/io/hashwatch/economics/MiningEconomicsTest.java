package io.hashwatch.economics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.hashwatch.model.EconomicsRecord.NextHalving;
import io.hashwatch.model.EconomicsRecord.ProfileEconomics;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cost per BTC, breakeven, revenue per MW and the next halving against values derived by hand from stated inputs. */
class MiningEconomicsTest {
    /** The difficulty at which 3.625 BTC a block (3.125 subsidy + 0.5 fees) earns exactly 0.0000625 BTC/PH/day. */
    private static final double DIFFICULTY = 86_400e15 * 3.625 / 0.0000625 / 4294967296.0;

    /**
     * Hashprice 0.0000625 BTC/PH/day at $60,000: 3.75 $/PH/day (streams-app's EconomicsMathTest derives both).
     *
     * <pre>
     * Profile 17.5 J/TH at $0.05/kWh, electricity 60%:
     * energy/PH/day = 17.5 * 24 * 0.05 = 21.0 $; all-in/PH/day = 21.0 / 0.6 = 35.0 $
     * energy/BTC = 21.0 / 0.0000625 = 336,000 $; all-in/BTC = 35.0 / 0.0000625 = 560,000 $
     * gap = (60,000 - 560,000) / 560,000 = -0.892857...; margin = 3.75 - 35.0 = -31.25 $/PH/day
     * breakeven power price = 3.75 / (17.5 * 24) = 0.0089285714... $/kWh
     * revenue per MW per day = 3.75 * 1000 / 17.5 = 214.2857... $; lease $130/kW/month = 130,000 / 30.4 =
     * 4,276.315789... $ per MW per day; spread = 214.2857 - 4276.3158 = -4,062.03 $.
     * </pre>
     */
    @Test
    void handDerivedFigures() {
        ProfileEconomics e = MiningEconomics.profile(0.0000625, 3.75, 60_000.0, 17.5, 21.0, 35.0, 130);
        assertEquals(336_000, e.energyCostPerBtcUsd(), 1e-6);
        assertEquals(560_000, e.allInCostPerBtcUsd(), 1e-6);
        assertEquals((60_000.0 - 560_000) / 560_000, e.gap(), 1e-12);
        assertEquals(-31.25, e.marginUsdPerPhDay(), 1e-12);
        assertEquals(3.75 / 420, e.breakevenPowerPriceUsdPerKwh(), 1e-15);
        assertEquals(3750.0 / 17.5, e.miningRevenueUsdPerMwDay(), 1e-9);
        assertEquals(130_000 / 30.4, MiningEconomics.hostingUsdPerMwDay(130), 1e-9);
        assertEquals(3750.0 / 17.5 - 130_000 / 30.4, e.powerOpportunitySpreadUsdPerMwDay(), 1e-9);
        assertEquals(560_000, MiningEconomics.costPerBtcUsd(35.0, 0.0000625), 1e-6);
    }

    /**
     * After the next halving, by hand: at 839,999 (the block before the April 2024 halving) one block is left and the
     * subsidy becomes 3.125 BTC; the hashprice is (3.125 + 0.5 fees) BTC a block, the same difficulty: 3.625 BTC a
     * block earns 0.0000625 BTC/PH/day at this difficulty (above), so 0.0000625 here too, and the all-in cost per BTC
     * of a profile is its cost per PH/day over that. At 840,000 the next halving is 210,000 blocks away (1.5625).
     */
    @Test
    void nextHalvingByHand() {
        Map<String, Double> allIn = new LinkedHashMap<>();
        allIn.put("s21", 35.0);
        allIn.put("s19", 29.5 * 24 * 0.05 / 0.6);
        NextHalving n = MiningEconomics.nextHalving(839_999, 1_713_571_200L, 600.0, DIFFICULTY, 50_000_000.0,
                60_000.0);
        assertEquals(1, n.blocksLeft());
        assertEquals(1_713_571_800L, n.estimatedTime());
        assertEquals(312_500_000L, n.nextSubsidySat());
        assertEquals(0.0000625, n.hashpriceBtcPerPhDay(), 1e-18);
        assertEquals(3.75, n.hashpriceUsdPerPhDay(), 1e-12);
        allIn.forEach((name, cost) -> {
            MiningEconomics.AfterHalving after = MiningEconomics.afterHalving(n.hashpriceBtcPerPhDay(),
                    n.hashpriceUsdPerPhDay(), cost);
            assertEquals(cost / 0.0000625, after.allInCostPerBtcUsd(), 1e-6, name);
            assertEquals(3.75 - cost, after.marginUsdPerPhDay(), 1e-9, name);
        });
        NextHalving m = MiningEconomics.nextHalving(840_000, 1_713_571_767L, null, DIFFICULTY, 0.0, null);
        assertEquals(210_000, m.blocksLeft());
        assertEquals(156_250_000L, m.nextSubsidySat());
        assertEquals(null, m.estimatedTime(), "no epoch interval");
        assertEquals(null, m.hashpriceUsdPerPhDay(), "no price");
        assertEquals(0.0000625 * 1.5625 / 3.625, m.hashpriceBtcPerPhDay(), 1e-18);
        assertNull(MiningEconomics.afterHalving(m.hashpriceBtcPerPhDay(), m.hashpriceUsdPerPhDay(),
                allIn.get("s21")).marginUsdPerPhDay(), "no margin without a price");
    }

    /** Without a price the USD figures are null: no gap, no breakeven, no revenue per MW. */
    @Test
    void noPrice() {
        double btc = 25 * 86_400e15 / (3_438_908.96 * 4294967296.0);
        ProfileEconomics e = MiningEconomics.profile(btc, null, null, 17.5, 21.0, 35.0, 130);
        assertNull(e.gap());
        assertNull(e.breakevenPowerPriceUsdPerKwh());
        assertNull(e.miningRevenueUsdPerMwDay());
        assertNull(e.powerOpportunitySpreadUsdPerMwDay());
        assertEquals(35.0 / btc, e.allInCostPerBtcUsd(), 1e-12);
    }
}
