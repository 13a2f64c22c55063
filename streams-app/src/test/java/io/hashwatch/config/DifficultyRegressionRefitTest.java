package io.hashwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.stress.DifficultyRegression;
import io.hashwatch.testing.SharedData;
import io.hashwatch.testing.SharedData.HeaderRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The refitted difficulty-regression constants shipped in economics.yaml are the least-squares fit of ln(market cap)
 * on ln(difficulty) over the real daily data of 2015-01-01 .. 2025-01-12: difficulty from the bitcoinj checkpoints
 * (the first header of every epoch, to 2025-01-12), closes from CoinMarketCap (to 2021-06-30) then CryptoCompare.
 * The fit is checked against the normal equations solved here in their textbook (uncentred) form.
 */
class DifficultyRegressionRefitTest {
    static final LocalDate FROM = LocalDate.parse("2015-01-01");
    static final LocalDate TO = LocalDate.parse("2025-01-12");

    record Day(String day, double difficulty, double supply, double close) {
    }

    static List<Day> days() throws IOException {
        List<HeaderRow> epochs = SharedData.readHeaderCsv(
                SharedData.requireHeaders("bitcoinj_checkpoints_2016-878976.decoded.csv"));
        Map<String, Double> cmc = closes(SharedData.require(
                "data/prices/btcusd_daily_2013-05-01_2021-07-01.cmc_kaggle.csv"));
        Map<String, Double> cc = closes(SharedData.require(
                "data/prices/btcusd_daily_2020-07-12_2026-01-17.cryptocompare.csv"));
        List<Day> out = new ArrayList<>();
        for (LocalDate d = FROM; !d.isAfter(TO); d = d.plusDays(1)) {
            long end = d.plusDays(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC) - 1;
            int e = 0;
            while (e + 1 < epochs.size() && epochs.get(e + 1).time() <= end) {
                e++;
            }
            HeaderRow epoch = epochs.get(e);
            // Height at the day's end, linear in time between checkpoints (the supply to within a few hundred BTC).
            double height = epoch.height();
            if (e + 1 < epochs.size()) {
                HeaderRow next = epochs.get(e + 1);
                height += 2016.0 * (end - epoch.time()) / (next.time() - epoch.time());
            }
            Double close = d.isBefore(LocalDate.parse("2021-07-01")) ? cmc.get(d.toString()) : cc.get(d.toString());
            assertTrue(close != null, "a close for " + d);
            out.add(new Day(d.toString(), epoch.difficulty().doubleValue(), supply((long) height), close));
        }
        return out;
    }

    /** BTC issued in blocks 0..height: 50 BTC halved every 210,000 blocks. */
    static double supply(long height) {
        long sat = 0;
        for (int era = 0; era * 210_000L <= height; era++) {
            long first = era * 210_000L;
            sat += (Math.min(height, first + 209_999) - first + 1) * (5_000_000_000L >> era);
        }
        return sat / 1e8;
    }

    @Test
    void shippedRefitIsTheFitOfTheRealWindow() throws IOException {
        List<Day> days = days();
        List<DifficultyRegression.Point> points = days.stream().map(d -> new DifficultyRegression.Point(d.day(),
                d.difficulty(), d.close() * d.supply())).toList();
        DifficultyRegression.Fit fit = DifficultyRegression.fit(points);

        double n = days.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (Day d : days) {
            double x = Math.log(d.difficulty());
            double y = Math.log(d.close() * d.supply());
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            syy += y * y;
        }
        double b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        double a = (sy - b * sx) / n;
        double r = (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
        assertEquals(b, fit.slope(), 1e-8);
        assertEquals(a, fit.intercept(), 1e-6);
        assertEquals(r * r, fit.rSquared(), 1e-8);
        assertEquals(3665, fit.days());
        assertEquals("2015-01-01", fit.from());
        assertEquals("2025-01-12", fit.to());

        EconomicsSettings.Regression shipped = EconomicsSettings.defaults().difficultyRegressionRefit();
        assertEquals(a, shipped.intercept(), 0.0000005, "economics.yaml intercept, 6 decimals");
        assertEquals(b, shipped.slope(), 0.0000005, "economics.yaml slope, 6 decimals");
        assertEquals(r * r, shipped.rSquared(), 0.0000005);
        assertEquals(fit.days(), shipped.days());
        assertEquals(fit.from(), shipped.fitFrom());
        assertEquals(fit.to(), shipped.fitTo());

        Day last = days.get(days.size() - 1);
        EconomicsSettings.Regression old = EconomicsSettings.defaults().difficultyRegression();
        double model2022 = DifficultyRegression.modelPriceUsd(old.intercept(), old.slope(), last.difficulty(),
                last.supply());
        double modelRefit = fit.modelPriceUsd(last.difficulty(), last.supply());
        // Early 2026 is past the difficulty data: the difficulty at which the 2022 constants give the issue's
        // $39,000 with 19.97 M BTC, ln D = (ln(39,000 x 19.97e6) - a) / b.
        double d2026 = Math.exp((Math.log(39_000 * 19.97e6) - old.intercept()) / old.slope());
        System.out.printf("refit %s..%s: a=%.4f b=%.4f R^2=%.4f n=%d; %s (D=%.4g, close %.0f): 2022 model %.0f"
                        + " (multiple %.3f), refit %.0f (multiple %.3f); D=%.4g (early 2026): 2022 %.0f, refit %.0f%n",
                fit.from(), fit.to(), a, b, r * r, fit.days(), last.day(), last.difficulty(), last.close(),
                model2022, last.close() / model2022, modelRefit, last.close() / modelRefit, d2026,
                DifficultyRegression.modelPriceUsd(old.intercept(), old.slope(), d2026, 19.97e6),
                fit.modelPriceUsd(d2026, 19.97e6));
        // The refit of 2015..2025 is what the analysts' refitted values say: far above the 2022 fit at 2025 levels.
        assertTrue(modelRefit > 1.5 * model2022, modelRefit + " vs " + model2022);
    }

    @Test
    void aWindowShorterThanAYearIsRefused() throws IOException {
        List<DifficultyRegression.Point> points = days().subList(0, 364).stream().map(d ->
                new DifficultyRegression.Point(d.day(), d.difficulty(), d.close() * d.supply())).toList();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DifficultyRegression.fit(points));
        assertTrue(e.getMessage().contains("at least 365"), e.getMessage());
    }

    static Map<String, Double> closes(Path csv) throws IOException {
        Map<String, Double> out = new HashMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            out.put(f[0], Double.parseDouble(f[4]));
        }
        return out;
    }
}
