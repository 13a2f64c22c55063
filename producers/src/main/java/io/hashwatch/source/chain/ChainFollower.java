package io.hashwatch.source.chain;

import io.hashwatch.bitcoin.Coinbase;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.bitcoin.Subsidy;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.StaleBranchRecord;
import io.hashwatch.pools.Attribution;
import io.hashwatch.pools.CoinbaseTag;
import io.hashwatch.pools.PoolList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Keeps the headers topic in step with a live {@link ChainSource}, on a daemon thread.
 *
 * <p>Each round asks the source for its tip. The first round reads back what the topic already holds for the
 * source's network ({@link PublishedChain.Loader}): from an empty topic it backfills the last
 * {@link ChainSettings#backfillBlocks()} blocks up to the tip; otherwise it resumes after the last published height,
 * so a restart neither duplicates nor skips. Then it walks up to the tip, publishing each header only if its parent
 * is the header published at the height below. A header that does not link, or a tip whose hash differs from the
 * one published at its height, means the source reorganized: the fork point is found by comparing the source's hash
 * with the published one at each height going down (at most {@link ChainSettings#reorgDepth()} heights), and the
 * source's branch is published from the fork point up. A fork below the kept heights is refused
 * ({@code wrong_chain}): the topic would get headers the pipeline cannot connect.
 *
 * <p>A source that gives coinbases only for the last blocks of a first run's history ({@link
 * ChainSource#fillsCoinbases()}: Electrum) has the rest filled in the background once the tip is reached: a batch
 * every {@link ChainSource#fillSpacing()}, oldest first, each block that came with its coinbase published again as a
 * coinbase fill ({@link HeaderRecord#coinbaseFill()}), with a progress line and the backfill gauge. The fill is not
 * resumed after a restart (the topic does not say which heights lack their coinbase).
 *
 * <p>Rounds run every {@link ChainSettings#pollInterval()}, and at once when {@link #wakeUp} is called (a ZMQ
 * notification). A failed round is retried with exponential backoff and jitter (at least the server's Retry-After);
 * the source's state is logged once per change (down with the reason, up again with the outage's length), retries
 * at debug level, and exported ({@link ChainSourceMetrics}). Nothing a source sends ends the loop.
 */
public final class ChainFollower implements AutoCloseable {
    /** Blocks fetched one by one before they are published together (sources without a bulk call). */
    static final int CHUNK = 50;
    private static final long PROGRESS_INTERVAL_MS = 5_000;
    /** The background coinbase fill's progress line: a minute apart (it takes about 45 minutes for 400 days). */
    private static final long FILL_PROGRESS_INTERVAL_MS = 60_000;

    private final ChainSource source;
    private final ChainSettings settings;
    private final HeaderSink sink;
    private final PublishedChain.Loader loader;
    private final ChainSourceMetrics metrics;
    private final SourceLog log;
    private final LongSupplier clockMs;
    private final DoubleSupplier random;
    private final Semaphore wake = new Semaphore(0);
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private Thread thread;

    // Follower-thread state.
    private Network network;
    private PublishedChain published;
    private Boolean reportedUp;
    private SourceException.Kind downKind;
    private long downSinceMs;
    private boolean kafkaDown;
    private boolean behind;
    private boolean syncing;
    private volatile long rounds;
    /** Stale branches recorded (by tip hash), the tip they were last checked at, and the pools list (lazily). */
    private final Set<String> staleSeen = new HashSet<>();
    private String tipsCheckedAt;
    private boolean firstTipsCheck = true;
    private boolean chainTipsFailing;
    private PoolList pools;
    /** Tips of the published branches that reorganizations replaced, newest last. */
    private final Set<String> leftTips = new LinkedHashSet<>();
    private static final int LEFT_TIPS_KEPT = 64;
    /**
     * The background coinbase fill: the next height and the last one (-1 until the first run's walk published a
     * coinbase: the heights below it lack theirs), when the last batch went, and its progress.
     */
    private long fillNext = -1;
    private long fillUntil = -1;
    private long lastFillMs;
    private long fillStartedMs;
    private long fillDone;
    private long fillWithout;
    private long lastFillProgressMs;
    private int fillFailures;
    private boolean fillAnnounced;
    private long fillRetryAtMs;

    public ChainFollower(ChainSource source, ChainSettings settings, HeaderSink sink, PublishedChain.Loader loader,
                         SourceLog log) {
        this(source, settings, sink, loader, log, System::currentTimeMillis,
                () -> ThreadLocalRandom.current().nextDouble());
    }

    ChainFollower(ChainSource source, ChainSettings settings, HeaderSink sink, PublishedChain.Loader loader,
                  SourceLog log, LongSupplier clockMs, DoubleSupplier random) {
        this.source = source;
        this.settings = settings;
        this.sink = sink;
        this.loader = loader;
        this.metrics = source.metrics();
        this.log = log;
        this.clockMs = clockMs;
        this.random = random;
    }

    public ChainSource source() {
        return source;
    }

    public ChainSourceMetrics metrics() {
        return metrics;
    }

    /** Rounds completed (successful or not). */
    public long rounds() {
        return rounds;
    }

    /** Starts the loop on a daemon thread; returns at once. */
    public synchronized ChainFollower start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        if (stopped()) {
            throw new IllegalStateException("already closed");
        }
        thread = new Thread(this::runLoop, "hashwatch-chain-" + source.id());
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Asks for a round now (a new block was announced); cheap, callable from any thread. */
    public void wakeUp() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /** Ends the loop after the current request (each is capped by the request timeout) and waits for it. */
    @Override
    public void close() {
        stopSignal.countDown();
        wake.release();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                if (!finished.await(settings.requestTimeout().toMillis() * 2 + 2_000, TimeUnit.MILLISECONDS)) {
                    log.warn("the follower did not stop in time; leaving its thread");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        source.close();
    }

    private boolean stopped() {
        return stopSignal.getCount() == 0;
    }

    private void runLoop() {
        int failures = 0;
        log.info("following " + source.describe() + " (polling every " + human(settings.pollInterval())
                + ", backfill " + settings.backfillBlocks() + " blocks on an empty topic)");
        boolean roundDue = true;
        boolean fillOnly = false;
        long lastRoundMs = 0; // monotonic (the waits are): a test's clock may stand still
        long poll = settings.pollInterval().toMillis();
        try {
            while (!stopped()) {
                long delay;
                fillOnly = false;
                try {
                    // A wake-up for the background fill alone asks the source for nothing else.
                    if (roundDue) {
                        round();
                        lastRoundMs = monotonicMs();
                    }
                    long untilPoll = Math.max(0, poll - (monotonicMs() - lastRoundMs));
                    long untilFill = fillOrBackOff();
                    delay = Math.min(untilPoll, untilFill);
                    fillOnly = untilFill < untilPoll;
                    markUp();
                    failures = 0;
                    if (kafkaDown) {
                        kafkaDown = false;
                        log.info("publishing to the headers topic works again");
                    }
                } catch (SourceException e) {
                    if (e.kind() == SourceException.Kind.KAFKA) {
                        kafkaFailed(e);
                    } else {
                        markDown(e);
                    }
                    // Counted after it is logged: whoever sees the count sees the line.
                    metrics.error(e.kind());
                    delay = settings.backoffMillis(failures, random.getAsDouble());
                    if (e.retryAfterMillis() > delay) {
                        delay = Math.min(e.retryAfterMillis(), ChainSettings.MAX_RETRY_AFTER.toMillis());
                    }
                    failures = Math.min(failures + 1, 30);
                    log.debug("retrying in " + delay + " ms after: " + e.getMessage());
                } catch (RuntimeException e) {
                    // A bug, not the source: never let it end the loop. Read the topic back before going on.
                    metrics.error(SourceException.Kind.INTERNAL);
                    published = null;
                    log.error("unexpected failure in a round (retrying with backoff)", e);
                    delay = settings.backoffMillis(failures, random.getAsDouble());
                    failures = Math.min(failures + 1, 30);
                }
                rounds++;
                if (stopped()) {
                    break;
                }
                try {
                    boolean woken = wake.tryAcquire(delay, TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                    roundDue = woken || failures > 0 || !fillOnly;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        } finally {
            metrics.up(false);
            log.info("stopped following " + source.describe());
            finished.countDown();
        }
    }

    /** One round: the tip, the topic's state (first time), publish what is missing, then the node's stale branches. */
    void round() throws SourceException {
        ChainSource.Tip tip = source.tip();
        publishUpTo(tip);
        staleBranches(tip);
    }

    /**
     * After each new tip, the node's stale branches ({@code getchaintips}): each branch not seen before is published
     * to {@code stale-branches}, with the pool of its tip when the node has the block. The branches the node lists
     * at the first check are history (Core keeps every branch it saw since it started): published once, marked
     * {@code baseline}, not counted. A node that cannot answer does not stop the headers.
     */
    private void staleBranches(ChainSource.Tip tip) throws SourceException {
        if (tip.syncing() || tip.hash().equals(tipsCheckedAt)) {
            return;
        }
        List<ChainSource.ChainTip> tips;
        try {
            tips = source.chainTips();
        } catch (SourceException e) {
            if (e.kind() == SourceException.Kind.KAFKA) {
                throw e;
            }
            if (!chainTipsFailing) {
                log.warn(source.describe() + ": getchaintips failed, stale branches are not recorded: "
                        + e.getMessage());
                chainTipsFailing = true;
            }
            return;
        }
        chainTipsFailing = false;
        tipsCheckedAt = tip.hash();
        boolean baseline = staleSeen.isEmpty() && firstTipsCheck;
        firstTipsCheck = false;
        List<StaleBranchRecord> fresh = new ArrayList<>();
        for (ChainSource.ChainTip t : tips) {
            if (!t.stale() || staleSeen.contains(t.hash())) {
                continue;
            }
            StaleBranchRecord r = staleRecord(t, tip, baseline);
            fresh.add(r);
            if (!baseline) {
                metrics.staleBranch(t.branchLength());
                log.info(source.describe() + ": stale branch of " + t.branchLength() + " block(s) at height "
                        + t.height() + " (" + t.hash() + ", " + t.status() + (r.poolSlug() == null ? ""
                        : ", mined by " + r.poolSlug()) + ")");
            }
        }
        if (!fresh.isEmpty()) {
            sink.staleBranches(fresh);
            fresh.forEach(r -> staleSeen.add(r.tipHash()));
        }
    }

    private StaleBranchRecord staleRecord(ChainSource.ChainTip t, ChainSource.Tip active, boolean baseline) {
        Integer poolId = null;
        String slug = null;
        String tag = null;
        // The pool of a recent branch's tip, from its coinbase, when the node has the block; history is left alone.
        if (!baseline && t.hasBlocks()) {
            try {
                ChainSource.Block b = source.block(t.height(), t.hash());
                if (b.coinbaseHex() != null) {
                    Coinbase c = Coinbase.parseHex(b.coinbaseHex());
                    Attribution a = pools().attributeByAddresses(c.scriptSigHex(), PoolList.paidAddresses(c.outputs()));
                    poolId = a.pool().id();
                    slug = a.pool().slug();
                    tag = CoinbaseTag.of(c.scriptSigHex());
                }
            } catch (SourceException | IllegalArgumentException e) {
                log.info(source.describe() + ": no coinbase for stale block " + t.hash() + ": " + e.getMessage());
            }
        }
        return new StaleBranchRecord(network.id(), t.height(), t.hash(), t.branchLength(),
                t.height() - t.branchLength(), t.status(), active.height(), poolId, slug, tag, clockMs.getAsLong(),
                baseline, leftTips.contains(t.hash()));
    }

    private PoolList pools() {
        if (pools == null) {
            pools = PoolList.bundled();
        }
        return pools;
    }

    private void publishUpTo(ChainSource.Tip tip) throws SourceException {
        metrics.tip(tip.height());
        if (network == null) {
            network = tip.network();
        } else if (network != tip.network()) {
            throw new SourceException(SourceException.Kind.WRONG_CHAIN, source.describe() + " is now on "
                    + tip.network().id() + " but this follower publishes " + network.id() + " headers: not"
                    + " publishing (was the node or the URL changed? restart to follow the new network)");
        }
        if (tip.syncing() != syncing) {
            syncing = tip.syncing();
            log.info(syncing ? source.describe() + " is in initial block download (tip " + tip.height() + "):"
                    + " headers are published as it syncs" : source.describe() + " finished its initial block"
                    + " download");
        }
        if (published == null) {
            published = loader.load(network.id(), settings.reorgDepth() + 1);
            reportResume(tip);
        }
        if (published.isEmpty()) {
            long from = Math.max(0, tip.height() - settings.backfillBlocks() + 1);
            if (source.fillsCoinbases()) {
                fillNext = from; // up to below the first coinbase the walk publishes
            }
            walk(from, tip.height(), true);
            return;
        }
        long last = published.lastHeight();
        if (tip.height() <= last) {
            String ours = published.hashAt(tip.height());
            if (ours == null) {
                setBehind(true, tip, last);
                return;
            }
            if (ours.equals(tip.hash())) {
                setBehind(tip.height() < last, tip, last);
                return;
            }
            long fork = findFork(tip.height());
            if (fork == tip.height()) {
                return; // the tip moved between the two replies; the next round sees it
            }
            reorganized(fork, last);
            walk(fork + 1, tip.height(), false);
            return;
        }
        setBehind(false, tip, last);
        walk(last + 1, tip.height(), false);
    }

    /**
     * Publishes heights {@code from..to}, each header linked to the published one below it (the first one too,
     * unless {@code anchor}: the first header of an empty topic). A header that does not link means the source
     * reorganized meanwhile: its fork point is found and the walk goes on from there.
     */
    private void walk(long from, long to, boolean anchor) throws SourceException {
        long next = from;
        boolean first = anchor;
        long total = to - from + 1;
        long done = 0;
        long started = clockMs.getAsLong();
        long lastProgress = started;
        int reorgs = 0;
        while (next <= to && !stopped()) {
            List<ChainSource.Block> chunk = fetch(next, to);
            if (chunk.isEmpty()) {
                return; // the source's chain is shorter than its tip said: it changed; the next round sees it
            }
            String parent = first ? null : published.hashAt(next - 1);
            long observed = clockMs.getAsLong();
            List<HeaderRecord> out = new ArrayList<>(chunk.size());
            boolean broken = false;
            for (ChainSource.Block b : chunk) {
                if (parent != null && !b.header().prevHash().equals(parent)) {
                    broken = true;
                    break;
                }
                out.add(record(b, observed));
                parent = b.hash();
            }
            if (!out.isEmpty()) {
                sink.publish(out);
                markUp(); // progress: the source works, even if the rest of a long backfill is still to come
                for (HeaderRecord r : out) {
                    published.append(r.height(), chunk.get((int) (r.height() - next)).hash());
                    if (fillNext >= 0 && fillUntil < 0 && r.coinbaseHex() != null) {
                        fillUntil = r.height() - 1;
                    }
                }
                HeaderRecord lastOut = out.get(out.size() - 1);
                metrics.published(lastOut.height(), out.size());
                metrics.feesAvailable(source.feesAvailable());
                first = false;
                next += out.size();
                done += out.size();
                long now = clockMs.getAsLong();
                if (total == 1 && out.size() == 1) {
                    ChainSource.Block b = chunk.get(0);
                    log.info("block " + b.height() + " " + b.hash() + (b.feesSat() == null ? ""
                            : ", fees " + b.feesSat() + " sat") + (b.txCount() == null ? "" : ", " + b.txCount()
                            + " txs"));
                } else if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
                    log.info(progress(done, total, lastOut.height(), now - started));
                    lastProgress = now;
                }
                metrics.backfillRemaining(Math.max(0, to - next + 1) + fillRemaining());
            }
            if (broken) {
                if (++reorgs > 3) {
                    log.warn("the source's chain keeps changing under the walk; trying again next round");
                    return;
                }
                long fork = findFork(next - 1);
                reorganized(fork, next - 1);
                next = fork + 1;
                total = to - fork;
            }
        }
        metrics.backfillRemaining(fillRemaining());
        if (done > 1) {
            log.info("published " + done + " headers, " + from + ".." + (next - 1) + ", in "
                    + (clockMs.getAsLong() - started) / 1000 + " s");
        }
    }

    /**
     * {@link #fillCoinbases}, whose failure (but Kafka's) is the fill's own: counted and logged (once until it
     * works again), retried with backoff, and the source is not marked down (its headers still come).
     */
    private long fillOrBackOff() throws SourceException {
        long from = fillNext;
        try {
            long next = fillCoinbases();
            if (fillFailures > 0 && fillNext != from) { // a batch went through (not a wait for the retry)
                log.info("the background coinbase fill works again, from height " + from);
                fillFailures = 0;
            }
            return next;
        } catch (SourceException e) {
            if (e.kind() == SourceException.Kind.KAFKA) {
                throw e;
            }
            metrics.error(e.kind());
            if (fillFailures == 0) {
                log.warn("the background coinbase fill failed at height " + fillNext + " (" + e.kind().label()
                        + "): " + e.getMessage() + "; retrying with backoff");
            }
            long delay = settings.backoffMillis(fillFailures, random.getAsDouble());
            fillFailures = Math.min(fillFailures + 1, 30);
            fillRetryAtMs = monotonicMs() + delay;
            return Math.min(settings.pollInterval().toMillis(), delay);
        }
    }

    /** Coinbases still to fill in the background. */
    private long fillRemaining() {
        return fillUntil < 0 || fillNext > fillUntil ? 0 : fillUntil - fillNext + 1;
    }

    /**
     * One batch of the background coinbase fill when one is due: the blocks that came with their coinbase are
     * published as coinbase fills (one whose proof failed was dead-lettered by the source and stays without).
     *
     * @return how long to wait before the next round: the poll interval, or less while the fill goes on
     */
    private long fillCoinbases() throws SourceException {
        long poll = settings.pollInterval().toMillis();
        if (fillRemaining() == 0 || stopped()) {
            return poll;
        }
        if (monotonicMs() < fillRetryAtMs) {
            return Math.min(poll, fillRetryAtMs - monotonicMs());
        }
        long spacing = source.fillSpacing().toMillis();
        long now = clockMs.getAsLong();
        if (fillDone > 0 && monotonicMs() - lastFillMs < spacing) {
            return Math.min(poll, spacing - (monotonicMs() - lastFillMs));
        }
        if (!fillAnnounced) {
            fillAnnounced = true;
            fillStartedMs = now;
            lastFillProgressMs = now;
            log.info("the tip is reached: filling the coinbases of heights " + fillNext + ".." + fillUntil + " ("
                    + fillRemaining() + " blocks) in the background, a request every " + human(source.fillSpacing()));
        }
        lastFillMs = monotonicMs();
        List<ChainSource.Block> got = source.coinbasesUpFrom(fillNext, fillUntil);
        long observed = clockMs.getAsLong();
        List<HeaderRecord> out = new ArrayList<>(got.size());
        long n = 0;
        for (ChainSource.Block b : got) {
            if (b.height() != fillNext + n || b.height() > fillUntil) {
                break;
            }
            n++;
            if (b.coinbaseHex() != null) {
                out.add(record(b, observed).asCoinbaseFill());
            } else {
                fillWithout++;
            }
        }
        if (n == 0) {
            throw new SourceException(SourceException.Kind.MALFORMED, source.describe() + " gave no block from height "
                    + fillNext + " for the coinbase fill");
        }
        if (!out.isEmpty()) {
            sink.publish(out);
        }
        fillNext += n;
        fillDone += n;
        metrics.backfillRemaining(fillRemaining());
        now = clockMs.getAsLong();
        if (fillRemaining() == 0) {
            log.info("filled the coinbases of " + fillDone + " blocks, up to height " + fillUntil + ", in "
                    + (now - fillStartedMs) / 1000 + " s" + (fillWithout == 0 ? ""
                    : " (" + fillWithout + " without: their proofs failed, dead-lettered)"));
            return poll;
        }
        if (now - lastFillProgressMs >= FILL_PROGRESS_INTERVAL_MS) {
            log.info(progress("filled the coinbases of", fillDone, fillDone + fillRemaining(), "blocks",
                    fillNext - 1, now - fillStartedMs));
            lastFillProgressMs = now;
        }
        return Math.min(poll, Math.max(spacing - (monotonicMs() - lastFillMs), 0));
    }

    private static long monotonicMs() {
        return System.nanoTime() / 1_000_000;
    }

    /** "published 3000 of 57600 headers, height 880000, 150 headers/s, about 6 min left". */
    static String progress(long done, long total, long height, long elapsedMs) {
        return progress("published", done, total, "headers", height, elapsedMs);
    }

    /** "{@code verb} 3000 of 57600 {@code unit}, height 880000, 150 {@code unit}/s, about 6 min left". */
    static String progress(String verb, long done, long total, String unit, long height, long elapsedMs) {
        double rate = done * 1000.0 / Math.max(1, elapsedMs);
        long leftSeconds = Math.round((total - done) / Math.max(rate, 1e-9));
        String left = leftSeconds < 120 ? leftSeconds + " s" : leftSeconds < 7200 ? Math.round(leftSeconds / 60.0)
                + " min" : String.format(java.util.Locale.ROOT, "%.1f h", leftSeconds / 3600.0);
        return verb + " " + done + " of " + total + " " + unit + ", height " + height + ", "
                + Math.round(rate) + " " + unit + "/s, about " + left + " left";
    }

    /**
     * The record of a block: with its coinbase (when the source gave one no longer than
     * {@link HeaderRecord#MAX_COINBASE_HEX}) and, when that parses, the fees its miner claimed (without the
     * transaction: the source's coinbase reward minus the subsidy). A coinbase that does not parse is published as it
     * came: the pipeline dead-letters it with the reason and keeps the header.
     */
    private HeaderRecord record(ChainSource.Block b, long observed) {
        String coinbase = b.coinbaseHex();
        Long claimed = null;
        if (coinbase != null && coinbase.length() > HeaderRecord.MAX_COINBASE_HEX) {
            coinbase = null;
        }
        if (coinbase != null) {
            try {
                claimed = Coinbase.parseHex(coinbase).checkHeight(network, b.height()).claimedFeesSat(b.height());
            } catch (IllegalArgumentException e) {
                metrics.error(SourceException.Kind.MALFORMED);
                log.warn("block " + b.height() + " " + b.hash() + ": the coinbase does not parse (" + e.getMessage()
                        + "): published for the pipeline to dead-letter, without claimed fees");
            }
        } else if (b.rewardSat() != null) {
            claimed = b.rewardSat() - Subsidy.subsidySat(b.height()); // the source summed the outputs
        }
        String scriptSig = null;
        List<String> payouts = null;
        if (coinbase == null && b.coinbaseParts() != null) {
            scriptSig = b.coinbaseParts().scriptSigHex();
            payouts = b.coinbaseParts().payoutAddresses();
        }
        return new HeaderRecord(network.id(), b.height(), b.header().hex(), b.feesSat(), b.txCount(), source.id(),
                observed, coinbase, claimed, scriptSig, payouts);
    }

    /**
     * Blocks from {@code from} up, contiguous, at most a chunk: in bulk when the source can, else one by one.
     * Empty when the source has no block at {@code from}.
     */
    private List<ChainSource.Block> fetch(long from, long to) throws SourceException {
        if (source.hasRangeCall() && to > from) {
            List<ChainSource.Block> run = new ArrayList<>();
            for (ChainSource.Block b : source.blocksUpFrom(from, to)) {
                if (b.height() != from + run.size() || b.height() > to) {
                    break;
                }
                if (!run.isEmpty() && !b.header().prevHash().equals(run.get(run.size() - 1).hash())) {
                    break; // the bulk reply straddles a change of the source's chain
                }
                run.add(b);
            }
            return run;
        }
        int batch = source.batchSize();
        if (batch > 1 && to > from) {
            long top = Math.min(to, from + batch - 1);
            List<ChainSource.Block> got = new ArrayList<>(source.blocksDownFrom(top));
            got.removeIf(b -> b.height() < from || b.height() > top);
            got.sort(Comparator.comparingLong(ChainSource.Block::height));
            List<ChainSource.Block> run = new ArrayList<>();
            for (ChainSource.Block b : got) {
                if (b.height() != from + run.size()) {
                    break;
                }
                if (!run.isEmpty() && !b.header().prevHash().equals(run.get(run.size() - 1).hash())) {
                    break; // the bulk reply straddles a change of the source's chain
                }
                run.add(b);
            }
            if (!run.isEmpty()) {
                return run;
            }
        }
        List<ChainSource.Block> out = new ArrayList<>();
        long end = Math.min(to, from + CHUNK - 1);
        for (long h = from; h <= end && !stopped(); h++) {
            String hash = source.hashAt(h);
            if (hash == null) {
                break;
            }
            out.add(source.block(h, hash));
        }
        return out;
    }

    /** The highest height at or below {@code start} where the source's hash is the published one. */
    private long findFork(long start) throws SourceException {
        long lowest = published.lowestHeight();
        for (long h = start; h >= lowest && h >= 0; h--) {
            String ours = published.hashAt(h);
            String theirs = source.hashAt(h);
            if (ours != null && ours.equals(theirs)) {
                return h;
            }
        }
        throw new SourceException(SourceException.Kind.WRONG_CHAIN, source.describe() + " has none of the last "
                + published.size() + " published " + network.id() + " headers (heights " + lowest + ".." + start
                + ") on its best chain: another chain, or a reorganization deeper than " + settings.reorgDepth()
                + " blocks; not publishing (its headers could not connect)");
    }

    private void reorganized(long fork, long oldTip) {
        metrics.reorg();
        // The tip that left is the tip of the stale branch the node lists next (the same event as the pipeline's
        // reorgs record, whose old_tip_hash it is).
        String left = published.hashAt(oldTip);
        if (left != null) {
            leftTips.add(left);
            if (leftTips.size() > LEFT_TIPS_KEPT) {
                leftTips.remove(leftTips.iterator().next());
            }
        }
        log.warn("reorganization at the source: the published headers " + (fork + 1) + ".." + oldTip
                + " left its best chain (fork at height " + fork + ", " + published.hashAt(fork)
                + "); publishing its branch from height " + (fork + 1));
    }

    private void reportResume(ChainSource.Tip tip) {
        if (published.isEmpty()) {
            long from = Math.max(0, tip.height() - settings.backfillBlocks() + 1);
            log.info("the headers topic has no " + network.id() + " headers: backfilling " + (tip.height() - from + 1)
                    + " blocks, heights " + from + ".." + tip.height() + ", then following the tip");
            return;
        }
        long last = published.lastHeight();
        long gap = tip.height() - last;
        log.info("resuming " + network.id() + " after height " + last + " (" + published.lastHash()
                + ", the last header on the topic" + (published.lastSource() == null ? ""
                : ", from " + published.lastSource()) + "); source tip " + tip.height()
                + (gap > 0 ? ": " + gap + " headers to publish" : "")
                + (gap > settings.backfillBlocks() ? " (more than the backfill of " + settings.backfillBlocks()
                + ": all are published, so that the chain stays connected)" : ""));
    }

    private void setBehind(boolean now, ChainSource.Tip tip, long last) {
        if (now == behind) {
            return;
        }
        behind = now;
        if (now) {
            log.info(source.describe() + " is behind: its tip " + tip.height() + " is below the last published"
                    + " height " + last + "; waiting for it to catch up");
        } else {
            log.info(source.describe() + " caught up (tip " + tip.height() + ")");
        }
    }

    private void markUp() {
        metrics.up(true);
        if (!Boolean.TRUE.equals(reportedUp)) {
            log.info(reportedUp == null ? source.describe() + " up"
                    : source.describe() + " up again after " + (clockMs.getAsLong() - downSinceMs) / 1000
                    + " s down");
            reportedUp = Boolean.TRUE;
            downKind = null;
        }
    }

    private void markDown(SourceException e) {
        metrics.up(false);
        if (!Boolean.FALSE.equals(reportedUp)) {
            log.warn("down (" + e.kind().label() + "): " + e.getMessage() + "; retrying with backoff ("
                    + human(settings.backoffBase()) + " up to " + human(settings.backoffMax())
                    + "; retries at debug level)");
            reportedUp = Boolean.FALSE;
            downSinceMs = clockMs.getAsLong();
            downKind = e.kind();
        } else if (e.kind() != downKind) {
            log.warn("still down, now (" + e.kind().label() + "): " + e.getMessage());
            downKind = e.kind();
        } else {
            log.debug("still down: " + e.getMessage());
        }
    }

    private void kafkaFailed(SourceException e) {
        published = null; // some records may or may not be on the topic: read it back before going on
        if (!kafkaDown) {
            kafkaDown = true;
            log.warn("the headers topic cannot be read or written: " + e.getMessage() + "; retrying with backoff"
                    + " (the topic is read back first)");
        } else {
            log.debug("headers topic still failing: " + e.getMessage());
        }
    }

    static String human(java.time.Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public String toString() {
        return "ChainFollower[" + source.describe() + "]";
    }
}
