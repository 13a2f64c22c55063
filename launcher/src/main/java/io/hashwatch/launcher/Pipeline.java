package io.hashwatch.launcher;

import io.hashwatch.HashwatchStreams;
import io.hashwatch.config.StreamsSettings;
import io.hashwatch.api.Api;
import io.hashwatch.http.AlertWebhook;
import io.hashwatch.http.HttpEndpoints;
import io.hashwatch.http.MetricsServer;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.source.BlockFileSource;
import io.hashwatch.source.HeaderFileSource;
import io.hashwatch.source.HeaderReplay;
import io.hashwatch.source.HeaderPublisher;
import io.hashwatch.source.Pacing;
import io.hashwatch.source.alerts.AlertPublisher;
import io.hashwatch.source.chain.BitcoindAuth;
import io.hashwatch.source.chain.BitcoindClient;
import io.hashwatch.source.chain.ChainFollower;
import io.hashwatch.source.chain.ChainPublisher;
import io.hashwatch.source.chain.ChainSettings;
import io.hashwatch.source.chain.ChainSource;
import io.hashwatch.source.chain.ChainSourceMetrics;
import io.hashwatch.source.chain.ElectrumSource;
import io.hashwatch.source.chain.EsploraClient;
import io.hashwatch.source.chain.HeadersTopicTail;
import io.hashwatch.source.chain.PublishedChain;
import io.hashwatch.source.chain.Redact;
import io.hashwatch.source.chain.SourceException;
import io.hashwatch.source.chain.SourceLog;
import io.hashwatch.source.chain.ZmqBlockNotifier;
import io.hashwatch.source.price.ExchangeFeed;
import io.hashwatch.source.price.FeedConnection;
import io.hashwatch.source.price.FeedSettings;
import io.hashwatch.source.price.PriceCsvSource;
import io.hashwatch.source.price.PricePublisher;
import io.hashwatch.source.price.PriceReplay;
import io.hashwatch.source.price.history.HistorySettings;
import io.hashwatch.source.price.history.PriceHistory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring of {@code run}: starts each part in order (metrics, broker, topics, the streams app and its webhook,
 * the sources), each pushed on {@link Parts} as it starts, so that {@link #close()} stops them in reverse. Nothing
 * here decides what to run: that is all in {@link RunSettings}.
 */
final class Pipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    /** How long reading the end of the headers topic back may take (file replay and live sources alike). */
    private static final Duration TOPIC_TAIL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TOPIC_SETUP_TIMEOUT = Duration.ofSeconds(60);

    private final RunSettings s;
    private final Runnable onFatal;
    private final Parts parts = new Parts();
    private PrometheusMeterRegistry registry;
    private String bootstrap;
    private Api api;

    private Pipeline(RunSettings settings, Runnable onFatal) {
        this.s = settings;
        this.onFatal = onFatal;
    }

    /**
     * Starts what {@code settings} asks for; on a failure to start, stops what did start and rethrows.
     *
     * @param onFatal called (from any thread) when a running part fails for good: the run should stop
     */
    static Pipeline start(RunSettings settings, Runnable onFatal) throws IOException {
        Pipeline p = new Pipeline(settings, onFatal);
        try {
            p.startAll();
        } catch (IOException | RuntimeException | Error e) {
            p.close();
            throw e;
        }
        return p;
    }

    private void startAll() throws IOException {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        parts.add("meter registry", registry::close);
        parts.add("JVM metrics", new JvmMetrics(registry));
        InetSocketAddress metricsAt = new InetSocketAddress(s.metricsAddress(), s.metricsPort());
        // The streams role serves its HTTP API beside /metrics (docs/api.md); its stores are attached once started.
        // With several streams instances, each sets application.server (Kafka settings) to the host:port its API
        // is reached at, and an instance forwards a network it does not hold to the one that does.
        String advertised = s.kafka().get(StreamsConfig.APPLICATION_SERVER_CONFIG);
        api = s.role().runsStreams() ? new Api(advertised == null || advertised.isBlank() ? null
                : HostInfo.buildFromEndpoint(advertised), s.pools(), s.economics(), registry) : null;
        MetricsServer metrics = parts.add("metrics server", bind("--metrics-port", metricsAt,
                () -> new MetricsServer(metricsAt, registry, HttpEndpoints.Settings.DEFAULTS, api)));
        log.info("metrics on http://{}:{}/metrics", metrics.address().getHostString(), metrics.address().getPort());
        if (api != null) {
            log.info("open http://{}:{}/ for the live page (docs/page.md); HTTP API under /api/ (docs/api.md)",
                    metrics.address().getHostString(), metrics.address().getPort());
        }

        bootstrap = s.bootstrapServers();
        if (s.embedded()) {
            if (s.role().runsStreams()) {
                HashwatchStreams.warmUpInBackground(s.economics(), s.pools());
            }
            bootstrap = parts.add("embedded broker", EmbeddedKafka.start(s.dataDir().resolve("kafka"),
                    s.kafkaPort())).bootstrapServers();
        }
        createTopics();

        if (s.role().runsStreams()) {
            startStreams();
        } else {
            log.info("role sources: no streams app here");
        }
        if (s.role().runsSources()) {
            startPrices();
            startHeaders();
        } else {
            log.info("role streams: no sources here");
        }
    }

    private void createTopics() {
        Map<String, Object> adminProps = new HashMap<>(s.kafka());
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(adminProps)) {
            TopicSetup.createAll(admin, s.partitions(), s.embedded() ? Optional.of((short) 1) : Optional.empty(),
                    TOPIC_SETUP_TIMEOUT);
        }
    }

    /** The client settings with {@code --stream-threads}, unless the config file's kafka.* keys set it. */
    private static Map<String, String> withStreamThreads(Map<String, String> kafka, int threads) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(threads));
        out.putAll(kafka);
        return out;
    }

    private void startStreams() throws IOException {
        if (s.alertsPort() >= 0) {
            AlertPublisher publisher = parts.add("alert producer", new AlertPublisher(bootstrap, s.kafka()));
            InetSocketAddress alertsAt = new InetSocketAddress(s.metricsAddress(), s.alertsPort());
            parts.add("alert webhook", bind("--alerts-port (or -1)", alertsAt,
                    () -> new AlertWebhook(alertsAt, publisher, registry, System::currentTimeMillis,
                            HttpEndpoints.Settings.DEFAULTS, s.alertsTokenFile() == null ? null
                                    : RunSettings.alertsToken(s.alertsTokenFile()))));
        }
        StreamsSettings streamsSettings = new StreamsSettings(bootstrap, s.applicationId(),
                s.dataDir().resolve("streams").toAbsolutePath(), s.embedded() ? 1 : -1,
                StreamsSettings.DEFAULT_COMMIT_INTERVAL_MS,
                withStreamThreads(s.embedded() ? StreamsLifecycle.embeddedDefaults(s.kafka())
                        : StreamsLifecycle.clusterDefaults(s.kafka()), s.streamThreads()));
        HashwatchStreams streams = new HashwatchStreams(streamsSettings, s.economics(), s.pools(), registry);
        StreamThreadFailures failures = new StreamThreadFailures(System::nanoTime, Integer.parseInt(
                streamsSettings.kafkaOverrides().get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)));
        streams.kafkaStreams().setUncaughtExceptionHandler(e -> {
            StreamThreadExceptionResponse response = failures.onFailure();
            if (response == StreamThreadExceptionResponse.REPLACE_THREAD) {
                log.warn("a stream thread failed; replacing it (it resumes from the last commit): {}", e.toString());
                return response;
            }
            log.error("stream threads failed {} times within {} min; stopping", failures.maxReplacements() + 1,
                    StreamThreadFailures.WINDOW.toMinutes(), e);
            onFatal.run();
            return response;
        });
        parts.add("streams app", () -> {
            var state = streams.state();
            streams.close(); // leaves the consumer group
            log.info("streams app stopped (was {})", state);
        });
        api.attach(streams.kafkaStreams());
        Map<String, Object> eventsKafka = new HashMap<>(s.kafka());
        eventsKafka.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        api.startEvents(eventsKafka);
        streams.start();
        log.info("streams app '{}' started on {}", s.applicationId(), bootstrap);
    }

    private void startPrices() {
        if (s.exchanges().isEmpty() && s.prices() == null) {
            return;
        }
        PricePublisher publisher = parts.add("price producer", new PricePublisher(bootstrap, s.kafka()));
        if (s.live() != null && !s.exchanges().isEmpty()) {
            // Before the live feeds, whose ticks would make older days late; before the headers, which need them.
            try (PriceHistory history = PriceHistory.create(HistorySettings.defaults())) {
                new PriceBootstrap(bootstrap, s.kafka(), Clock.systemUTC()).run(s.exchanges(), s.live().historyDays(),
                        publisher, history);
            }
        }
        for (String id : s.exchanges()) {
            parts.add("price feed " + id, new FeedConnection(ExchangeFeed.byId(id), FeedSettings.DEFAULTS, publisher,
                    registry).start());
        }
        log.info("live price feeds: {}", s.exchanges().isEmpty() ? "none" : String.join(", ", s.exchanges()));
        if (s.prices() == null) {
            return;
        }
        PriceCsvSource file;
        try {
            file = PriceCsvSource.read(s.prices());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new UsageException("--prices " + s.prices() + ": " + e.getMessage());
        }
        PriceReplay replay = new PriceReplay();
        parts.add("price replay", Background.start("hashwatch-price-replay", () -> {
            replay.replay(file, publisher, pacing());
            publisher.flush();
            log.info("replay of {} price ticks from {} done", file.size(), s.prices());
        }, replay::stop));
    }

    private Pacing pacing() {
        return s.speed() == null ? Pacing.asFastAsPossible() : Pacing.accelerated(s.speed());
    }

    private void startHeaders() {
        if (s.headers() != null || s.blocks() != null) {
            startReplay();
        } else if (s.live() != null) {
            startLive(s.live());
        } else {
            log.info("no header source (--esplora none): serving the pipeline on {} until Ctrl-C", bootstrap);
        }
    }

    private void startReplay() {
        HeaderReplay file;
        try {
            file = s.blocks() != null ? new BlockFileSource(s.blocks(), s.startHeight(), s.network())
                    : new HeaderFileSource(s.headers(), s.startHeight(), s.network());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        HeaderPublisher publisher = parts.add("header producer", new HeaderPublisher(bootstrap, s.kafka()));
        Iterable<HeaderRecord> remaining = remainingOf(file);
        parts.add("header replay", Background.start("hashwatch-header-replay", () -> {
            try {
                if (!publisher.publish(remaining, pacing()).stopped()) {
                    log.info("replay of {} done; serving the pipeline until Ctrl-C", file.file());
                }
            } catch (RuntimeException e) {
                if (!publisher.stopped()) {
                    log.error("replaying {} failed; stopping", file.file(), e);
                    onFatal.run();
                }
            }
        }, publisher::stop));
    }

    /**
     * What of the file is not on the headers topic yet: the headers above the topic's last one for the network when
     * that one is the file's header at its height (a run stopped mid-replay and started again), else the whole file
     * (the duplicates are recognized downstream; a file that does not continue the topic is replayed as given).
     */
    private Iterable<HeaderRecord> remainingOf(HeaderReplay src) {
        PublishedChain published;
        try {
            published = new HeadersTopicTail(bootstrap, s.kafka(), TOPIC_TAIL_TIMEOUT).load(src.network(), 1);
        } catch (SourceException e) {
            log.warn("cannot read the end of the headers topic ({}): replaying the whole file", e.getMessage());
            published = new PublishedChain(src.network(), 1);
        }
        if (!published.isEmpty() && published.lastHeight() >= src.startHeight()
                && published.lastHeight() <= src.lastHeight()
                && published.lastHash().equals(src.hashAt(published.lastHeight()))) {
            log.info("the headers topic already ends with this file's header at height {}: replaying {}..{} from {}"
                    + " ({})", published.lastHeight(), published.lastHeight() + 1, src.lastHeight(), src.file(),
                    pacing());
            return src.after(published.lastHeight());
        }
        if (!published.isEmpty()) {
            log.info("the headers topic ends at height {} ({}), which this file does not continue", published
                    .lastHeight(), published.lastHash());
        }
        log.info("replaying {} headers {}..{} from {} ({})", src.count(), src.startHeight(), src.lastHeight(),
                src.file(), pacing());
        return src;
    }

    /** Follows a live header source: its client, the topic's tail, a publisher, ZMQ if given. */
    private void startLive(RunSettings.LiveSource live) {
        if (live.kind().equals(ElectrumSource.ID)) {
            live = electrumOrFallback(live);
        }
        ChainSourceMetrics metrics = new ChainSourceMetrics(registry, live.kind());
        SourceLog sourceLog = new SourceLog(live.kind());
        boolean bitcoind = live.kind().equals(BitcoindClient.ID);
        boolean electrum = live.kind().equals(ElectrumSource.ID);
        ChainSettings settings = (bitcoind ? ChainSettings.bitcoind(live.zmq() != null) : electrum
                ? ElectrumSource.settings() : ChainSettings.esplora()).withBackfillBlocks(live.backfillBlocks());
        if (live.pollInterval() != null) {
            settings = settings.withPollInterval(live.pollInterval());
        }
        ChainPublisher publisher = parts.add("header producer", new ChainPublisher(bootstrap, s.kafka()));
        ChainSource client;
        ElectrumSource electrumSource = null;
        if (bitcoind) {
            BitcoindAuth auth;
            try {
                auth = BitcoindAuth.resolve(live.url(), live.cookie(), System.getenv());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            if (auth.problem() != null) {
                log.warn("{} (read again when the node asks for credentials)", auth.problem());
            }
            log.info("live headers from bitcoind at {} ({})", Redact.uri(live.url()), auth.describe());
            client = new BitcoindClient(live.url(), auth, settings, metrics, sourceLog);
        } else if (electrum) {
            log.info("live headers and proven coinbases from Electrum servers {} (tips pushed)", live.servers());
            electrumSource = new ElectrumSource(live.servers(), settings, ElectrumSource.DEFAULT_COINBASE_BLOCKS,
                    defaultTls(), metrics, sourceLog, publisher);
            client = electrumSource;
        } else {
            log.info("live headers from the Esplora API at {}", Redact.uri(live.url()));
            client = new EsploraClient(live.url(), settings, metrics, sourceLog);
        }
        ChainFollower follower = parts.add("live header source", new ChainFollower(client, settings, publisher,
                new HeadersTopicTail(bootstrap, s.kafka(), TOPIC_TAIL_TIMEOUT), sourceLog).start());
        if (electrumSource != null) {
            electrumSource.onNewTip(follower::wakeUp);
        }
        if (live.zmq() != null) {
            parts.add("ZMQ subscriber", new ZmqBlockNotifier(live.zmq(), hash -> follower.wakeUp(), metrics,
                    sourceLog).start());
        }
    }

    /**
     * The default run's Electrum servers when one of them answers, else the Esplora API to fall back to (said on the
     * console). Asked once, before following, with metrics of its own: the fallback must not leave an "electrum"
     * source down in /metrics. Servers given with --electrum are followed whatever happens (retried with backoff).
     */
    private RunSettings.LiveSource electrumOrFallback(RunSettings.LiveSource live) {
        if (live.url() == null) {
            return live;
        }
        ChainSettings probeSettings = ElectrumSource.settings().withRequestTimeout(Duration.ofSeconds(10));
        try (ElectrumSource probe = new ElectrumSource(live.servers(), probeSettings, 0, defaultTls(),
                new ChainSourceMetrics(new SimpleMeterRegistry(), ElectrumSource.ID), new SourceLog(ElectrumSource.ID),
                (record, reason, detail) -> { })) {
            ChainSource.Tip tip = probe.tip();
            log.info("Electrum server {} answers (tip {})", probe.describe(), tip.height());
            return live;
        } catch (SourceException e) {
            log.warn("none of the default Electrum servers {} answered (last: {}): falling back to the Esplora API"
                    + " at {} (slower history: 15 blocks a request; tips polled)", live.servers(), e.getMessage(),
                    Redact.uri(live.url()));
            return new RunSettings.LiveSource(EsploraClient.ID, live.url(), null, null, live.historyDays(),
                    live.pollInterval());
        }
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }

    /** A server that binds {@code address}; a bind failure is a usage error naming the option to change. */
    private interface Server<T> {
        T bind() throws IOException;
    }

    private static <T> T bind(String option, InetSocketAddress address, Server<T> server) {
        try {
            return server.bind();
        } catch (IOException e) {
            throw new UsageException("cannot serve on " + address.getHostString() + ":" + address.getPort() + ": "
                    + e.getMessage() + " (is the port in use? choose another " + option + ")");
        }
    }

    /** Stops every started part, the last started first. Idempotent. */
    @Override
    public void close() {
        log.info("shutting down");
        parts.close();
        log.info("stopped");
    }
}
