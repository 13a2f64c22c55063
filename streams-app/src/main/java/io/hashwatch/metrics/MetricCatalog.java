package io.hashwatch.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import java.util.function.ToDoubleFunction;

/**
 * Every meter of the streams app, with its name and help text: the one place either is written. The app registers
 * from here ({@link ChainMetrics}, {@link EconomicsMetrics}) and backfill's OpenMetrics history writes the gauges'
 * history under the same names and help. Names are as Prometheus shows them, less the suffixes Micrometer adds by
 * type ({@code _total} for counters; {@code _count}, {@code _sum} and {@code _max} for summaries).
 */
public final class MetricCatalog {

    /** A meter's name, help text and type; its builders start from all three. */
    public record Metric(String name, String help, Meter.Type type) {

        public <T> Gauge.Builder<T> gauge(T state, ToDoubleFunction<T> value) {
            return Gauge.builder(name, state, value).description(help(Meter.Type.GAUGE));
        }

        public Counter.Builder counter() {
            return Counter.builder(name).description(help(Meter.Type.COUNTER));
        }

        public DistributionSummary.Builder summary() {
            return DistributionSummary.builder(name).description(help(Meter.Type.DISTRIBUTION_SUMMARY));
        }

        private String help(Meter.Type as) {
            if (type != as) {
                throw new IllegalStateException(name + " is a " + type + " in the catalog, not a " + as);
            }
            return help;
        }
    }

    // Chain: labels network, and reason, window or verification as noted.
    public static final Metric HEADERS_REJECTED = counter("hashwatch_headers_rejected",
            "Header records sent to the dead-letter topic, by reason");
    public static final Metric HEADERS_VERIFIED = counter("hashwatch_headers_verified",
            "Headers accepted into a chain; partial when history was missing for some rules");
    public static final Metric HEADERS_DUPLICATE = counter("hashwatch_headers_duplicate",
            "Header records already known, ignored");
    public static final Metric REORGS = counter("hashwatch_reorgs",
            "Switches of the best chain to a branch with more work");
    public static final Metric REORG_DEPTH = summary("hashwatch_reorg_depth_blocks",
            "Blocks disconnected by each reorganization");
    public static final Metric TIP_HEIGHT = gauge("hashwatch_tip_height", "Height of the best chain's tip");
    public static final Metric TIP_TIMESTAMP = gauge("hashwatch_tip_timestamp_seconds",
            "Header timestamp of the tip");
    public static final Metric TIP_AGE = gauge("hashwatch_tip_age_seconds",
            "Wall-clock seconds since the tip's header timestamp");
    public static final Metric DIFFICULTY = gauge("hashwatch_difficulty", "Difficulty of the tip's bits");
    public static final Metric HASHRATE = gauge("hashwatch_hashrate_hashes_per_second",
            "Network hashrate, Bitcoin Core's getnetworkhashps over the window");
    public static final Metric HASHRATE_LOWER95 = gauge("hashwatch_hashrate_lower95_hashes_per_second",
            "Lower bound of the 95% interval of the hashrate");
    public static final Metric HASHRATE_UPPER95 = gauge("hashwatch_hashrate_upper95_hashes_per_second",
            "Upper bound of the 95% interval of the hashrate");
    public static final Metric DIFFICULTY_PROJECTED_CHANGE = gauge("hashwatch_difficulty_projected_change_ratio",
            "Projected next difficulty adjustment (0.05 = +5%)");
    public static final Metric DIFFICULTY_FORECAST_CHANGE = gauge("hashwatch_difficulty_forecast_change_ratio",
            "Quantile of the next difficulty adjustment's distribution (0.05 = +5%), by quantile");
    public static final Metric DIFFICULTY_DECREASE_PROBABILITY = gauge(
            "hashwatch_difficulty_decrease_probability_ratio",
            "Probability that the next adjustment lowers the difficulty");
    public static final Metric BLOCK_GAP = gauge("hashwatch_block_gap_seconds",
            "The network's current gap without a block: since the tip's arrival when live, the tip's own interval"
                    + " from its parent when replaying");
    public static final Metric BLOCK_GAP_PROBABILITY = gauge("hashwatch_block_gap_probability_ratio",
            "Probability of a gap at least that long at the 7-day hashrate: exp(-gap / expected interval)");
    public static final Metric DIFFICULTY_EPOCH_PROGRESS = gauge("hashwatch_difficulty_epoch_progress_ratio",
            "Share of the current epoch's 2016 blocks mined");
    public static final Metric DIFFICULTY_BLOCKS_REMAINING = gauge("hashwatch_difficulty_blocks_remaining",
            "Blocks until the next retarget");
    public static final Metric DIFFICULTY_PROJECTED_RETARGET = gauge(
            "hashwatch_difficulty_projected_retarget_timestamp_seconds", "When the next retarget is expected");

    // Prices: labels reason or exchange as noted.
    public static final Metric PRICES_REJECTED = counter("hashwatch_prices_rejected",
            "Price ticks sent to the dead-letter topic, by reason");
    public static final Metric PRICES_ACCEPTED = counter("hashwatch_prices_accepted", "Price ticks accepted");
    public static final Metric PRICES_LATE_DROPPED = counter("hashwatch_prices_late_dropped",
            "Ticks later than the grace period, dropped");
    public static final Metric REFERENCE_PRICE_OUTLIERS = counter("hashwatch_reference_price_outliers",
            "Exchange quotes left out of a minute's price as outliers");
    public static final Metric REFERENCE_PRICE_UNAVAILABLE = counter("hashwatch_reference_price_unavailable",
            "Minutes updated without a reference price: every exchange stale or in disagreement");
    public static final Metric REFERENCE_PRICE = gauge("hashwatch_reference_price_usd",
            "Latest one-minute reference BTC-USD price");
    public static final Metric REFERENCE_PRICE_SOURCES = gauge("hashwatch_reference_price_sources",
            "Exchanges that made the latest reference price");
    public static final Metric REFERENCE_PRICE_TIMESTAMP = gauge("hashwatch_reference_price_timestamp_seconds",
            "Start of the latest reference price's minute");

    // Economics of mainnet's tip; per cost profile (label profile) from ENERGY_COST on.
    public static final Metric HASHPRICE_BTC = gauge("hashwatch_hashprice_btc_per_ph_day",
            "Expected BTC per PH/s per day at the tip");
    public static final Metric HASHPRICE_USD = gauge("hashwatch_hashprice_usd_per_ph_day",
            "Expected USD per PH/s per day at the tip");
    public static final Metric HASHVALUE = gauge("hashwatch_hashvalue_sats_per_th_day",
            "Expected satoshis per TH/s per day at the tip");
    public static final Metric HASHPRICE_FEES_INCLUDED = gauge("hashwatch_hashprice_fees_included",
            "1 when the hashprice includes fees, 0 when subsidy-only");
    public static final Metric NETWORK_COST_MODEL = gauge("hashwatch_network_cost_model_usd",
            "Difficulty-regression model price of one BTC");
    public static final Metric HOSTING_REVENUE = gauge("hashwatch_hosting_revenue_usd_per_mw_day",
            "AI/HPC colocation lease revenue per MW per day");
    public static final Metric ENERGY_COST = gauge("hashwatch_energy_cost_usd_per_btc",
            "Energy cost to produce one BTC");
    public static final Metric ALL_IN_COST = gauge("hashwatch_all_in_cost_usd_per_btc",
            "All-in cost to produce one BTC");
    public static final Metric COST_GAP = gauge("hashwatch_cost_gap_ratio", "(price - all-in cost) / all-in cost");
    public static final Metric MARGIN = gauge("hashwatch_margin_usd_per_ph_day",
            "USD hashprice minus all-in cost per PH/s per day");
    public static final Metric BREAKEVEN_POWER_PRICE = gauge("hashwatch_breakeven_power_price_usd_per_kwh",
            "Power price at which mining revenue equals energy cost");
    public static final Metric MINING_REVENUE = gauge("hashwatch_mining_revenue_usd_per_mw_day",
            "Mining revenue of one MW of this fleet per day");
    public static final Metric POWER_OPPORTUNITY_SPREAD = gauge("hashwatch_power_opportunity_spread_usd_per_mw_day",
            "Mining minus AI/HPC hosting revenue per MW per day");
    public static final Metric POWER_PRICE = gauge("hashwatch_power_price_usd_per_kwh",
            "Contracted power price of the profile");
    public static final Metric EFFICIENCY = gauge("hashwatch_efficiency_joules_per_terahash",
            "Fleet efficiency of the profile");

    // Miner stress: the latest final UTC day of mainnet (miner-days), labels as noted.
    public static final Metric NETWORK_COST_MODEL_REFIT = gauge("hashwatch_network_cost_model_refit_usd",
            "Difficulty-regression model price of one BTC with the refitted constants");
    public static final Metric DIFFICULTY_MULTIPLE = gauge("hashwatch_difficulty_multiple_ratio",
            "Price / difficulty-regression model price, by model (2022 or refit)");
    public static final Metric MINER_DAY_TIMESTAMP = gauge("hashwatch_miner_day_timestamp_seconds",
            "Start (UTC midnight) of the latest final day");
    public static final Metric MINER_DAY_BLOCKS = gauge("hashwatch_miner_day_blocks", "Blocks of the latest final day");
    public static final Metric MINER_DAY_HASHRATE = gauge("hashwatch_miner_day_hashrate_hashes_per_second",
            "Work of the day's blocks / 86,400 s");
    public static final Metric MINER_DAY_REVENUE = gauge("hashwatch_miner_day_revenue_usd",
            "Subsidy and known fees of the day, each block at its own price");
    public static final Metric MINER_DAY_ISSUANCE = gauge("hashwatch_miner_day_issuance_usd",
            "Subsidy of the day in USD, each block at its own price");
    public static final Metric MINER_DAY_FEE_SHARE = gauge("hashwatch_miner_day_fee_share_ratio",
            "Fees / (subsidy + fees) over the day's blocks with known fees");
    public static final Metric MINER_DAY_HASHPRICE = gauge("hashwatch_miner_day_hashprice_usd_per_ph_day",
            "Mean USD hashprice of the day's blocks");
    public static final Metric HASH_RIBBON = gauge("hashwatch_hash_ribbon_hashes_per_second",
            "Hash ribbons: SMA of the daily hashrate, by window (30, 60 days)");
    public static final Metric HASH_RIBBON_OSCILLATOR = gauge("hashwatch_hash_ribbon_oscillator_ratio",
            "SMA30 / SMA60 of the daily hashrate - 1");
    public static final Metric HASH_RIBBON_CAPITULATION = gauge("hashwatch_hash_ribbon_capitulation",
            "1 while SMA30 < SMA60 of the daily hashrate, else 0");
    public static final Metric HASH_RIBBON_BUY = gauge("hashwatch_hash_ribbon_buy_signal",
            "1 on the day of the hash ribbons' buy signal, else 0");
    public static final Metric PUELL_MULTIPLE = gauge("hashwatch_puell_multiple_ratio",
            "Daily USD issuance / its SMA365");
    public static final Metric DIFFICULTY_RIBBON = gauge("hashwatch_difficulty_ribbon",
            "Difficulty ribbon: SMA of the daily mean difficulty, by window (9..200 days)");
    public static final Metric DIFFICULTY_RIBBON_COMPRESSION = gauge("hashwatch_difficulty_ribbon_compression_ratio",
            "Standard deviation / mean of the difficulty ribbon's eight SMAs");
    public static final Metric HALVING_BLOCKS = gauge("hashwatch_halving_blocks_remaining",
            "Blocks to the next halving at the day's highest block");
    public static final Metric HALVING_TIMESTAMP = gauge("hashwatch_halving_estimated_timestamp_seconds",
            "Estimated time of the next halving, at the epoch's mean block interval");
    public static final Metric HALVING_NEXT_SUBSIDY = gauge("hashwatch_halving_next_subsidy_btc",
            "Block subsidy after the next halving");
    public static final Metric BREAKEVEN_EFFICIENCY = gauge("hashwatch_breakeven_efficiency_joules_per_terahash",
            "Highest J/TH whose energy cost the day's hashprice covers, by configured power price");
    public static final Metric PROFILES_UNDER_WATER = gauge("hashwatch_profiles_under_water",
            "Configured cost profiles whose all-in cost exceeds the day's hashprice");
    public static final Metric PROFILE_DAYS_UNDER_WATER = gauge("hashwatch_profile_days_under_water",
            "Consecutive final days the profile's margin has been negative");
    public static final Metric MINER_SIGNALS = counter("hashwatch_miner_signals",
            "Miner-stress events published, by signal");
    // Mining pools: labels network and window (1d, 7d, 30d: 144, 1008, 4320 blocks); pool (the top pools by share
    // of the 7d window, plus "other") as noted; result for the attribution counter.
    public static final Metric POOL_BLOCKS_ATTRIBUTED = counter("hashwatch_pool_attributions",
            "Blocks connected to the best chain, by attribution result (attributed, unknown, unattributed)");
    public static final Metric POOL_BLOCKS = gauge("hashwatch_pool_blocks",
            "Blocks of the pool in the window (label pool)");
    public static final Metric POOL_SHARE = gauge("hashwatch_pool_share_ratio",
            "Share of the window's blocks with a coinbase mined by the pool (label pool)");
    public static final Metric POOL_HASHRATE = gauge("hashwatch_pool_hashrate_hashes_per_second",
            "Estimated hashrate of the pool: its share times the window's network hashrate (label pool)");
    public static final Metric POOL_LUCK = gauge("hashwatch_pool_luck_ratio",
            "Blocks found over blocks expected from the pool's share of the next longer window (label pool)");
    public static final Metric BLOCK_ANOMALIES = counter("hashwatch_block_anomalies",
            "Best-chain blocks with an anomaly, by kind (empty, before_parent, at_mtp_floor, ahead_of_arrival) and"
                    + " pool (a slug of the list, unknown or unattributed)");
    public static final Metric FEE_SHARE = gauge("hashwatch_fee_share_ratio",
            "Fees / (subsidy + fees) over the window's blocks with known claimed fees (window 1d or 30d)");
    public static final Metric UNKNOWN_TAG_BLOCKS = gauge("hashwatch_pools_unknown_tag_blocks",
            "Unknown blocks of the last day carrying the coinbase tag (label tag: tags in 3 or more, at most 10)");
    // Droughts: label pool (every pool with >= 2% of the 7d window, at most 50), no window label (always 7d).
    public static final Metric POOL_DROUGHT_BLOCKS = gauge("hashwatch_pool_drought_blocks",
            "Best-chain blocks since the pool's latest block (label pool)");
    public static final Metric POOL_DROUGHT_PROBABILITY = gauge("hashwatch_pool_drought_probability_ratio",
            "Probability of a gap at least that long at the pool's 7d share: (1 - share)^blocks (label pool)");
    public static final Metric POOL_DROUGHT_SHARE = gauge("hashwatch_pool_drought_share_ratio",
            "The 7d share the drought probability used (label pool)");
    public static final Metric POOLS_TOP_SHARE = gauge("hashwatch_pools_top_share_ratio",
            "Share of the window's blocks mined by its largest pool");
    public static final Metric POOLS_HHI = gauge("hashwatch_pools_hhi_ratio",
            "Herfindahl-Hirschman index of the pools' shares in the window (0..1)");
    public static final Metric POOLS_NAKAMOTO = gauge("hashwatch_pools_nakamoto_coefficient",
            "Fewest pools holding more than half of the window's blocks");
    public static final Metric POOLS_UNKNOWN_SHARE = gauge("hashwatch_pools_unknown_share_ratio",
            "Share of the window's blocks with a coinbase that no pool of the list matches");
    public static final Metric POOLS_UNATTRIBUTED = gauge("hashwatch_pools_unattributed_blocks",
            "Blocks of the window without a coinbase from the source");
    public static final Metric POOLS_WINDOW_BLOCKS = gauge("hashwatch_pools_window_blocks",
            "Blocks of the window with a coinbase: the denominator of the pools' shares");
    public static final Metric POOLS_EMPTY_BLOCKS = gauge("hashwatch_pools_empty_blocks",
            "Blocks of the window with the coinbase alone, among those with a known tx count");

    private MetricCatalog() {
    }

    private static Metric gauge(String name, String help) {
        return new Metric(name, help, Meter.Type.GAUGE);
    }

    private static Metric counter(String name, String help) {
        return new Metric(name, help, Meter.Type.COUNTER);
    }

    private static Metric summary(String name, String help) {
        return new Metric(name, help, Meter.Type.DISTRIBUTION_SUMMARY);
    }
}
