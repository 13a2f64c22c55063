package io.hashwatch.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Difficulty and the projected next adjustment at a block (topic {@code difficulty}, key {@code network:height}),
 * projected in event time: the block's own timestamp is "now".
 *
 * <p>The quantiles are named as docs/topics.md names them ({@code forecast_change_p05}): the mapper's naming would
 * write {@code p_05}, an underscore between a letter and a digit being right for {@code hashrate_7d} only.
 *
 * @param progress                ratio of the epoch's blocks mined (height mod 2016) / 2016
 * @param projectedChange         projected next adjustment as a ratio (+0.05 is +5%); at the epoch's last block,
 *                                the consensus result itself
 * @param projectedNextBits       the next epoch's bits, known exactly at the epoch's last block (else null)
 * @param projectedRetargetTime   seconds since the epoch when the next retarget is expected
 * @param previousChange          the last adjustment's change as a ratio, null if not seen
 * @param projectionMethod        "epoch", "quarter_epoch_window" (fewer than 503 blocks in), or "consensus"
 * @param forecastChangeP05       5% quantile of the next adjustment (a ratio), from
 *                                {@link io.hashwatch.bitcoin.DifficultyForecast}; null when no interval is known
 * @param forecastChangeP10       10% quantile (with p90, the band the DifficultyDecrease/IncreaseLikely alerts read)
 * @param forecastChangeP50       its median
 * @param forecastChangeP90       90% quantile
 * @param forecastChangeP95       its 95% quantile: with p05, a 90% band (all three equal at the epoch's last block)
 * @param forecastProbabilityDecrease probability (0..1) that the next difficulty is lower than this one
 */
public record DifficultyRecord(String network, long height, String hash, long time, String bits,
                               double difficulty, long epoch, long epochStartHeight, int blocksInEpoch,
                               double progress, int blocksRemaining, long nextRetargetHeight,
                               Double projectedChange, @Nullable String projectedNextBits, Long projectedRetargetTime,
                               Double meanBlockIntervalSeconds, Double previousChange,
                               @Nullable String projectionMethod,
                               @JsonProperty("forecast_change_p05") Double forecastChangeP05,
                               @JsonProperty("forecast_change_p10") Double forecastChangeP10,
                               @JsonProperty("forecast_change_p50") Double forecastChangeP50,
                               @JsonProperty("forecast_change_p90") Double forecastChangeP90,
                               @JsonProperty("forecast_change_p95") Double forecastChangeP95,
                               Double forecastProbabilityDecrease) {
}
