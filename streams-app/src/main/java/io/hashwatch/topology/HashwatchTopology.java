package io.hashwatch.topology;

import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.metrics.ChainMetrics;
import io.hashwatch.metrics.EconomicsMetrics;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.ReferencePrice;
import io.hashwatch.model.Topics;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The hashwatch topology, built by the one method that production and tests both call.
 *
 * <pre>
 * prices --> price-validation --> price-conflation [exchange-last-ticks] --> prices-by-pair (repartition)
 *            (keyed by exchange)     (each exchange's last tick of a minute,
 *                                     at most once per update interval)
 *        --> reference-price [price-minutes] --> reference-prices
 *
 * headers --> chain-processor [best-chain, side-branches] --> blocks, hashrate, difficulty, difficulty-adjustments,
 *                  |                                          reorgs
 *                  +--> economics [price-history, economics-tips] --> hashprice, economics
 * reference-prices -+
 * (rejects of both inputs --> dead-letters)
 * </pre>
 *
 * The repartition by pair carries conflated ticks, not every tick: a minute's price only uses each exchange's last
 * trade in it, so the source partition keeps that and forwards it at the rate the price is published at.
 * <p>Reference prices are written to the partition of mainnet's chain, so the economics processor sees a network's
 * blocks and the prices in one task; records carry event time, so Kafka Streams interleaves them by time.
 */
public final class HashwatchTopology {
    public static final String BEST_CHAIN_STORE = "best-chain";
    public static final String SIDE_BRANCH_STORE = "side-branches";
    public static final String EXCHANGE_LAST_TICKS_STORE = "exchange-last-ticks";
    public static final String PRICE_MINUTES_STORE = "price-minutes";
    public static final String PRICE_HISTORY_STORE = "price-history";
    public static final String ECONOMICS_TIPS_STORE = "economics-tips";

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
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BEST_CHAIN_STORE),
                Serdes.String(), Json.serde(StoredBlock.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SIDE_BRANCH_STORE),
                Serdes.String(), Json.serde(StoredBlock.class)));
        // The price stores are rewritten by every tick of a minute: cached, so that a commit logs each key once. The
        // conflation's keys and values are bytes kept as they are (UTF-8 text; the tick's JSON as it came in).
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EXCHANGE_LAST_TICKS_STORE),
                Serdes.ByteArray(), Serdes.ByteArray()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PRICE_MINUTES_STORE),
                Serdes.String(), Json.serde(MinuteTrades.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PRICE_HISTORY_STORE),
                Serdes.String(), Topics.REFERENCE_PRICES.valueSerde()).withCachingEnabled());
        // One key per network, rewritten by every block: cached, so that a commit logs it once, not per block.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ECONOMICS_TIPS_STORE),
                Serdes.String(), Json.serde(EconomicsInput.class)).withCachingEnabled());

        // Prices: validate, keep each exchange's last tick of a minute, bring every exchange of a pair together, make
        // the one-minute reference price.
        KStream<String, Routed> ticks = builder
                .stream(Topics.PRICES.name(), Consumed.with(Topics.PRICES.keySerde(), Topics.PRICES.valueSerde())
                        .withName("prices-source"))
                .process(() -> new PriceValidationProcessor(settings.referencePrice(), economicsMetrics, nowSeconds),
                        Named.as("price-validation"));
        BranchedKStream<String, Routed> tickRoutes = ticks.split(Named.as("price-validation-"));
        tickRoutes.branch((k, r) -> r.topic() != null, Branched.withConsumer(s -> sinks(s, "price-validation"),
                "rejects"));
        tickRoutes.defaultBranch(Branched.withConsumer(valid -> valid
                .mapValues(r -> (ValidTick) r.value(), Named.as("price-ticks"))
                .process(() -> new TickConflationProcessor(settings.referencePrice(), economicsMetrics),
                        Named.as("price-conflation"), EXCHANGE_LAST_TICKS_STORE)
                .repartition(Repartitioned.with(Serdes.String(), Json.serde(PriceTick.class))
                        .withName("prices-by-pair"))
                .mapValues(Routed::onward, Named.as("price-ticks-by-pair"))
                .process(() -> new ReferencePriceProcessor(settings.referencePrice(), economicsMetrics),
                        Named.as("reference-price"), PRICE_MINUTES_STORE)
                .mapValues(r -> (ReferencePrice) r.value(), Named.as("reference-price-values"))
                .to(Topics.REFERENCE_PRICES.name(), Produced.with(Topics.REFERENCE_PRICES.keySerde(),
                                Topics.REFERENCE_PRICES.valueSerde()).withName("reference-prices-sink")
                        .withStreamPartitioner(NetworkPartitioner.of("mainnet")))));

        // Headers: verify into the best chain; derive per block.
        KStream<String, Routed> chain = builder
                .stream(Topics.HEADERS.name(), Consumed.with(Topics.HEADERS.keySerde(), Topics.HEADERS.valueSerde())
                        .withName("headers-source"))
                .process(() -> new ChainProcessor(chainMetrics, nowSeconds), Named.as("chain-processor"),
                        BEST_CHAIN_STORE, SIDE_BRANCH_STORE);
        BranchedKStream<String, Routed> chainRoutes = chain.split(Named.as("chain-processor-"));
        chainRoutes.branch((k, r) -> r.topic() != null, Branched.withConsumer(s -> sinks(s, "chain"), "outputs"));
        KStream<String, Object> blocksForEconomics = chainRoutes.defaultBranch(Branched.as("economics-input"))
                .get("chain-processor-economics-input")
                .mapValues(r -> r.value(), Named.as("economics-blocks"));

        // Economics: blocks and reference prices, in event time.
        KStream<String, Object> referencePrices = builder
                .stream(Topics.REFERENCE_PRICES.name(), Consumed.with(Topics.REFERENCE_PRICES.keySerde(),
                        Topics.REFERENCE_PRICES.valueSerde()).withName("reference-prices-source"))
                .mapValues(p -> (Object) p, Named.as("economics-prices"));
        sinks(blocksForEconomics.merge(referencePrices, Named.as("economics-inputs"))
                .process(() -> new EconomicsProcessor(settings, economicsMetrics), Named.as("economics"),
                        PRICE_HISTORY_STORE, ECONOMICS_TIPS_STORE), "economics");
        return builder.build();
    }

    /**
     * Routes each record to the output topic it names, through one sink that serializes with that topic's serde:
     * one node per record instead of a branch, a cast and a sink per topic.
     */
    private static void sinks(KStream<String, Routed> stream, String prefix) {
        stream.to((key, routed, context) -> routed.topic().name(),
                Produced.with(Serdes.String(), Routed.SERDE).withName(prefix + "-sink")
                        .withStreamPartitioner(new NetworkPartitioner<>()));
    }
}
