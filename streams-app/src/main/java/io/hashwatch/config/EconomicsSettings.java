package io.hashwatch.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hashwatch.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Prices and mining economics: the reference price rules, the cost profiles, the AI/HPC lease rate and the
 * network cost model. Read from a YAML file ({@code economics.yaml} in this module is the default and documents
 * every key).
 *
 * @param referencePrice              how the one-minute reference price is made
 * @param priceMaxAgeSeconds          a block takes the latest reference price at most this old at its timestamp
 * @param profiles                    the cost profiles
 * @param aiHpcLeaseUsdPerKwMonth     AI/HPC colocation lease rate to compare mining revenue with
 * @param difficultyRegression        coefficients of price = exp(intercept + slope * ln(difficulty)) / supply
 *                                    (Glassnode's 2022-09 fit)
 * @param difficultyRegressionRefit   the same model refitted on later data, with its window and R^2; null when the
 *                                    file gives none (then only the 2022 model is published)
 */
public record EconomicsSettings(ReferencePriceSettings referencePrice, long priceMaxAgeSeconds,
                                List<CostProfile> profiles, double aiHpcLeaseUsdPerKwMonth,
                                Regression difficultyRegression, Regression difficultyRegressionRefit) {

    /**
     * @param pair               the only pair the reference price is made of
     * @param outlierBound       a last trade deviating more than this ratio from the cross-exchange median is excluded
     * @param staleAfterSeconds  an exchange whose last trade is older than this at the minute's end is excluded
     * @param graceSeconds       ticks up to this late (behind stream time) still update their minute
     * @param minUsd             prices below are absurd: dead-lettered
     * @param maxUsd             prices above are absurd: dead-lettered
     * @param updateIntervalSeconds a minute's reference price is published again at most this often while ticks
     *                           update it (null: {@value #DEFAULT_UPDATE_INTERVAL_SECONDS}); its final value
     *                           always is
     */
    public record ReferencePriceSettings(String pair, double outlierBound, long staleAfterSeconds,
                                         long graceSeconds, double minUsd, double maxUsd,
                                         Long updateIntervalSeconds) {
        public static final long DEFAULT_UPDATE_INTERVAL_SECONDS = 5;

        public long updateIntervalMs() {
            return (updateIntervalSeconds == null ? DEFAULT_UPDATE_INTERVAL_SECONDS : updateIntervalSeconds) * 1000;
        }
    }

    /**
     * Difficulty-regression model coefficients (Checkmate/Glassnode "Difficulty Regression"): ln(market cap) =
     * intercept + slope * ln(difficulty). Where the fit came from is optional and informative.
     *
     * @param fitFrom  first day of the fitted window
     * @param fitTo    last day of the fitted window
     * @param rSquared the fit's R^2
     * @param days     daily points fitted
     */
    public record Regression(double intercept, double slope, String fitFrom, String fitTo, Double rSquared,
                             Integer days) {
        public Regression(double intercept, double slope) {
            this(intercept, slope, null, null, null, null);
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(Json.MAPPER.getPropertyNamingStrategy())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** The shipped defaults. */
    public static EconomicsSettings defaults() {
        try (InputStream in = EconomicsSettings.class.getResourceAsStream("/economics.yaml")) {
            return parse(in, "the built-in economics.yaml");
        } catch (IOException e) {
            throw new ConfigException("cannot read the built-in economics.yaml", e);
        }
    }

    /** Reads and validates a YAML file; any error names the file and what to fix. */
    public static EconomicsSettings load(Path file) {
        if (!Files.isReadable(file)) {
            throw new ConfigException("economics file " + file + " does not exist or is not readable");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new ConfigException("cannot read economics file " + file + ": " + e.getMessage(), e);
        }
    }

    private static EconomicsSettings parse(InputStream in, String where) throws IOException {
        EconomicsSettings s;
        try {
            s = YAML.readValue(in, EconomicsSettings.class);
        } catch (IOException e) {
            String msg = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                    : e.getMessage();
            throw new ConfigException(where + ": " + msg, e);
        }
        s.validate(where);
        return s;
    }

    void validate(String where) {
        if (referencePrice == null || profiles == null || difficultyRegression == null) {
            throw new ConfigException(where + ": reference_price, profiles and difficulty_regression are required");
        }
        ReferencePriceSettings r = referencePrice;
        if (r.pair() == null || r.pair().isBlank()) {
            throw new ConfigException(where + ": reference_price.pair is required (BTC-USD)");
        }
        if (!(r.outlierBound() > 0 && r.outlierBound() < 1)) {
            throw new ConfigException(where + ": reference_price.outlier_bound must be in (0, 1), got "
                    + r.outlierBound());
        }
        if (r.staleAfterSeconds() < 1 || r.graceSeconds() < 0) {
            throw new ConfigException(where + ": reference_price.stale_after_seconds must be >= 1 and "
                    + "grace_seconds >= 0");
        }
        if (r.updateIntervalSeconds() != null && r.updateIntervalSeconds() < 0) {
            throw new ConfigException(where + ": reference_price.update_interval_seconds must be >= 0 (0: on every"
                    + " tick), got " + r.updateIntervalSeconds());
        }
        if (!(r.minUsd() > 0 && r.maxUsd() > r.minUsd())) {
            throw new ConfigException(where + ": reference_price needs 0 < min_usd < max_usd");
        }
        if (priceMaxAgeSeconds < 60) {
            throw new ConfigException(where + ": price_max_age_seconds must be >= 60, got " + priceMaxAgeSeconds);
        }
        if (profiles.isEmpty() || profiles.size() > 20) {
            throw new ConfigException(where + ": give 1 to 20 cost profiles (a metric label each), got "
                    + profiles.size());
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < profiles.size(); i++) {
            CostProfile p = profiles.get(i);
            p.validate(where + ": profiles[" + i + "]");
            if (!names.add(p.name())) {
                throw new ConfigException(where + ": profile name '" + p.name() + "' is used twice");
            }
        }
        if (!(aiHpcLeaseUsdPerKwMonth >= 0)) {
            throw new ConfigException(where + ": ai_hpc_lease_usd_per_kw_month must be >= 0");
        }
    }
}
