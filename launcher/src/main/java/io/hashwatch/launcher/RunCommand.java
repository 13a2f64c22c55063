package io.hashwatch.launcher;

import io.hashwatch.HashwatchStreams;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.config.ConfigException;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.config.StreamsSettings;
import io.hashwatch.metrics.MetricsServer;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.source.HeaderFileSource;
import io.hashwatch.source.HeaderPublisher;
import io.hashwatch.source.Pacing;
import io.hashwatch.source.alerts.AlertPublisher;
import io.hashwatch.source.alerts.AlertWebhook;
import io.hashwatch.source.chain.BitcoindAuth;
import io.hashwatch.source.chain.BitcoindClient;
import io.hashwatch.source.chain.ChainFollower;
import io.hashwatch.source.chain.ChainPublisher;
import io.hashwatch.source.chain.ChainSettings;
import io.hashwatch.source.chain.ChainSource;
import io.hashwatch.source.chain.ChainSourceMetrics;
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
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hashwatch run}: the pipeline, long-running. Starts the embedded broker (unless {@code --bootstrap-servers}),
 * creates the topics, starts the streams app with Prometheus metrics on {@code /metrics}, then the header source: a
 * replay of a header file if one is given, else a live source (Bitcoin Core with {@code --bitcoind}, an Esplora API
 * with {@code --esplora}, by default the public mempool.space API), and serves until Ctrl-C, then stops in order:
 * sources and producers, streams, metrics server, broker.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the hashwatch pipeline until Ctrl-C.",
            "Without --bootstrap-servers an embedded single-node Kafka broker runs in this process, its data under"
                + " DATA_DIR/kafka (kept across runs) and the streams state under DATA_DIR/streams.",
            "Settings may also come from --config FILE (Java properties): keys named like the long options without"
                + " dashes (metrics-port=9336), and kafka.<property> keys passed to every Kafka client (TLS, SASL)."
                + " Options on the command line override the file."})
public final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);
    /** How long reading the end of the headers topic back may take (file replay and live sources alike). */
    private static final Duration TOPIC_TAIL_TIMEOUT = Duration.ofSeconds(60);

    static final Set<String> SETTINGS = Set.of("headers", "start-height", "network", "speed", "bootstrap-servers",
            "data-dir", "metrics-port", "metrics-address", "application-id", "partitions", "kafka-port", "alerts-port", "economics",
            "exchanges", "prices", "bitcoind", "bitcoind-cookie", "zmq", "esplora", "backfill-blocks", "poll-interval");
    static final String DEFAULT_EXCHANGES = "coinbase,kraken,bitstamp";

    @Option(names = "--headers", paramLabel = "FILE",
            description = "Replay this file of raw 80-byte headers (Bitcoin Core REST .bin, Electrum"
                    + " blockchain_headers). Needs --start-height.")
    Path headers;

    @Option(names = "--start-height", paramLabel = "N", description = "Height of the first header in --headers.")
    Long startHeight;

    @Option(names = "--network", paramLabel = "NAME", description = "Network of --headers (default: mainnet).")
    String network;

    @Option(names = "--speed", paramLabel = "X",
            description = "Replay in accelerated real time: sleep (block time gap)/X between headers (negative gaps"
                    + " as 0, each sleep at most 10 s). Default: as fast as possible.")
    Double speed;

    @Option(names = "--bitcoind", paramLabel = "URL",
            description = "Live headers from this Bitcoin Core node's JSON-RPC, e.g. http://127.0.0.1:8332"
                    + " (credentials: http://USER:PASSWORD@HOST:PORT, the environment " + BitcoindAuth.USER_ENV
                    + "/" + BitcoindAuth.PASSWORD_ENV + ", or --bitcoind-cookie).")
    String bitcoind;

    @Option(names = "--bitcoind-cookie", paramLabel = "FILE",
            description = "The node's .cookie file (DATADIR/.cookie, DATADIR/regtest/.cookie), read again whenever"
                    + " the node refuses it.")
    Path bitcoindCookie;

    @Option(names = "--zmq", paramLabel = "tcp://HOST:PORT",
            description = "With --bitcoind: new blocks from its ZMQ hashblock notifications (-zmqpubhashblock);"
                    + " polling (every 60 s then) stays as the fallback.")
    String zmq;

    @Option(names = "--esplora", paramLabel = "URL",
            description = "Live headers from an Esplora / mempool.space API (default when no header source is"
                    + " given: " + EsploraClient.MEMPOOL_SPACE + "); none: no live header source.")
    String esplora;

    @Option(names = "--backfill-blocks", paramLabel = "N",
            description = "Live source on an empty headers topic: publish the last N blocks first (default: "
                    + ChainSettings.DEFAULT_BACKFILL_BLOCKS + ", one epoch plus 1008). A restart resumes after the"
                    + " last height on the topic instead.")
    Integer backfillBlocks;

    @Option(names = "--poll-interval", paramLabel = "SECONDS",
            description = "How often the live source's tip is asked for (default: bitcoind 10, with --zmq 60,"
                    + " esplora 30).")
    Double pollInterval;

    @Option(names = "--exchanges", paramLabel = "LIST",
            description = "Live BTC-USD trade feeds, comma-separated: coinbase, kraken, bitstamp, or none"
                    + " (default: " + DEFAULT_EXCHANGES + "). Unreachable feeds are retried with backoff.")
    String exchanges;

    @Option(names = "--prices", paramLabel = "FILE",
            description = "Replay a BTC-USD OHLC price file (one tick per bar close), paced like --headers.")
    Path prices;

    @Option(names = "--economics", paramLabel = "FILE",
            description = "Economics settings (YAML: cost profiles, lease rate, reference price rules); default:"
                    + " the built-in economics.yaml.")
    Path economics;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Use this Kafka cluster instead of the embedded broker.")
    String bootstrapServers;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Broker data and streams state (default: ./data).")
    Path dataDir;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Port of /metrics (default: 9336; 0: any).")
    Integer metricsPort;

    @Option(names = "--metrics-address", paramLabel = "ADDR",
            description = "Address /metrics binds to (default: 127.0.0.1).")
    String metricsAddress;

    @Option(names = "--config", paramLabel = "FILE", description = "Settings file (Java properties), see above.")
    Path config;

    @Option(names = "--application-id", paramLabel = "ID",
            description = "Kafka Streams application id (default: " + StreamsSettings.DEFAULT_APPLICATION_ID + ").")
    String applicationId;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of topics created (default: 1).")
    Integer partitions;

    @Option(names = "--kafka-port", paramLabel = "PORT",
            description = "Client port of the embedded broker (default: the last run's if free, else any free).")
    Integer kafkaPort;

    /** What this process runs: everything, or one side of a deployment with separate services. */
    enum Role { all, streams, sources }

    @Option(names = "--role", paramLabel = "ROLE",
            description = "all (default): streams app and sources; streams: the streams app, /metrics and the alert"
                    + " webhook only; sources: the header and price sources and /metrics only. Valid: ${COMPLETION-CANDIDATES}.")
    Role role;

    @Option(names = "--alerts-port", paramLabel = "PORT",
            description = "Port of the Alertmanager webhook (POST /alerts) that publishes notifications to the"
                    + " alerts topic; binds to --metrics-address (default: 9337; -1: off).")
    Integer alertsPort;

    /** The settings after merging flags, config file and defaults. */
    record Settings(Path headers, Long startHeight, String network, Double speed, String bootstrapServers,
                    Path dataDir, int metricsPort, InetAddress metricsAddress, String applicationId, int partitions,
                    int kafkaPort, Map<String, String> kafka, EconomicsSettings economics, List<String> exchanges,
                    Path prices, LiveSource live, int alertsPort) {
        boolean embedded() {
            return bootstrapServers == null;
        }
    }

    /**
     * A live header source: {@code kind} bitcoind or esplora; {@code pollInterval} null for the source's default.
     * The URL may hold credentials: never log it unredacted (toString redacts).
     */
    record LiveSource(String kind, URI url, Path cookie, String zmq, int backfillBlocks, Duration pollInterval) {
        @Override
        public String toString() {
            return kind + " " + Redact.uri(url) + (zmq == null ? "" : " + ZMQ " + zmq);
        }
    }

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicInteger exitCode = new AtomicInteger(0);
    private volatile boolean shuttingDown;

    private HeaderPublisher publisher;
    private PricePublisher pricePublisher;
    private PriceReplay priceReplay;
    private Thread priceThread;
    private final List<FeedConnection> feeds = new ArrayList<>();
    private ChainFollower follower;
    private ChainPublisher chainPublisher;
    private ZmqBlockNotifier zmqNotifier;
    private Thread publisherThread;
    private HashwatchStreams streams;
    private MetricsServer metricsServer;
    private AlertWebhook alertWebhook;
    private AlertPublisher alertPublisher;
    private JvmMetrics jvmMetrics;
    private PrometheusMeterRegistry registry;
    private EmbeddedKafka broker;

    /** Merges and checks the settings; any problem is a {@link UsageException} saying what to fix. */
    Settings resolve() {
        ConfigFile file = config == null ? ConfigFile.none() : ConfigFile.load(config, SETTINGS);
        Path headersFile = headers != null ? headers : file.path("headers");
        Long start = startHeight != null ? startHeight : parseLong(file, "start-height");
        String net = first(network, file.get("network"), "mainnet");
        Double spd = speed != null ? speed : parseDouble(file, "speed");
        String bootstrap = first(bootstrapServers, file.get("bootstrap-servers"), null);
        Path data = dataDir != null ? dataDir : Optional.ofNullable(file.path("data-dir")).orElse(Path.of("data"));
        int port = metricsPort != null ? metricsPort : Optional.ofNullable(parseInt(file, "metrics-port")).orElse(9336);
        String address = first(metricsAddress, file.get("metrics-address"), "127.0.0.1");
        String appId = first(applicationId, file.get("application-id"), StreamsSettings.DEFAULT_APPLICATION_ID);
        int parts = partitions != null ? partitions : Optional.ofNullable(parseInt(file, "partitions")).orElse(1);
        int kPort = kafkaPort != null ? kafkaPort : Optional.ofNullable(parseInt(file, "kafka-port")).orElse(0);
        int aPort = alertsPort != null ? alertsPort : Optional.ofNullable(parseInt(file, "alerts-port")).orElse(9337);
        if (aPort < -1 || aPort > 65535) {
            throw new UsageException("alerts port " + aPort + " is out of range: use 0..65535, or -1 for no webhook"
                    + " (--alerts-port)");
        }

        if (port < 0 || port > 65535) {
            throw new UsageException("metrics port " + port + " is out of range: use 0..65535 (--metrics-port)");
        }
        if (kPort < 0 || kPort > 65535) {
            throw new UsageException("kafka port " + kPort + " is out of range: use 0..65535 (--kafka-port)");
        }
        if (parts < 1) {
            throw new UsageException("partitions must be >= 1 (--partitions), got " + parts);
        }
        if (Network.byName(net).isEmpty()) {
            throw new UsageException("unknown network '" + net + "' (--network): use one of " + networks());
        }
        if (bootstrap != null && bootstrap.isBlank()) {
            throw new UsageException("--bootstrap-servers is empty");
        }
        if (appId.isBlank()) {
            throw new UsageException("--application-id is empty");
        }
        InetAddress bind;
        try {
            bind = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new UsageException("metrics address '" + address + "' does not resolve (--metrics-address)");
        }
        if (headersFile == null) {
            if (start != null) {
                throw new UsageException("--start-height only applies to a --headers replay; give --headers FILE");
            }
        } else {
            PathChecks.checkReadableFile(headersFile, "--headers");
            if (start == null) {
                throw new UsageException("--headers needs --start-height N: the height of the first header in "
                        + headersFile);
            }
            if (start < 0) {
                throw new UsageException("--start-height must be >= 0, got " + start);
            }
            if (spd != null && (!(spd > 0) || spd.isInfinite())) {
                throw new UsageException("--speed must be a number > 0 (1 = real time, 600 = ten minutes a"
                        + " second), got " + spd);
            }
        }
        if (bootstrap == null && Files.exists(data) && !Files.isDirectory(data)) {
            throw new UsageException("data directory " + data + " is a file (--data-dir)");
        }
        Path economicsFile = economics != null ? economics : file.path("economics");
        EconomicsSettings economicsSettings;
        try {
            economicsSettings = economicsFile == null ? EconomicsSettings.defaults()
                    : EconomicsSettings.load(economicsFile);
        } catch (ConfigException e) {
            throw new UsageException("--economics: " + e.getMessage());
        }
        List<String> feeds = new ArrayList<>();
        for (String id : first(exchanges, file.get("exchanges"), DEFAULT_EXCHANGES).split(",")) {
            String e = id.trim().toLowerCase(java.util.Locale.ROOT);
            if (e.isEmpty() || e.equals("none")) {
                continue;
            }
            if (!List.of(DEFAULT_EXCHANGES.split(",")).contains(e)) {
                throw new UsageException("unknown exchange '" + e + "' (--exchanges): use coinbase, kraken, bitstamp"
                        + " or none");
            }
            feeds.add(e);
        }
        Path pricesFile = prices != null ? prices : file.path("prices");
        if (pricesFile != null) {
            PathChecks.checkReadableFile(pricesFile, "--prices");
        }
        LiveSource live = resolveLive(file, headersFile != null);
        return new Settings(headersFile, start, Network.byName(net).get().id(), spd, bootstrap, data, port, bind,
                appId, parts, kPort, file.kafka(), economicsSettings, List.copyOf(feeds), pricesFile, live, aPort);
    }

    /** The live header source, or null (a --headers replay, or --esplora none). */
    private LiveSource resolveLive(ConfigFile file, boolean replay) {
        String btc = first(bitcoind, file.get("bitcoind"), null);
        Path cookie = bitcoindCookie != null ? bitcoindCookie : file.path("bitcoind-cookie");
        String zmqEndpoint = first(zmq, file.get("zmq"), null);
        String esp = first(esplora, file.get("esplora"), null);
        Integer backfill = backfillBlocks != null ? backfillBlocks : parseInt(file, "backfill-blocks");
        Double poll = pollInterval != null ? pollInterval : parseDouble(file, "poll-interval");
        if (replay) {
            if (btc != null || esp != null || zmqEndpoint != null || cookie != null) {
                throw new UsageException("--headers replays a file and excludes the live header sources: drop"
                        + " --bitcoind, --bitcoind-cookie, --zmq and --esplora (or --headers)");
            }
            return null;
        }
        if (btc != null && esp != null) {
            throw new UsageException("--bitcoind and --esplora are both given: choose one live header source");
        }
        if (btc == null && zmqEndpoint != null) {
            throw new UsageException("--zmq needs --bitcoind: ZMQ notifications come from a Bitcoin Core node");
        }
        if (btc == null && cookie != null) {
            throw new UsageException("--bitcoind-cookie needs --bitcoind");
        }
        if (zmqEndpoint != null && !zmqEndpoint.matches("tcp://[^\\s/]+:\\d{1,5}")) {
            throw new UsageException("--zmq must be tcp://HOST:PORT (bitcoind's -zmqpubhashblock), got '"
                    + zmqEndpoint + "'");
        }
        int backfillN = backfill != null ? backfill : ChainSettings.DEFAULT_BACKFILL_BLOCKS;
        if (backfillN < 1) {
            throw new UsageException("--backfill-blocks must be >= 1, got " + backfillN);
        }
        Duration pollEvery = null;
        if (poll != null) {
            if (!(poll > 0) || poll.isInfinite() || poll > 86_400) {
                throw new UsageException("--poll-interval must be a number of seconds > 0 (at most 86400), got "
                        + poll);
            }
            pollEvery = Duration.ofMillis(Math.max(1, Math.round(poll * 1000)));
        }
        if (btc != null) {
            return new LiveSource(BitcoindClient.ID, httpUrl(btc, "--bitcoind"), cookie, zmqEndpoint, backfillN,
                    pollEvery);
        }
        if (esp != null && esp.trim().equalsIgnoreCase("none")) {
            return null;
        }
        return new LiveSource(EsploraClient.ID, httpUrl(esp != null ? esp : EsploraClient.MEMPOOL_SPACE,
                "--esplora"), null, null, backfillN, pollEvery);
    }

    private static URI httpUrl(String text, String flag) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new UsageException(flag + " is not a URL: '" + Redact.uri(text) + "'");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http")
                || uri.getScheme().equalsIgnoreCase("https")) || uri.getHost() == null) {
            throw new UsageException(flag + " must be an http:// or https:// URL with a host, e.g. "
                    + (flag.equals("--bitcoind") ? "http://127.0.0.1:8332" : EsploraClient.MEMPOOL_SPACE)
                    + "; got '" + Redact.uri(text) + "'");
        }
        return uri;
    }

    static String networks() {
        return java.util.Arrays.stream(Network.values()).map(Network::id)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    @Override
    public Integer call() throws Exception {
        Settings s = resolve();
        HeaderFileSource source = null;
        if (s.headers() != null) {
            try {
                source = new HeaderFileSource(s.headers(), s.startHeight(), s.network());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        Thread hook = new Thread(this::requestStop, "hashwatch-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            start(s, source);
            stopRequested.await();
        } catch (RuntimeException | Error | InterruptedException e) {
            exitCode.compareAndSet(0, Hashwatch.EXIT_FAILURE);
            shutdown();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e;
        } finally {
            shutdown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down: the hook is running and waits for shutdown() above
            }
        }
        return exitCode.get();
    }

    private void start(Settings s, HeaderFileSource source) throws IOException {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        jvmMetrics = new JvmMetrics(registry);
        InetSocketAddress metricsAt = new InetSocketAddress(s.metricsAddress(), s.metricsPort());
        try {
            metricsServer = new MetricsServer(metricsAt, registry);
        } catch (IOException e) {
            throw new UsageException("cannot serve metrics on " + metricsAt.getHostString() + ":"
                    + metricsAt.getPort() + ": " + e.getMessage()
                    + " (is the port in use? choose another --metrics-port)");
        }
        log.info("metrics on http://{}:{}/metrics", metricsServer.address().getHostString(),
                metricsServer.address().getPort());

        String bootstrap = s.bootstrapServers();
        if (s.embedded()) {
            broker = EmbeddedKafka.start(s.dataDir().resolve("kafka"), s.kafkaPort());
            bootstrap = broker.bootstrapServers();
        }
        Map<String, Object> adminProps = new HashMap<>(s.kafka());
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(adminProps)) {
            TopicSetup.createAll(admin, s.partitions(), s.embedded() ? Optional.of((short) 1) : Optional.empty(),
                    Duration.ofSeconds(60));
        }

        if (role == Role.sources) {
            log.info("role sources: no streams app here");
        } else {
            startStreams(s, bootstrap);
        }
        if (role == Role.streams) {
            log.info("role streams: no sources here");
        } else {
            startSources(s, source, bootstrap);
        }
    }

    private void startStreams(Settings s, String bootstrap) {
        if (s.alertsPort() >= 0) {
            alertPublisher = new AlertPublisher(bootstrap, s.kafka());
            InetSocketAddress alertsAt = new InetSocketAddress(s.metricsAddress(), s.alertsPort());
            try {
                alertWebhook = new AlertWebhook(alertsAt, alertPublisher, registry, System::currentTimeMillis);
            } catch (IOException e) {
                quietly("alert producer", alertPublisher::close);
                throw new UsageException("cannot serve the alert webhook on " + alertsAt.getHostString() + ":"
                        + alertsAt.getPort() + ": " + e.getMessage() + " (choose another --alerts-port, or -1)");
            }
        }

        StreamsSettings streamsSettings = new StreamsSettings(bootstrap, s.applicationId(),
                s.dataDir().resolve("streams").toAbsolutePath(), s.embedded() ? 1 : -1,
                StreamsSettings.DEFAULT_COMMIT_INTERVAL_MS,
                s.embedded() ? StreamsLifecycle.embeddedDefaults(s.kafka()) : s.kafka());
        streams = new HashwatchStreams(streamsSettings, s.economics(), registry);
        StreamThreadFailures failures = new StreamThreadFailures(System::nanoTime);
        streams.kafkaStreams().setUncaughtExceptionHandler(e -> {
            var response = failures.onFailure();
            if (response == org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
                    .StreamThreadExceptionResponse.REPLACE_THREAD) {
                log.warn("a stream thread failed; replacing it (it resumes from the last commit): {}", e.toString());
                return response;
            }
            log.error("stream threads failed {} times within {} min; stopping", StreamThreadFailures.MAX_REPLACEMENTS
                    + 1, StreamThreadFailures.WINDOW.toMinutes(), e);
            exitCode.compareAndSet(0, Hashwatch.EXIT_FAILURE);
            requestStopAsync();
            return response;
        });
        streams.start();
        log.info("streams app '{}' started on {}", s.applicationId(), bootstrap);
    }

    private void startSources(Settings s, HeaderFileSource source, String bootstrap) {
        Pacing pacing = s.speed() == null ? Pacing.asFastAsPossible() : Pacing.accelerated(s.speed());
        if (!s.exchanges().isEmpty() || s.prices() != null) {
            pricePublisher = new PricePublisher(bootstrap, s.kafka());
            for (String id : s.exchanges()) {
                feeds.add(new FeedConnection(ExchangeFeed.byId(id), FeedSettings.DEFAULTS, pricePublisher, registry)
                        .start());
            }
            log.info("live price feeds: {}", s.exchanges().isEmpty() ? "none" : String.join(", ", s.exchanges()));
        }
        if (s.prices() != null) {
            PriceCsvSource priceSource;
            try {
                priceSource = PriceCsvSource.read(s.prices());
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                throw new UsageException("--prices " + s.prices() + ": " + e.getMessage());
            }
            priceReplay = new PriceReplay();
            priceThread = new Thread(() -> {
                priceReplay.replay(priceSource, pricePublisher, pacing);
                pricePublisher.flush();
                log.info("replay of {} price ticks from {} done", priceSource.size(), s.prices());
            }, "hashwatch-price-replay");
            priceThread.start();
        }
        if (source == null && s.live() != null) {
            startLive(s.live(), bootstrap, s.kafka());
        } else if (source == null) {
            log.info("no header source (--esplora none): serving the pipeline on {} until Ctrl-C", bootstrap);
        } else {
            publisher = new HeaderPublisher(bootstrap, s.kafka());
            HeaderFileSource src = source;
            Iterable<HeaderRecord> remaining = remainingOf(src, bootstrap, s.kafka(), pacing);
            publisherThread = new Thread(() -> {
                try {
                    HeaderPublisher.Result r = publisher.publish(remaining, pacing);
                    if (!r.stopped()) {
                        log.info("replay of {} done; serving the pipeline until Ctrl-C", src.file());
                    }
                } catch (RuntimeException e) {
                    if (!shuttingDown) {
                        log.error("replaying {} failed; stopping", src.file(), e);
                        exitCode.compareAndSet(0, Hashwatch.EXIT_FAILURE);
                        requestStopAsync();
                    }
                }
            }, "hashwatch-header-replay");
            publisherThread.start();
        }
    }

    /**
     * What of the file is not on the headers topic yet: the headers above the topic's last one for the network when
     * that one is the file's header at its height (a run stopped mid-replay and started again), else the whole file
     * (the duplicates are recognized downstream; a file that does not continue the topic is replayed as given).
     */
    private Iterable<HeaderRecord> remainingOf(HeaderFileSource src, String bootstrap, Map<String, String> kafka,
                                               Pacing pacing) {
        PublishedChain published;
        try {
            published = new HeadersTopicTail(bootstrap, kafka, TOPIC_TAIL_TIMEOUT).load(src.network(), 1);
        } catch (SourceException e) {
            log.warn("cannot read the end of the headers topic ({}): replaying the whole file", e.getMessage());
            published = new PublishedChain(src.network(), 1);
        }
        if (!published.isEmpty() && published.lastHeight() >= src.startHeight()
                && published.lastHeight() <= src.lastHeight()
                && published.lastHash().equals(src.hashAt(published.lastHeight()))) {
            log.info("the headers topic already ends with this file's header at height {}: replaying {}..{} from {}"
                    + " ({})", published.lastHeight(), published.lastHeight() + 1, src.lastHeight(), src.file(),
                    pacing);
            return src.after(published.lastHeight());
        }
        if (!published.isEmpty()) {
            log.info("the headers topic ends at height {} ({}), which this file does not continue", published
                    .lastHeight(), published.lastHash());
        }
        log.info("replaying {} headers {}..{} from {} ({})", src.count(), src.startHeight(), src.lastHeight(),
                src.file(), pacing);
        return src;
    }

    /** Starts following a live header source: its client, the topic's tail, a publisher, ZMQ if given. */
    private void startLive(LiveSource live, String bootstrap, Map<String, String> kafka) {
        ChainSourceMetrics metrics = new ChainSourceMetrics(registry, live.kind());
        SourceLog sourceLog = new SourceLog(live.kind());
        ChainSettings settings = live.kind().equals(BitcoindClient.ID) ? ChainSettings.bitcoind(live.zmq() != null)
                : ChainSettings.esplora();
        settings = settings.withBackfillBlocks(live.backfillBlocks());
        if (live.pollInterval() != null) {
            settings = settings.withPollInterval(live.pollInterval());
        }
        ChainSource client;
        if (live.kind().equals(BitcoindClient.ID)) {
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
        } else {
            log.info("live headers from the Esplora API at {}", Redact.uri(live.url()));
            client = new EsploraClient(live.url(), settings, metrics, sourceLog);
        }
        chainPublisher = new ChainPublisher(bootstrap, kafka);
        follower = new ChainFollower(client, settings, chainPublisher,
                new HeadersTopicTail(bootstrap, kafka, TOPIC_TAIL_TIMEOUT), sourceLog).start();
        if (live.zmq() != null) {
            ChainFollower f = follower;
            zmqNotifier = new ZmqBlockNotifier(live.zmq(), hash -> f.wakeUp(), metrics, sourceLog).start();
        }
    }

    /** Asks the running command to stop and waits until it has (what Ctrl-C does). */
    public void requestStop() {
        stopRequested.countDown();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void requestStopAsync() {
        stopRequested.countDown();
    }

    /** Stops what was started, in order: producer, streams, metrics server, broker. Idempotent. */
    private synchronized void shutdown() {
        if (stopped.getCount() == 0) {
            return;
        }
        shuttingDown = true;
        log.info("shutting down");
        try {
            for (FeedConnection feed : feeds) {
                quietly("price feed " + feed.feed().id(), feed::close);
            }
            if (priceReplay != null) {
                priceReplay.stop();
                priceThread.join(30_000);
            }
            if (pricePublisher != null) {
                quietly("price producer", pricePublisher::close);
            }
            if (zmqNotifier != null) {
                quietly("ZMQ subscriber", zmqNotifier::close);
            }
            if (follower != null) {
                quietly("live header source", follower::close);
            }
            if (chainPublisher != null) {
                quietly("header producer", chainPublisher::close);
            }
            if (publisher != null) {
                publisher.stop();
                if (publisherThread != null) {
                    publisherThread.join(30_000);
                }
                quietly("producer", publisher::close);
            }
            if (streams != null) {
                KafkaStreams.State state = streams.state();
                quietly("streams app", streams::close); // leaves the consumer group
                log.info("streams app stopped (was {})", state);
            }
            if (metricsServer != null) {
                quietly("metrics server", metricsServer::close);
            }
            if (alertWebhook != null) {
                quietly("alert webhook", alertWebhook::close);
            }
            if (alertPublisher != null) {
                quietly("alert producer", alertPublisher::close);
            }
            if (jvmMetrics != null) {
                quietly("JVM metrics", jvmMetrics::close);
            }
            if (registry != null) {
                quietly("meter registry", registry::close);
            }
            if (broker != null) {
                quietly("embedded broker", broker::close);
            }
            log.info("stopped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    static void quietly(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("stopping the {} failed: {}", what, e.toString());
        }
    }

    private static String first(String flag, String fromFile, String dflt) {
        return flag != null ? flag : fromFile != null ? fromFile : dflt;
    }

    private static Long parseLong(ConfigFile f, String name) {
        String v = f.get(name);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException(f.where(name) + " is not a whole number: '" + v + "'");
        }
    }

    private static Integer parseInt(ConfigFile f, String name) {
        String v = f.get(name);
        if (v == null) {
            return null;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException(f.where(name) + " is not a whole number: '" + v + "'");
        }
    }

    private static Double parseDouble(ConfigFile f, String name) {
        String v = f.get(name);
        if (v == null) {
            return null;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException(f.where(name) + " is not a number: '" + v + "'");
        }
    }
}
