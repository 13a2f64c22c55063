package io.hashwatch.launcher;

import io.hashwatch.config.StreamsSettings;
import io.hashwatch.launcher.RunSettings.Role;
import io.hashwatch.source.chain.BitcoindAuth;
import io.hashwatch.source.chain.EsploraClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hashwatch run}: the pipeline, long-running. Its options become one {@link RunSettings}; {@link Pipeline}
 * starts the parts in order (metrics, the embedded broker unless {@code --bootstrap-servers}, topics, the streams
 * app, the sources) and, at Ctrl-C, stops them in reverse.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the hashwatch pipeline until Ctrl-C.",
            "Without --bootstrap-servers an embedded single-node Kafka broker runs in this process, its data under"
                + " DATA_DIR/kafka (kept across runs) and the streams state under DATA_DIR/streams.",
            "Settings may also come from --config FILE (Java properties): keys named like the long options without"
                + " dashes (metrics-port=9336), and kafka.<property> keys passed to every Kafka client (TLS, SASL)."
                + " Options on the command line override the file."})
public final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LogOptions logging;

    /** The file to replay, if any: {@code --headers}/{@code --blocks}, {@code --start-height}, {@code --network}. */
    @Mixin
    HeaderFileOptions replay;

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

    @Option(names = "--electrum", paramLabel = "URL", split = ",",
            description = "Live headers and proven coinbases from an Electrum server: ssl://HOST:PORT (TLS, the"
                    + " default scheme, port 50002) or tcp://HOST:PORT; repeat it (or separate by commas) for several:"
                    + " the one with the highest tip is followed, a failing or lagging one is left. Default when no"
                    + " header source is given: a bundled list of public servers, then mempool.space if none"
                    + " answers.")
    List<String> electrum;

    @Option(names = "--history-days", paramLabel = "DAYS", defaultValue = RunSettings.DEFAULT_HISTORY_DAYS,
            description = "Live source on an empty headers topic: publish the last DAYS x 144 blocks first, and"
                    + " with --exchanges their daily BTC-USD closes from the exchanges' REST history (default:"
                    + " ${DEFAULT-VALUE}: the yearly indicators' window with a margin). A restart resumes both where"
                    + " they stopped.")
    int historyDays;

    @Option(names = "--poll-interval", paramLabel = "SECONDS",
            description = "How often the live source's tip is asked for (default: bitcoind 10, with --zmq 60,"
                    + " esplora 30, electrum 60: its tips are pushed).")
    Double pollInterval;

    @Option(names = "--exchanges", paramLabel = "LIST", defaultValue = "coinbase,kraken,bitstamp",
            description = "Live BTC-USD trade feeds, comma-separated: coinbase, kraken, bitstamp, or none"
                    + " (default: ${DEFAULT-VALUE}). Unreachable feeds are retried with backoff.")
    String exchanges;

    @Option(names = "--prices", paramLabel = "FILE",
            description = "Replay a BTC-USD OHLC price file (one tick per bar close), paced like --headers.")
    Path prices;

    @Mixin
    EconomicsOption economics;

    @Option(names = "--pools", paramLabel = "FILE",
            description = "Mining-pools list (mempool/mining-pools pools-v2.json format) to attribute blocks by;"
                    + " default: the bundled pools-v2.json.")
    Path pools;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Use this Kafka cluster instead of the embedded broker.")
    String bootstrapServers;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
            description = "Broker data, streams state and the Kafka log file (default: ./${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9336",
            description = "Port of /metrics (default: ${DEFAULT-VALUE}; 0: any).")
    int metricsPort;

    @Option(names = "--metrics-address", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address /metrics binds to (default: ${DEFAULT-VALUE}).")
    String metricsAddress;

    @Option(names = "--application-id", paramLabel = "ID", defaultValue = StreamsSettings.DEFAULT_APPLICATION_ID,
            description = "Kafka Streams application id (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--stream-threads", paramLabel = "N",
            description = "Kafka Streams threads of this instance (default: the number of cores, here ${DEFAULT-VALUE}).")
    int streamThreads = StreamsSettings.DEFAULT_STREAM_THREADS;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "1",
            description = "Partitions of topics created (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "0",
            description = "Client port of the embedded broker (default: the last run's if free, else any free).")
    int kafkaPort;

    @Option(names = "--role", paramLabel = "ROLE", defaultValue = "all",
            description = "all (default): streams app and sources; streams: the streams app, /metrics and the alert"
                    + " webhook only; sources: the header and price sources and /metrics only. Valid: ${COMPLETION-CANDIDATES}.")
    Role role;

    @Option(names = "--alerts-port", paramLabel = "PORT", defaultValue = "9337",
            description = "Port of the Alertmanager webhook (POST /alerts) that publishes notifications to the"
                    + " alerts topic; binds to --metrics-address (default: 9337; -1: off).")
    int alertsPort;

    @Option(names = "--alerts-token-file", paramLabel = "FILE",
            description = "File holding the bearer token Alertmanager must send to the webhook (its http_config"
                    + " authorization credentials_file); without it a notification gets 401. Default: no token.")
    Path alertsTokenFile;

    @Option(names = "--config", paramLabel = "FILE", description = "Settings file (Java properties), see above.")
    Path config;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicInteger exitCode = new AtomicInteger(0);

    /** The options, with the config file's values for those not given, checked. */
    RunSettings settings() {
        ConfigFile file = config == null ? ConfigFile.none() : ConfigFile.apply(config, spec);
        return RunSettings.of(this, file.kafka());
    }

    @Override
    public Integer call() throws Exception {
        RunSettings settings = settings();
        logging.sendKafkaLogsTo(settings.dataDir().resolve("logs"));
        Thread hook = new Thread(this::requestStop, "hashwatch-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Pipeline pipeline = Pipeline.start(settings, this::fail)) {
            stopRequested.await();
        } catch (RuntimeException | Error | InterruptedException e) {
            exitCode.compareAndSet(0, Hashwatch.EXIT_FAILURE);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e;
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down: the hook is running and has waited for the stop above
            }
        }
        return exitCode.get();
    }

    /** A part failed for good: stop with exit code 1. */
    private void fail() {
        exitCode.compareAndSet(0, Hashwatch.EXIT_FAILURE);
        stopRequested.countDown();
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
}
