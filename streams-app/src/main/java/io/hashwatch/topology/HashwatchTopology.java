package io.hashwatch.topology;

import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.metrics.ChainMetrics;
import io.hashwatch.metrics.EconomicsMetrics;
import io.hashwatch.metrics.PoolMetrics;
import io.hashwatch.pools.PoolList;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.Topics;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The hashwatch topology, built by the one method that production and tests both call.
 *
 * <pre>
 * prices --> price-validation --> price-conflation [exchange-last-ticks] --> prices-by-pair (repartition)
 *            (keyed by       |    (each exchange's last tick of a minute,
 *             exchange)      |     at most once per update interval)
 *                            +--> price-dead-letters-sink (rejects, with the reason)
 *        --> reference-price [price-minutes] --> reference-prices-sink (to mainnet's partition)
 *
 * headers --> chain-processor [best-chain, side-branches] --> blocks-, hashrate-, difficulty-,
 *                  |                                          difficulty-adjustments-, reorgs-sink,
 *                  |                                          header-dead-letters-sink (rejects, with the reason)
 *                  +--> economics-blocks (repartition) --+
 * reference-prices -----------------------------------+--> economics [price-history, economics-tips]
 *                                                                 |   --> hashprice-sink, economics-sink
 *                  +--> stress-blocks (repartition) <-------------+
 *                  |    --> miner-stress [miner-day-blocks, miner-heights, miner-days] --> miner-days-sink,
 *                  |        (each block with its hashprice, into its UTC day)               miner-signals-sink
 * chain-processor --> pools-events (repartition) --> pools [pool-blocks, pool-candidates] --> pools-sink,
 *                     (each verified header's coinbase, each connected block,     block-anomalies-sink
 *                      height tombstones)
 * </pre>
 *
 * Every output topic has its own sink, writing with that topic's serdes from {@link Topics}; a processor with
 * several outputs forwards to each by its child's name. Every output but the reference prices is partitioned by
 * network ({@link NetworkPartitioner}).
 * <p>The price side is built with the DSL, for the repartition by pair: it carries conflated ticks, not every tick
 * (a minute's price only uses each exchange's last trade in it, so the source partition keeps that and forwards it
 * at the rate the price is published at). The chain side's processors are Processor API processors placed with the
 * DSL's {@code process}; their topic sinks are added by name once the topology is built.
 * <p>The per-block work is split into sub-topologies, each a task of its own that any stream thread or instance can
 * run: verification and the best chain with hashrate and difficulty (2; they read the chain's index), economics (3),
 * pools (4) and miner stress (5), joined by typed {@link Edge}s, repartition topics partitioned by network.
 * <p>Reference prices are written to the partition of mainnet's chain, so the economics processor sees a network's
 * blocks and the prices in one task; records carry event time, so Kafka Streams interleaves them by time.
 * <p>Each processor owns its stores ({@code ProcessorSupplier#stores}); processors, sinks and the repartitions are
 * all named, as {@code ensure.explicit.internal.resource.naming} requires.
 */
public final class HashwatchTopology {
    static final String PRICES_SOURCE = "prices-source";
    static final String HEADERS_SOURCE = "headers-source";
    static final String REFERENCE_PRICES_SOURCE = "reference-prices-source";

    private HashwatchTopology() {
    }

    public static Topology build(ChainMetrics chainMetrics, EconomicsMetrics economicsMetrics,
                                 EconomicsSettings settings) {
        return build(chainMetrics, economicsMetrics, settings, () -> System.currentTimeMillis() / 1000);
    }

    /**
     * @param nowSeconds the clock for Core's future-time rule (headers more than 2 h ahead are rejected, and so are
     *                   price ticks whose trade time is)
     */
    public static Topology build(ChainMetrics chainMetrics, EconomicsMetrics economicsMetrics,
                                 EconomicsSettings settings, LongSupplier nowSeconds) {
        return build(chainMetrics, economicsMetrics, new PoolMetrics(chainMetrics.registry()), PoolList.bundled(),
                settings, nowSeconds);
    }

    /**
     * @param pools the mining-pools list blocks are attributed by ({@link PoolList#bundled()} unless {@code --pools})
     */
    public static Topology build(ChainMetrics chainMetrics, EconomicsMetrics economicsMetrics,
                                 PoolMetrics poolMetrics, PoolList pools, EconomicsSettings settings,
                                 LongSupplier nowSeconds) {
        return build(chainMetrics, economicsMetrics, poolMetrics, pools, settings, nowSeconds, new StreamsBuilder());
    }

    /** As the others, on a given builder (the app's: one that can tell Kafka Streams' internal topics). */
    public static Topology build(ChainMetrics chainMetrics, EconomicsMetrics economicsMetrics,
                                 PoolMetrics poolMetrics, PoolList pools, EconomicsSettings settings,
                                 LongSupplier nowSeconds, StreamsBuilder builder) {
        // Prices: validate, keep each exchange's last tick of a minute, bring every exchange of a pair together, make
        // the one-minute reference price.
        KStream<String, ValidTick> ticks = validTicks(builder
                .stream(Topics.PRICES.name(), Consumed.with(Topics.PRICES.keySerde(), Topics.PRICES.valueSerde())
                        .withName(PRICES_SOURCE))
                .process(() -> new PriceValidationProcessor(settings.referencePrice(), economicsMetrics, nowSeconds),
                        Named.as(PriceValidationProcessor.NAME)));
        ticks.process(TickConflationProcessor.supplier(settings.referencePrice(), economicsMetrics),
                        Named.as(TickConflationProcessor.NAME))
                .repartition(Repartitioned.with(Serdes.String(), Json.serde(PriceTick.class))
                        .withName("prices-by-pair"))
                .process(ReferencePriceProcessor.supplier(settings.referencePrice(), economicsMetrics),
                        Named.as(ReferencePriceProcessor.NAME))
                .to(Topics.REFERENCE_PRICES.name(), Produced.with(Topics.REFERENCE_PRICES.keySerde(),
                                Topics.REFERENCE_PRICES.valueSerde()).withName("reference-prices-sink")
                        .withStreamPartitioner(NetworkPartitioner.of("mainnet")));
        // Headers: verify into the best chain, with hashrate and difficulty (they read the chain's index). Added
        // after the price side, so the sub-topology ids stay 0 and 1 for prices, 2 for the chain.
        KStream<String, Object> chain = builder
                .stream(Topics.HEADERS.name(), Consumed.with(Topics.HEADERS.keySerde(), Topics.HEADERS.valueSerde())
                        .withName(HEADERS_SOURCE))
                .process(ChainProcessor.supplier(chainMetrics, nowSeconds), Named.as(ChainProcessor.NAME));
        // Economics (3): connected blocks and reference prices, in event time, on the partition of their network.
        KStream<String, EconomicsEvent> prices = economicsEvents(builder.stream(Topics.REFERENCE_PRICES.name(),
                Consumed.with(Topics.REFERENCE_PRICES.keySerde(), PriceUpdate.serde())
                        .withName(REFERENCE_PRICES_SOURCE)));
        KStream<String, Object> economics = economicsEvents(ChainProcessor.TO_ECONOMICS.from(chain))
                .merge(prices, Named.as("economics-inputs"))
                .process(EconomicsProcessor.supplier(settings, economicsMetrics), Named.as(EconomicsProcessor.NAME));
        // Pools (4): every verified header's coinbase, each connected block, height tombstones.
        ChainProcessor.TO_POOLS.from(chain)
                .process(PoolsProcessor.supplier(pools, poolMetrics), Named.as(PoolsProcessor.NAME));
        // Miner stress (5): each block with its hashprice, into its UTC day.
        EconomicsProcessor.TO_MINER_STRESS.from(economics)
                .process(MinerStressProcessor.supplier(settings, economicsMetrics), Named.as(MinerStressProcessor.NAME));

        Topology topology = builder.build();
        NetworkPartitioner<Object> byNetwork = new NetworkPartitioner<>();
        PriceValidationProcessor.DEAD_LETTERS.addTo(topology, byNetwork, PriceValidationProcessor.NAME);
        ChainProcessor.SINKS.forEach(sink -> sink.addTo(topology, byNetwork, ChainProcessor.NAME));
        EconomicsProcessor.SINKS.forEach(sink -> sink.addTo(topology, byNetwork, EconomicsProcessor.NAME));
        MinerStressProcessor.SINKS.forEach(sink -> sink.addTo(topology, byNetwork, MinerStressProcessor.NAME));
        PoolsProcessor.SINKS.forEach(sink -> sink.addTo(topology, byNetwork, PoolsProcessor.NAME));
        return topology;
    }

    /** Both inputs of the economics processor, typed as what it reads. */
    @SuppressWarnings("unchecked")
    private static KStream<String, EconomicsEvent> economicsEvents(KStream<String, ? extends EconomicsEvent> in) {
        return (KStream<String, EconomicsEvent>) in;
    }

    /**
     * The valid ticks out of price validation. Kafka types a processor's output once, for all its children: price
     * validation forwards valid ticks to the conflation, its one DSL child, and rejects to their own sink.
     */
    @SuppressWarnings("unchecked")
    private static KStream<String, ValidTick> validTicks(KStream<String, Object> validated) {
        return (KStream<String, ValidTick>) (KStream<String, ?>) validated;
    }
}
