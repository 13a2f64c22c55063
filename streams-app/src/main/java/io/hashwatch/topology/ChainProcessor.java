package io.hashwatch.topology;

import io.hashwatch.bitcoin.Ancestors;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.Coinbase;
import io.hashwatch.bitcoin.BlockSummary;
import io.hashwatch.bitcoin.CompactTarget;
import io.hashwatch.bitcoin.DifficultyForecast;
import io.hashwatch.bitcoin.DifficultyProjection;
import io.hashwatch.bitcoin.HeaderVerifier;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.bitcoin.NetworkHashrate;
import io.hashwatch.bitcoin.Subsidy;
import io.hashwatch.bitcoin.Work;
import io.hashwatch.metrics.ChainMetrics;
import io.hashwatch.model.BlockRecord;
import io.hashwatch.model.DifficultyAdjustmentRecord;
import io.hashwatch.model.DifficultyRecord;
import io.hashwatch.model.HashrateRecord;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.RejectReason;
import io.hashwatch.model.ReorgRecord;
import io.hashwatch.model.Topics;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies headers into a best chain per network and derives, per connected block, the block, hashrate and
 * difficulty records (and an adjustment record at each retarget). Side branches are kept until one has more work
 * than the best chain; then the best chain is rewound to the fork point and the branch connected, re-emitting
 * every derived record so that the latest record per key is the truth.
 *
 * <p>Each output goes to its own sink; each connected block also goes on to the {@link EconomicsProcessor} (edge
 * {@link #TO_ECONOMICS}), and to the {@link PoolsProcessor} with every verified header's coinbase and a tombstone per
 * height a reorganization takes the chain below (edge {@link #TO_POOLS}): each in a sub-topology of its own.
 */
final class ChainProcessor implements Processor<String, byte[], String, Object> {
    static final String NAME = "chain-processor";
    static final String BEST_CHAIN_STORE = "best-chain";
    static final String SIDE_BRANCH_STORE = "side-branches";

    static final TopicSink<BlockRecord> BLOCKS = new TopicSink<>("blocks-sink", Topics.BLOCKS);
    static final TopicSink<HashrateRecord> HASHRATE = new TopicSink<>("hashrate-sink", Topics.HASHRATE);
    static final TopicSink<DifficultyRecord> DIFFICULTY = new TopicSink<>("difficulty-sink", Topics.DIFFICULTY);
    static final TopicSink<DifficultyAdjustmentRecord> DIFFICULTY_ADJUSTMENTS =
            new TopicSink<>("difficulty-adjustments-sink", Topics.DIFFICULTY_ADJUSTMENTS);
    static final TopicSink<ReorgRecord> REORGS = new TopicSink<>("reorgs-sink", Topics.REORGS);
    static final TopicSink<byte[]> DEAD_LETTERS = new TopicSink<>("header-dead-letters-sink", Topics.DEAD_LETTERS);
    static final List<TopicSink<?>> SINKS = List.of(BLOCKS, HASHRATE, DIFFICULTY, DIFFICULTY_ADJUSTMENTS, REORGS,
            DEAD_LETTERS);
    /** Each connected block, to the economics sub-topology. */
    static final Edge<ConnectedBlock> TO_ECONOMICS = new Edge<>("economics-blocks", Json.serde(ConnectedBlock.class));
    /**
     * Each verified header's coinbase, each connected block, each coinbase filled in later and each height tombstone,
     * to the pools sub-topology.
     */
    static final Edge<PoolsEvent> TO_POOLS = new Edge<>("pools-events", Json.serde(PoolsEvent.class));
    /** The per-block outputs, which a reorganization to a shorter chain deletes above its new tip. */
    private static final List<TopicSink<?>> PER_BLOCK = List.of(BLOCKS, HASHRATE, DIFFICULTY, DIFFICULTY_ADJUSTMENTS);

    private static final Logger log = LoggerFactory.getLogger(ChainProcessor.class);
    /** Hashprice takes the average fees of the last 144 blocks. */
    static final int FEE_WINDOW_BLOCKS = 144;
    /**
     * Side-branch blocks more than this many blocks below the tip are dropped at each retarget: a branch forking
     * deeper would need over two weeks of the whole network's work to overtake, and the store would otherwise keep
     * every stale block (and every cheap early-difficulty fork someone sends) for good.
     */
    static final int SIDE_BRANCH_KEEP_BLOCKS = Network.RETARGET_INTERVAL;

    private final ChainMetrics metrics;
    private final LongSupplier nowSeconds;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, StoredBlock> bestChain;
    private KeyValueStore<String, StoredBlock> sideBranches;
    private final Map<String, ChainIndex> chains = new HashMap<>();

    ChainProcessor(ChainMetrics metrics, LongSupplier nowSeconds) {
        this.metrics = metrics;
        this.nowSeconds = nowSeconds;
    }

    /** The processor with its two stores: the best chain by height, side-branch blocks by hash. */
    static ProcessorSupplier<String, byte[], String, Object> supplier(ChainMetrics metrics, LongSupplier nowSeconds) {
        return new StatefulSupplier<>(() -> new ChainProcessor(metrics, nowSeconds),
                Set.of(blockStore(BEST_CHAIN_STORE), blockStore(SIDE_BRANCH_STORE)));
    }

    private static StoreBuilder<KeyValueStore<String, StoredBlock>> blockStore(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(),
                Json.serde(StoredBlock.class));
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.bestChain = context.getStateStore(BEST_CHAIN_STORE);
        this.sideBranches = context.getStateStore(SIDE_BRANCH_STORE);
        // Kafka Streams re-uses a processor after a dirty close (a task revived under exactly-once): the stores are
        // then rolled back to the last commit, so the chain indexes cached from them must be rebuilt.
        chains.clear();
        // The gauges of the networks this task holds, at once: after a restart or a failover the tip is the stored
        // one, not NaN until the next block (ten minutes on mainnet).
        for (Network n : Network.values()) {
            ChainIndex chain = new ChainIndex(n.id(), bestChain);
            if (!chain.isEmpty()) {
                chains.put(n.id(), chain);
                BlockSummary tip = chain.tipSummary();
                metrics.tip(chain.tip().toRecord(), hashrate(n.id(), tip, chain), difficulty(n.id(), tip, chain));
            }
        }
    }

    /** The task closes (it moved to another instance, or the app stops): its networks' gauges go with it. */
    @Override
    public void close() {
        chains.keySet().forEach(metrics::release);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        HeaderRecord in;
        BlockHeader header;
        Network network;
        try {
            in = Json.read(record.value(), HeaderRecord.class);
            if (in.network() == null || in.headerHex() == null) {
                throw new IllegalArgumentException("network and header_hex are required");
            }
            if (in.height() < 0) {
                throw new IllegalArgumentException("height " + in.height() + " is negative");
            }
            header = BlockHeader.fromHex(in.headerHex());
        } catch (SerializationException | IllegalArgumentException e) {
            reject(record, null, RejectReason.MALFORMED, e.getMessage());
            return;
        }
        network = Network.byName(in.network()).orElse(null);
        if (network == null) {
            reject(record, null, RejectReason.UNKNOWN_NETWORK, "no header rules for network '" + in.network()
                    + "'; known: mainnet, testnet4, signet, regtest");
            return;
        }
        if (in.coinbaseHex() != null) {
            try {
                Coinbase.parseHex(in.coinbaseHex()).checkHeight(network, in.height());
            } catch (IllegalArgumentException e) {
                // The header still counts: dead-letter the record for its coinbase, go on without it.
                reject(record, network.id(), RejectReason.MALFORMED_COINBASE, e.getMessage());
                in = in.withoutCoinbase();
            }
        } else if (in.coinbaseScriptSigHex() != null || in.coinbasePayoutAddresses() != null) {
            String problem = coinbasePartsProblem(in);
            if (problem != null) {
                reject(record, network.id(), RejectReason.MALFORMED_COINBASE, problem);
                in = in.withoutCoinbase();
            }
        }
        accept(record, in, network, header);
    }

    /** What is wrong with the coinbase parts a source gave instead of the transaction, or null. */
    static String coinbasePartsProblem(HeaderRecord in) {
        String script = in.coinbaseScriptSigHex();
        if (script == null) {
            return "coinbase_payout_addresses without coinbase_script_sig_hex";
        }
        if (script.length() < 4 || script.length() > HeaderRecord.MAX_SCRIPT_SIG_HEX || script.length() % 2 != 0
                || !script.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return "coinbase_script_sig_hex is not 2..100 bytes of lowercase hex";
        }
        List<String> addresses = in.coinbasePayoutAddresses();
        if (addresses != null && (addresses.size() > HeaderRecord.MAX_PAYOUT_ADDRESSES || addresses.stream()
                .anyMatch(a -> a == null || a.isEmpty() || a.length() > HeaderRecord.MAX_ADDRESS_LENGTH
                        || !a.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))))) {
            return "coinbase_payout_addresses: at most " + HeaderRecord.MAX_PAYOUT_ADDRESSES + " alphanumeric"
                    + " addresses of at most " + HeaderRecord.MAX_ADDRESS_LENGTH + " characters";
        }
        return null;
    }

    private void accept(Record<String, byte[]> record, HeaderRecord in, Network network, BlockHeader header) {
        String net = network.id();
        ChainIndex chain = chains.computeIfAbsent(net, n -> new ChainIndex(n, bestChain));
        String hash = header.hash();

        if (in.fillsCoinbase()) {
            fill(record, in, net, chain, hash);
            return;
        }
        if (isKnown(chain, net, in.height(), hash)) {
            metrics.duplicate(net);
            return;
        }
        if (chain.isEmpty()) {
            anchor(record, in, network, header, chain);
            return;
        }

        BlockSummary parent;
        StoredBlock sideParent = null;
        boolean onBestChain;
        StoredBlock tip = chain.tip();
        BlockSummary candidate = header.prevHash().equals(chain.tipSummary().hash())
                ? chain.tipSummary() : chain.at(in.height() - 1);
        if (candidate != null && candidate.hash().equals(header.prevHash())) {
            parent = candidate;
            onBestChain = true;
        } else {
            sideParent = sideBranches.get(sideKey(net, header.prevHash()));
            if (sideParent == null) {
                reject(record, net, RejectReason.PREV_BLOCK_NOT_FOUND, "parent " + header.prevHash()
                        + " of block " + hash + " at height " + in.height() + " is not known; tip is "
                        + tip.height());
                return;
            }
            parent = sideParent.summary();
            onBestChain = false;
        }
        if (parent.height() + 1 != in.height()) {
            reject(record, net, RejectReason.HEIGHT_MISMATCH, "height " + in.height() + " but parent "
                    + parent.hash() + " is at height " + parent.height());
            return;
        }

        Ancestors ancestors = onBestChain ? chain::at : branchAncestors(chain, net, sideParent);
        HeaderVerifier.Result result = HeaderVerifier.verify(network, header, in.height(), ancestors,
                nowSeconds.getAsLong());
        if (!result.accepted()) {
            reject(record, net, result.reason(), result.detail());
            return;
        }
        boolean partial = result.partial();
        BigInteger chainwork = parent.chainwork().add(Work.blockProof(CompactTarget.decode(header.bits())));
        StoredBlock block = StoredBlock.of(net, in.height(), header, chainwork, partial, in.feesSat(), in.txCount(),
                in.source());
        metrics.verified(net, partial);
        PoolsEvent.Verified coinbase = verified(in, net, hash);
        if (onBestChain && parent.height() == tip.height()) {
            connect(chain, block, coinbase);
            return;
        }
        TO_POOLS.forward(context, new Record<>(Topics.blockKey(net, in.height()), coinbase, record.timestamp()));
        sideBranches.put(sideKey(net, hash), block);
        if (chainwork.compareTo(tip.chainwork()) > 0) {
            reorganize(chain, block);
        } else {
            log.info("{}: side branch block {} at height {} kept; best chain has more work", net, hash,
                    in.height());
        }
    }

    /**
     * A coinbase filled in for a block already on the best chain: to the pools, which attribute the height again. Not
     * a duplicate, and nothing of the chain is emitted again (the block, its hashrate and difficulty are unchanged).
     */
    private void fill(Record<String, byte[]> record, HeaderRecord in, String net, ChainIndex chain, String hash) {
        BlockSummary held = chain.isEmpty() ? null : chain.at(in.height());
        if (held == null || !held.hash().equals(hash)) {
            reject(record, net, RejectReason.FILL_NOT_ON_BEST_CHAIN, "coinbase fill for block " + hash
                    + " at height " + in.height() + ", but the best chain has " + (held == null ? "no block"
                    : "block " + held.hash()) + " there");
            return;
        }
        TO_POOLS.forward(context, new Record<>(Topics.blockKey(net, in.height()), new PoolsEvent.Filled(
                verified(in, net, hash), held.time(), held.chainwork().toString(16)), held.time() * 1000));
    }

    /** The first header of a network's chain state: only what needs no history is checked. */
    private void anchor(Record<String, byte[]> record, HeaderRecord in, Network network, BlockHeader header,
                        ChainIndex chain) {
        HeaderVerifier.Result pow = HeaderVerifier.checkProofOfWork(network, header);
        if (!pow.accepted()) {
            reject(record, network.id(), pow.reason(), pow.detail());
            return;
        }
        boolean genesis = in.height() == 0;
        BigInteger work = Work.blockProof(CompactTarget.decode(header.bits()));
        StoredBlock block = StoredBlock.of(network.id(), in.height(), header, work, !genesis, in.feesSat(),
                in.txCount(), in.source());
        log.info("{}: chain state starts at height {} ({}){}", network.id(), in.height(), header.hash(),
                genesis ? "" : "; checks needing earlier history are partial until it is built up");
        metrics.verified(network.id(), !genesis);
        connect(chain, block, verified(in, network.id(), header.hash()));
    }

    /**
     * What the pools processor attributes a verified block by: sent with the block when it extends the best chain,
     * apart when it does not (a side-branch block may be connected later).
     */
    private static PoolsEvent.Verified verified(HeaderRecord in, String net, String hash) {
        return new PoolsEvent.Verified(net, in.height(), hash, in.coinbaseHex(), in.feesClaimedSat(), in.txCount(),
                in.coinbaseScriptSigHex(), in.coinbasePayoutAddresses());
    }

    private boolean isKnown(ChainIndex chain, String net, long height, String hash) {
        BlockSummary atHeight = chain.at(height);
        return (atHeight != null && atHeight.hash().equals(hash)) || sideBranches.get(sideKey(net, hash)) != null;
    }

    /** Ancestors along a side branch: side blocks by parent hash down to the fork, then the best chain. */
    private Ancestors branchAncestors(ChainIndex chain, String net, StoredBlock parent) {
        Map<Long, BlockSummary> branch = new HashMap<>();
        for (StoredBlock b = parent; b != null; b = sideBranches.get(sideKey(net, b.header().prevHash()))) {
            BlockSummary s = b.summary();
            BlockSummary onBest = chain.at(s.height());
            if (onBest != null && onBest.hash().equals(s.hash())) {
                break;
            }
            branch.put(s.height(), s);
        }
        return h -> branch.containsKey(h) ? branch.get(h) : chain.at(h);
    }

    /** Rewinds the best chain to the fork point of {@code newTip}'s branch and connects that branch. */
    private void reorganize(ChainIndex chain, StoredBlock newTip) {
        String net = newTip.network();
        Deque<StoredBlock> branch = new ArrayDeque<>();
        StoredBlock b = newTip;
        while (true) {
            branch.addFirst(b);
            String prevHash = b.header().prevHash();
            BlockSummary onBest = chain.at(b.height() - 1);
            if (onBest != null && onBest.hash().equals(prevHash)) {
                break;
            }
            b = sideBranches.get(sideKey(net, prevHash));
        }
        long forkHeight = branch.peekFirst().height() - 1;
        StoredBlock oldTip = chain.tip();
        List<StoredBlock> disconnected = new ArrayList<>();
        while (chain.tip().height() > forkHeight) {
            StoredBlock removed = chain.removeTip();
            sideBranches.put(sideKey(net, removed.header().hash()), removed);
            disconnected.add(removed);
        }
        String forkHash = chain.tip().header().hash();
        for (StoredBlock s : branch) {
            sideBranches.delete(sideKey(net, s.header().hash()));
            connect(chain, s, null);
        }
        // Heights the old branch reached and the new one does not: tombstones, so compaction drops them.
        for (long h = newTip.height() + 1; h <= oldTip.height(); h++) {
            String key = Topics.blockKey(net, h);
            for (TopicSink<?> sink : PER_BLOCK) {
                emit(key, sink, null, context.currentSystemTimeMs());
            }
            TO_POOLS.forward(context, new Record<>(key, null, context.currentSystemTimeMs()));
        }
        ReorgRecord reorg = new ReorgRecord(net, forkHeight, forkHash, oldTip.height(), oldTip.header().hash(),
                newTip.height(), newTip.header().hash(), disconnected.size(), branch.size(),
                context.currentSystemTimeMs());
        emit(net, REORGS, reorg, reorg.detectedAtMs());
        metrics.reorg(net, disconnected.size());
        log.warn("{}: reorganization at fork height {}: {} blocks disconnected, {} connected, new tip {} at {}",
                net, forkHeight, disconnected.size(), branch.size(), newTip.header().hash(), newTip.height());
    }

    /**
     * Appends a block to the best chain and emits everything derived from it.
     *
     * @param coinbase the block's coinbase for the pools, when it was not sent apart on verification
     */
    private void connect(ChainIndex chain, StoredBlock block, PoolsEvent.Verified coinbase) {
        chain.append(block);
        if (block.height() % Network.RETARGET_INTERVAL == 0) {
            pruneSideBranches(block.network(), block.height() - SIDE_BRANCH_KEEP_BLOCKS);
        }
        String net = block.network();
        String key = Topics.blockKey(net, block.height());
        BlockRecord blockRecord = block.toRecord();
        BlockSummary tip = chain.tipSummary();
        long eventTimeMs = tip.time() * 1000;
        emit(key, BLOCKS, blockRecord, eventTimeMs);
        HashrateRecord hashrate = hashrate(net, tip, chain);
        emit(key, HASHRATE, hashrate, eventTimeMs);
        DifficultyRecord difficulty = difficulty(net, tip, chain);
        emit(key, DIFFICULTY, difficulty, eventTimeMs);
        DifficultyAdjustmentRecord adjustment = adjustment(net, tip, chain);
        if (adjustment != null) {
            emit(key, DIFFICULTY_ADJUSTMENTS, adjustment, eventTimeMs);
        }
        metrics.tip(blockRecord, hashrate, difficulty);
        Double fees = chain.averageFees(FEE_WINDOW_BLOCKS);
        TO_ECONOMICS.forward(context, new Record<>(key, new ConnectedBlock(net, block.height(), tip.hash(),
                tip.time(), blockRecord.difficulty(), Subsidy.subsidySat(block.height()), fees, fees != null,
                tip.bits(), block.feesSat(), difficulty.meanBlockIntervalSeconds()), eventTimeMs));
        TO_POOLS.forward(context, new Record<>(key, new PoolsEvent.Connected(net, block.height(), tip.hash(),
                tip.time(), block.chainworkHex(), coinbase), eventTimeMs));
    }

    static HashrateRecord hashrate(String net, BlockSummary tip, Ancestors chain) {
        NetworkHashrate.Estimate[] e = NetworkHashrate.estimate(tip, chain, NetworkHashrate.BLOCKS_1D,
                NetworkHashrate.BLOCKS_3D, NetworkHashrate.BLOCKS_7D, NetworkHashrate.epochLookup(tip.height()));
        NetworkHashrate.Estimate d1 = e[0];
        NetworkHashrate.Estimate d7 = e[2];
        return new HashrateRecord(net, tip.height(), tip.hash(), tip.time(),
                d1.hashesPerSecond(), e[1].hashesPerSecond(), d7.hashesPerSecond(), e[3].hashesPerSecond(),
                d7.biasCorrected(), d7.lower95(), d7.upper95(), d1.lower95(), d1.upper95(),
                d1.full(), e[1].full(), d7.full(), e[3].full(), e[3].blocks());
    }

    static DifficultyRecord difficulty(String net, BlockSummary tip, Ancestors chain) {
        long h = tip.height();
        int inEpoch = (int) (h % Network.RETARGET_INTERVAL);
        long epochStartHeight = h - inEpoch;
        int remaining = Network.RETARGET_INTERVAL - inEpoch;
        double difficulty = Work.difficulty(tip.bits());

        BlockSummary epochStart = chain.at(epochStartHeight);
        BlockSummary lastOfPrevious = chain.at(epochStartHeight - 1);
        Double previousChange = epochStart != null && lastOfPrevious != null
                ? Work.difficulty(epochStart.bits()) / Work.difficulty(lastOfPrevious.bits()) - 1 : null;

        Double projectedChange = null;
        String projectedNextBits = null;
        Long projectedRetargetTime = null;
        Double meanInterval = null;
        String method = null;
        DifficultyForecast forecast = null;
        if (epochStart != null) {
            BlockSummary quarter = chain.at(h - 504);
            Long quarterTime = quarter != null && previousChange != null ? quarter.time() : null;
            DifficultyProjection p = DifficultyProjection.calculate(epochStart.time(), quarterTime, tip.time(), h,
                    previousChange == null ? 0 : previousChange * 100, tip.time());
            projectedRetargetTime = Math.floorDiv(p.estimatedRetargetDateMs(), 1000);
            meanInterval = p.timeAvgMs() / 1000.0;
            if (inEpoch == Network.RETARGET_INTERVAL - 1) {
                Network network = Network.byName(net).orElseThrow();
                long nextBits = network.nextEpochBits(epochStart.bits(), tip.bits(), epochStart.time(), tip.time());
                projectedNextBits = CompactTarget.toHex(nextBits);
                projectedChange = Work.difficulty(nextBits) / difficulty - 1;
                method = "consensus";
            } else {
                projectedChange = p.difficultyChangePercent() / 100;
                method = quarterTime != null && inEpoch < DifficultyProjection.QUARTER_EPOCH_BLOCKS
                        ? "quarter_epoch_window" : "epoch";
            }
            forecast = DifficultyForecast.forecast(Network.byName(net).orElseThrow(), inEpoch, epochStart.bits(),
                    tip.bits(), epochStart.time(), tip.time(), inEpoch < DifficultyForecast.QUARTER_WINDOW_INTERVALS
                            ? quarterTime : null, previousChange, true);
        }
        return new DifficultyRecord(net, h, tip.hash(), tip.time(), h / Network.RETARGET_INTERVAL, epochStartHeight, inEpoch,
                (double) inEpoch / Network.RETARGET_INTERVAL, remaining, h + remaining, projectedChange,
                projectedNextBits, projectedRetargetTime, meanInterval, previousChange, method,
                forecast == null ? null : forecast.changeP05(), forecast == null ? null : forecast.changeP10(),
                forecast == null ? null : forecast.changeP50(), forecast == null ? null : forecast.changeP90(),
                forecast == null ? null : forecast.changeP95(),
                forecast == null ? null : forecast.probabilityDecrease());
    }

    static DifficultyAdjustmentRecord adjustment(String net, BlockSummary tip, Ancestors chain) {
        long h = tip.height();
        if (!Network.isRetargetHeight(h) || h == 0) {
            return null;
        }
        BlockSummary last = chain.at(h - 1);
        if (last == null) {
            return null;
        }
        BlockSummary first = chain.at(h - Network.RETARGET_INTERVAL);
        double oldDifficulty = Work.difficulty(last.bits());
        double newDifficulty = Work.difficulty(tip.bits());
        Long duration = first == null ? null : tip.time() - first.time();
        return new DifficultyAdjustmentRecord(net, h, tip.hash(), tip.time(), h / Network.RETARGET_INTERVAL,
                CompactTarget.toHex(last.bits()), CompactTarget.toHex(tip.bits()), oldDifficulty, newDifficulty,
                newDifficulty / oldDifficulty - 1, duration,
                duration == null ? null : duration / (double) Network.RETARGET_INTERVAL,
                first == null ? null : last.time() - first.time());
    }

    /** Block-derived records carry the block's time as their timestamp, for event-time joins downstream. */
    private <V> void emit(String key, TopicSink<V> sink, V value, long timestampMs) {
        sink.forward(context, new Record<>(key, value, timestampMs));
    }

    private void reject(Record<String, byte[]> record, String network, RejectReason reason, String detail) {
        metrics.rejected(reason);
        log.warn("rejected header record ({}{}): {}", reason.label(), network == null ? "" : ", " + network,
                DeadLetters.bounded(detail));
        DEAD_LETTERS.forward(context, DeadLetters.record(record, Topics.HEADERS, reason, detail));
    }

    /** Deletes the network's side-branch blocks below {@code lowestKept}. */
    private void pruneSideBranches(String net, long lowestKept) {
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, StoredBlock> it = sideBranches.prefixScan(net + "/", new StringSerializer())) {
            it.forEachRemaining(kv -> {
                if (kv.value.height() < lowestKept) {
                    stale.add(kv.key);
                }
            });
        }
        stale.forEach(sideBranches::delete);
        if (!stale.isEmpty()) {
            log.info("{}: {} side-branch blocks below height {} dropped", net, stale.size(), lowestKept);
        }
    }

    private static String sideKey(String network, String hash) {
        return network + "/" + hash;
    }
}
