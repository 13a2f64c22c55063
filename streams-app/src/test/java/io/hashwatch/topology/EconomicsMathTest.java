package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.config.CostProfile;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.economics.MiningEconomics;
import io.hashwatch.model.EconomicsRecord;
import io.hashwatch.model.HashpriceRecord;
import io.hashwatch.model.ReferencePrice;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hashprice, cost, breakeven and gap against values derived by hand from stated inputs. */
class EconomicsMathTest {
    private static final EconomicsSettings SETTINGS = EconomicsSettings.defaults();

    /**
     * Inputs: height 840,000 (subsidy 3.125 BTC = 312,500,000 sat), average fees 0.5 BTC = 50,000,000 sat per
     * block, difficulty 2^32 * 10^12 / 86,400 * 4 (chosen so that the arithmetic is round), price $60,000.
     *
     * <pre>
     * BTC/PH/day = (subsidy + fees) * 86,400 * 10^15 / (difficulty * 2^32)
     *            = 3.625 BTC * 86,400 * 10^15 / (2^32 * 10^12 / 86,400 * 4 * 2^32) ...
     * </pre>
     * Rather than that, take difficulty D such that D * 2^32 = 86,400 * 10^15 * 3.625 / 0.0000625: then
     * BTC/PH/day = 0.0000625 exactly (one block's reward over the day's hashes of 1 PH/s).
     * USD/PH/day = 0.0000625 * 60,000 = 3.75. Hashvalue = 0.0000625 * 10^8 / 1000 = 6.25 sats/TH/day.
     *
     * Profile 17.5 J/TH at $0.05/kWh, electricity 60%:
     * energy/PH/day = 17.5 * 24 * 0.05 = 21.0 $; all-in/PH/day = 21.0 / 0.6 = 35.0 $
     * energy/BTC = 21.0 / 0.0000625 = 336,000 $; all-in/BTC = 35.0 / 0.0000625 = 560,000 $
     * gap = (60,000 - 560,000) / 560,000 = -0.892857...; margin = 3.75 - 35.0 = -31.25 $/PH/day
     * breakeven power price = 3.75 / (17.5 * 24) = 0.0089285714... $/kWh
     * revenue per MW per day = 3.75 * 1000 / 17.5 = 214.2857... $; lease $130/kW/month = 130,000 / 30.4 =
     * 4,276.315789... $ per MW per day; spread = 214.2857 - 4276.3158 = -4,062.03 $.
     */
    @Test
    void handDerivedFigures() {
        double difficulty = 86_400e15 * 3.625 / 0.0000625 / 4294967296.0;
        ConnectedBlock block = new ConnectedBlock("mainnet", 840_000, "h", 1_713_571_767L, difficulty, 312_500_000L,
                50_000_000.0, true, 0x17034219L, null, null);
        ReferencePrice price = new ReferencePrice("BTC-USD", 1_713_571_740_000L, 60_000, 3, List.of("a", "b", "c"),
                List.of(), List.of());
        HashpriceRecord h = EconomicsProcessor.hashprice(block, price, SETTINGS);
        assertEquals(0.0000625, h.hashpriceBtcPerPhDay(), 1e-18);
        assertEquals(3.75, h.hashpriceUsdPerPhDay(), 1e-12);
        assertEquals(6.25, h.hashvalueSatsPerThDay(), 1e-9);
        assertTrue(h.feesIncluded());

        // The profile's figures are chain-model's MiningEconomics (MiningEconomicsTest derives them by hand from
        // 21 $ energy and 35 $ all-in per PH/day): the cost profile makes those, the processor wires them.
        CostProfile s21 = new CostProfile("s21", 17.5, 0.05, 0.6, null);
        assertEquals(21.0, s21.energyCostUsdPerPhDay(), 1e-12);
        assertEquals(35.0, s21.allInCostUsdPerPhDay(), 1e-12);
        EconomicsRecord.ProfileEconomics e = EconomicsProcessor.profile(h, s21, 130);
        assertEquals(MiningEconomics.profile(h.hashpriceBtcPerPhDay(), h.hashpriceUsdPerPhDay(), h.priceUsd(), 17.5,
                s21.energyCostUsdPerPhDay(), s21.allInCostUsdPerPhDay(), 130), e);
        assertEquals(560_000, e.allInCostPerBtcUsd(), 1e-6);
        assertEquals(-31.25, e.marginUsdPerPhDay(), 1e-12);

        // Explicit overhead instead of a share: all-in/PH/day = 21 + 14 = 35, the same figures.
        EconomicsRecord.ProfileEconomics o = EconomicsProcessor.profile(h, new CostProfile("o", 17.5, 0.05, null,
                14.0), 130);
        assertEquals(560_000, o.allInCostPerBtcUsd(), 1e-6);
    }

    /**
     * After the next halving, by hand: at 839,999 (the block before the April 2024 halving) one block is left and the
     * subsidy becomes 3.125 BTC; the hashprice is (3.125 + 0.5 fees) BTC a block, the same difficulty: 3.625 BTC a
     * block earns 0.0000625 BTC/PH/day at this difficulty (above), so 0.0000625 here too, and the all-in cost per BTC
     * of a profile is its cost per PH/day over that. At 840,000 the next halving is 210,000 blocks away (1.5625).
     */
    @Test
    void nextHalvingByHand() {
        double difficulty = 86_400e15 * 3.625 / 0.0000625 / 4294967296.0;
        ReferencePrice price = new ReferencePrice("BTC-USD", 1_713_571_140_000L, 60_000, 3, List.of("a", "b", "c"),
                List.of(), List.of());
        ConnectedBlock before = new ConnectedBlock("mainnet", 839_999, "h", 1_713_571_200L, difficulty,
                625_000_000L, 50_000_000.0, true, 0x17034219L, null, 600.0);
        EconomicsRecord e = EconomicsProcessor.economics(EconomicsProcessor.hashprice(before, price, SETTINGS),
                before, SETTINGS);
        // The figures are chain-model's MiningEconomics.nextHalving (MiningEconomicsTest derives them by hand): here,
        // that the processor hands it this block's height, time, interval, difficulty, fees and price.
        assertEquals(MiningEconomics.nextHalving(839_999, 1_713_571_200L, 600.0, difficulty, 50_000_000.0, 60_000.0),
                e.nextHalving());
        assertEquals(1, e.nextHalving().blocksLeft());
        ConnectedBlock at = new ConnectedBlock("mainnet", 840_000, "h", 1_713_571_767L, difficulty, 312_500_000L,
                0.0, false, 0x17034219L, null, null);
        EconomicsRecord.NextHalving m = EconomicsProcessor.economics(EconomicsProcessor.hashprice(at, null,
                SETTINGS), at, SETTINGS).nextHalving();
        assertEquals(MiningEconomics.nextHalving(840_000, 1_713_571_767L, null, difficulty, 0.0, null), m);
    }

    /** Without fees from the source the hashprice is subsidy-only and says so; without a price, USD is null. */
    @Test
    void subsidyOnlyAndNoPrice() {
        ConnectedBlock block = new ConnectedBlock("mainnet", 210_000, "h", 1_354_116_278L, 3_438_908.96, 2_500_000_000L,
                null, false, 0x1a05db8bL, null, null);
        HashpriceRecord h = EconomicsProcessor.hashprice(block, null, SETTINGS);
        assertFalse(h.feesIncluded());
        // 25 BTC * 86,400 * 10^15 / (3,438,908.96 * 2^32) = 146.25... BTC per PH/s per day in late 2012.
        assertEquals(25 * 86_400e15 / (3_438_908.96 * 4294967296.0), h.hashpriceBtcPerPhDay(), 1e-9);
        assertNull(h.hashpriceUsdPerPhDay());
        CostProfile p = SETTINGS.profiles().get(0);
        EconomicsRecord.ProfileEconomics e = EconomicsProcessor.profile(h, p, 130);
        assertNull(e.gap());
        assertNull(e.breakevenPowerPriceUsdPerKwh());
        assertEquals(MiningEconomics.profile(h.hashpriceBtcPerPhDay(), null, null, p.efficiencyJoulesPerTh(),
                p.energyCostUsdPerPhDay(), p.allInCostUsdPerPhDay(), 130), e);
    }

    /**
     * The network cost model: price = exp(10.2560 + 0.5250 ln(difficulty)) / supply. September 2022: difficulty
     * 32,045,359,565,303 (height ~754,000), supply 19.15 M BTC: exp(10.256 + 0.525 * 31.098) / 19.15e6 ~ $18.3k,
     * against a spot price of $19-20k then.
     */
    @Test
    void difficultyRegressionModel() {
        ConnectedBlock block = new ConnectedBlock("mainnet", 754_000, "h", 1_663_000_000L, 32_045_359_565_303.0,
                625_000_000L, null, false, 0x1708b1f0L, null, null);
        HashpriceRecord h = EconomicsProcessor.hashprice(block, null, SETTINGS);
        double supply = 19_150_006.25;  // 10,500,000 + 5,250,000 + 2,625,000 + 124,001 * 6.25 (blocks 630,000..754,000)
        assertEquals(supply, h.supplyBtc(), 1e-6);
        assertEquals(Math.exp(10.2560 + 0.5250 * Math.log(32_045_359_565_303.0)) / supply, h.networkCostModelUsd(),
                1e-6);
        assertTrue(h.networkCostModelUsd() > 15_000 && h.networkCostModelUsd() < 22_000, "" + h.networkCostModelUsd());
        // The refit shipped beside it (economics.yaml: 3.141149 + 0.766716 ln D), and no multiple without a price.
        assertEquals(Math.exp(3.141149 + 0.766716 * Math.log(32_045_359_565_303.0)) / supply,
                h.networkCostModelRefitUsd(), 1e-6);
        assertNull(h.difficultyMultiple());
        assertNull(h.difficultyMultipleRefit());

        // With a price of $19,500: price / model for each.
        HashpriceRecord priced = EconomicsProcessor.hashprice(block, new ReferencePrice("BTC-USD", 1_663_000_000_000L,
                19_500, 1, List.of("x"), List.of(), List.of()), SETTINGS);
        assertEquals(19_500 / h.networkCostModelUsd(), priced.difficultyMultiple(), 1e-12);
        assertEquals(19_500 / h.networkCostModelRefitUsd(), priced.difficultyMultipleRefit(), 1e-12);
    }
}
