package io.hashwatch.topology;

import io.hashwatch.bitcoin.Hashprice;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.bitcoin.Subsidy;
import io.hashwatch.config.CostProfile;
import io.hashwatch.economics.MiningEconomics;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.metrics.EconomicsMetrics;
import io.hashwatch.model.EconomicsRecord;
import io.hashwatch.model.EconomicsRecord.ProfileEconomics;
import io.hashwatch.model.HashpriceRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.ReferencePrice;
import io.hashwatch.model.Topics;
import io.hashwatch.stress.DifficultyRegression;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Hashprice and the economics of every cost profile, one record of each per block. Per block, at the reference
 * price of the block's own timestamp (the latest at or before it, within the max age): keys
 * {@code network:height}, the replayable history. Per reference-price update, for the tip: keys
 * {@code network:current}, the live view. Only mainnet has a
 * USD price; other networks get the BTC figures alone. Each block, with its hashprice, goes on to the
 * {@link MinerStressProcessor} (edge {@link #TO_MINER_STRESS}).
 */
final class EconomicsProcessor implements Processor<String, EconomicsEvent, String, Object> {
    static final String NAME = "economics";
    static final String PRICE_HISTORY_STORE = "price-history";
    static final String ECONOMICS_TIPS_STORE = "economics-tips";
    static final String CURRENT = "current";

    static final TopicSink<HashpriceRecord> HASHPRICE = new TopicSink<>("hashprice-sink", Topics.HASHPRICE);
    static final TopicSink<EconomicsRecord> ECONOMICS = new TopicSink<>("economics-sink", Topics.ECONOMICS);
    static final List<TopicSink<?>> SINKS = List.of(HASHPRICE, ECONOMICS);
    /** Each block with its hashprice, to the miner-stress sub-topology. */
    static final Edge<StressBlock> TO_MINER_STRESS = new Edge<>("stress-blocks", Json.serde(StressBlock.class));

    private final EconomicsSettings settings;
    private final EconomicsMetrics metrics;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ReferencePrice> prices;
    private KeyValueStore<String, ConnectedBlock> tips;

    EconomicsProcessor(EconomicsSettings settings, EconomicsMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    /**
     * The processor with its stores: the reference prices by minute, and each network's tip. Both are rewritten
     * often (a minute's price at every update, the one key per network at every block): cached, so that a commit
     * logs each key once.
     */
    static ProcessorSupplier<String, EconomicsEvent, String, Object> supplier(EconomicsSettings settings,
                                                                              EconomicsMetrics metrics) {
        return new StatefulSupplier<>(() -> new EconomicsProcessor(settings, metrics), Set.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PRICE_HISTORY_STORE), Serdes.String(),
                        Topics.REFERENCE_PRICES.valueSerde()).withCachingEnabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ECONOMICS_TIPS_STORE), Serdes.String(),
                        Json.serde(ConnectedBlock.class)).withCachingEnabled()));
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.prices = context.getStateStore(PRICE_HISTORY_STORE);
        this.tips = context.getStateStore(ECONOMICS_TIPS_STORE);
        // The gauges at once from the stored tip and latest price, as the chain processor does its own.
        ConnectedBlock tip = tips.get(Network.MAINNET.id());
        if (tip != null) {
            ReferencePrice latest = latestPrice();
            ReferencePrice price = latest != null && latest.minuteStartMs() >= tip.time() * 1000
                    - settings.priceMaxAgeSeconds() * 1000 ? latest : priceAt(tip.time() * 1000);
            HashpriceRecord hashprice = hashprice(tip, price, settings);
            metrics.hashprice(hashprice);
            metrics.economics(economics(hashprice, tip, settings));
        }
    }

    /** The task closes (it moved to another instance, or the app stops): mainnet's economics gauges go with it. */
    @Override
    public void close() {
        metrics.releaseEconomics();
    }

    @Override
    public void process(Record<String, EconomicsEvent> record) {
        if (record.value() instanceof ConnectedBlock block) {
            tips.put(block.network(), block);
            ReferencePrice price = Network.MAINNET.id().equals(block.network()) ? priceAt(block.time() * 1000) : null;
            HashpriceRecord h = emit(block, price, String.valueOf(block.height()), block.time() * 1000);
            TO_MINER_STRESS.forward(context, new Record<>(record.key(), MinerStressProcessor.block(block, h),
                    block.time() * 1000));
        } else if (record.value() instanceof PriceUpdate update) {
            ReferencePrice price = update.price();
            prices.put(ReferencePriceProcessor.minuteKey(price.pair(), price.minuteStartMs()), price);
            ConnectedBlock tip = tips.get(Network.MAINNET.id());
            if (tip != null && price.minuteStartMs() >= tip.time() * 1000 - settings.priceMaxAgeSeconds() * 1000) {
                emit(tip, price, CURRENT, Math.max(price.minuteStartMs(), tip.time() * 1000));
            }
        }
    }

    /** The latest reference price stored. */
    private ReferencePrice latestPrice() {
        String pair = settings.referencePrice().pair();
        try (KeyValueIterator<String, ReferencePrice> it = prices.reverseRange(
                ReferencePriceProcessor.minuteKey(pair, 0), ReferencePriceProcessor.minuteKey(pair,
                        ReferencePriceProcessor.MAX_MINUTE_MS))) {
            return it.hasNext() ? it.next().value : null;
        }
    }

    /** The latest reference price at or before {@code timeMs}, no older than the max age. */
    private ReferencePrice priceAt(long timeMs) {
        String pair = settings.referencePrice().pair();
        long oldest = Math.max(0, timeMs - settings.priceMaxAgeSeconds() * 1000);
        try (KeyValueIterator<String, ReferencePrice> it = prices.reverseRange(
                ReferencePriceProcessor.minuteKey(pair, oldest), ReferencePriceProcessor.minuteKey(pair, timeMs))) {
            return it.hasNext() ? it.next().value : null;
        }
    }

    private HashpriceRecord emit(ConnectedBlock block, ReferencePrice price, String at, long timestampMs) {
        HashpriceRecord hashprice = hashprice(block, price, settings);
        EconomicsRecord economics = economics(hashprice, block, settings);
        String key = block.network() + ":" + at;
        HASHPRICE.forward(context, new Record<>(key, hashprice, timestampMs));
        ECONOMICS.forward(context, new Record<>(key, economics, timestampMs));
        metrics.hashprice(hashprice);
        metrics.economics(economics);
        return hashprice;
    }

    static HashpriceRecord hashprice(ConnectedBlock block, ReferencePrice price, EconomicsSettings settings) {
        double fees = block.feesIncluded() ? block.feesSatAvg144() : 0;
        double btcPerPhDay = Hashprice.btcPerPhDay(block.subsidySat() + fees, block.difficulty());
        Double usd = price == null ? null : price.price();
        double supplyBtc = (double) Subsidy.supplySat(block.height()) / Subsidy.SAT_PER_BTC;
        double modelPrice = model(settings.difficultyRegression(), block.difficulty(), supplyBtc);
        Double refit = settings.difficultyRegressionRefit() == null ? null
                : model(settings.difficultyRegressionRefit(), block.difficulty(), supplyBtc);
        return new HashpriceRecord(block.network(), block.height(), block.time(), block.subsidySat(), block.feesSatAvg144(), block.feesIncluded(), btcPerPhDay,
                Hashprice.satsPerThDay(btcPerPhDay), usd, price == null ? null : price.minuteStartMs(),
                usd == null ? null : btcPerPhDay * usd, supplyBtc, modelPrice, refit,
                usd == null ? null : DifficultyRegression.difficultyMultiple(usd, modelPrice),
                usd == null || refit == null ? null : DifficultyRegression.difficultyMultiple(usd, refit));
    }

    private static double model(EconomicsSettings.Regression r, double difficulty, double supplyBtc) {
        return DifficultyRegression.modelPriceUsd(r.intercept(), r.slope(), difficulty, supplyBtc);
    }

    /** Every profile's economics at the hashprice {@code h} of {@code block}, now and after the next halving. */
    static EconomicsRecord economics(HashpriceRecord h, ConnectedBlock block, EconomicsSettings settings) {
        Map<String, ProfileEconomics> profiles = new LinkedHashMap<>();
        for (CostProfile p : settings.profiles()) {
            profiles.put(p.name(), profile(h, p, settings.aiHpcLeaseUsdPerKwMonth()));
        }
        return new EconomicsRecord(h.network(), h.height(), h.time(), profiles, nextHalving(h, block));
    }

    static EconomicsRecord.NextHalving nextHalving(HashpriceRecord h, ConnectedBlock block) {
        return MiningEconomics.nextHalving(block.height(), block.time(), block.epochMeanIntervalSeconds(),
                block.difficulty(), block.feesIncluded() ? block.feesSatAvg144() : 0, h.priceUsd());
    }

    static ProfileEconomics profile(HashpriceRecord h, CostProfile p, double leaseUsdPerKwMonth) {
        return MiningEconomics.profile(h.hashpriceBtcPerPhDay(), h.hashpriceUsdPerPhDay(), h.priceUsd(),
                p.efficiencyJoulesPerTh(), p.energyCostUsdPerPhDay(), p.allInCostUsdPerPhDay(),
                leaseUsdPerKwMonth);
    }
}
