package io.hashwatch.launcher;

import io.hashwatch.bitcoin.Network;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.pools.PoolList;
import io.hashwatch.source.chain.BitcoindClient;
import io.hashwatch.source.chain.ChainSettings;
import io.hashwatch.source.chain.ElectrumServer;
import io.hashwatch.source.chain.ElectrumSource;
import io.hashwatch.source.chain.EsploraClient;
import io.hashwatch.source.chain.Redact;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code run} runs, checked: made once from the command line and the config file ({@link #of}), then only read.
 *
 * @param headers     a header file to replay, or null
 * @param blocks      a block file to replay ({@code --blocks}), or null; at most one of headers and blocks
 * @param startHeight the height of its first header (with {@code headers}; with {@code blocks} null for BIP34)
 * @param speed       replay pacing (times real time), or null for as fast as possible
 * @param kafka       client properties from the config file's {@code kafka.*} keys
 * @param live        the live header source, or null (a replay, or {@code --esplora none})
 * @param alertsPort  the webhook's port, -1 for none
 * @param pools       the mining-pools list ({@code --pools}, else the bundled one)
 * @param streamThreads Kafka Streams threads ({@code --stream-threads})
 * @param alertsTokenFile the webhook's bearer token file, checked readable and not empty, or null for none (the
 *                    token itself is read where it is used, so that no settings record holds it)
 */
record RunSettings(Role role, Path headers, Path blocks, Long startHeight, String network, Double speed, String bootstrapServers,
                   Path dataDir, int metricsPort, InetAddress metricsAddress, String applicationId, int partitions,
                   int kafkaPort, Map<String, String> kafka, EconomicsSettings economics, List<String> exchanges,
                   Path prices, LiveSource live, int alertsPort, PoolList pools, int streamThreads,
                   Path alertsTokenFile) {

    /** What this process runs: everything, or one side of a deployment with separate services. */
    enum Role {
        all, streams, sources;

        boolean runsStreams() {
            return this != sources;
        }

        boolean runsSources() {
            return this != streams;
        }
    }

    /** The exchanges {@code --exchanges} knows, in the order of its default. */
    static final List<String> EXCHANGES = List.of("coinbase", "kraken", "bitstamp");

    /**
     * A live header source: {@code kind} bitcoind, esplora or electrum; {@code pollInterval} null for the source's
     * default. The URL may hold credentials: never log it unredacted (toString redacts). With electrum, its
     * {@code servers}, and {@code url} the Esplora API to fall back to when none answers (the default run), else null.
     */
    record LiveSource(String kind, URI url, Path cookie, String zmq, int historyDays, Duration pollInterval,
                      List<ElectrumServer> servers) {
        LiveSource {
            servers = servers == null ? List.of() : List.copyOf(servers);
        }

        LiveSource(String kind, URI url, Path cookie, String zmq, int historyDays, Duration pollInterval) {
            this(kind, url, cookie, zmq, historyDays, pollInterval, List.of());
        }

        /** The blocks of {@code historyDays}, published first on an empty topic. */
        int backfillBlocks() {
            return historyDays * ChainSettings.BLOCKS_PER_DAY;
        }

        @Override
        public String toString() {
            if (!servers.isEmpty()) {
                return kind + " " + servers + (url == null ? "" : " (else esplora " + Redact.uri(url) + ")");
            }
            return kind + " " + Redact.uri(url) + (zmq == null ? "" : " + ZMQ " + zmq);
        }
    }

    boolean embedded() {
        return bootstrapServers == null;
    }

    /** Checks the options; any problem is a {@link UsageException} that says what to fix. */
    static RunSettings of(RunCommand o, Map<String, String> kafka) {
        checkPort(o.metricsPort, "metrics port", "--metrics-port", "0..65535");
        checkPort(o.kafkaPort, "kafka port", "--kafka-port", "0..65535");
        if (o.alertsPort != -1) {
            checkPort(o.alertsPort, "alerts port", "--alerts-port", "0..65535, or -1 for no webhook");
        }
        if (o.partitions < 1) {
            throw new UsageException("partitions must be >= 1 (--partitions), got " + o.partitions);
        }
        PathChecks.checkNetwork(o.replay.network);
        if (o.bootstrapServers != null && o.bootstrapServers.isBlank()) {
            throw new UsageException("--bootstrap-servers is empty");
        }
        if (o.applicationId.isBlank()) {
            throw new UsageException("--application-id is empty");
        }
        if (o.streamThreads < 1) {
            throw new UsageException("--stream-threads must be at least 1, got " + o.streamThreads);
        }
        InetAddress bind;
        try {
            bind = InetAddress.getByName(o.metricsAddress);
        } catch (UnknownHostException e) {
            throw new UsageException("metrics address '" + o.metricsAddress + "' does not resolve (--metrics-address)");
        }
        checkReplay(o);
        if (o.bootstrapServers == null && Files.exists(o.dataDir) && !Files.isDirectory(o.dataDir)) {
            throw new UsageException("data directory " + o.dataDir + " is a file (--data-dir)");
        }
        EconomicsSettings economics = o.economics.settings();
        if (o.prices != null) {
            PathChecks.checkReadableFile(o.prices, "--prices");
        }
        if (o.alertsTokenFile != null) {
            alertsToken(o.alertsTokenFile);
        }
        PoolList pools;
        try {
            pools = o.pools == null ? PoolList.bundled() : PoolList.fromFile(o.pools);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--pools: " + e.getMessage());
        }
        HeaderFileOptions r = o.replay;
        return new RunSettings(o.role, r.headers, r.blocks, r.startHeight, Network.byName(r.network).get().id(), o.speed,
                o.bootstrapServers, o.dataDir, o.metricsPort, bind, o.applicationId, o.partitions, o.kafkaPort,
                Map.copyOf(kafka), economics, exchanges(o.exchanges), o.prices, live(o), o.alertsPort, pools,
                o.streamThreads, o.alertsTokenFile);
    }

    /** The webhook's token: the file's text without surrounding white space, as Alertmanager reads it. */
    static String alertsToken(Path file) {
        PathChecks.checkReadableFile(file, "--alerts-token-file");
        String token;
        try {
            token = Files.readString(file).strip();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UsageException("--alerts-token-file " + file + " cannot be read: " + e.getMessage());
        }
        if (token.isEmpty() || token.contains("\n")) {
            throw new UsageException("--alerts-token-file " + file + " must hold one token on one line");
        }
        return token;
    }

    private static void checkPort(int port, String what, String flag, String range) {
        if (port < 0 || port > 65535) {
            throw new UsageException(what + " " + port + " is out of range: use " + range + " (" + flag + ")");
        }
    }

    private static void checkReplay(RunCommand o) {
        o.replay.checkOptional();
        if (o.replay.given()) {
            checkSpeed(o);
        }
    }

    private static void checkSpeed(RunCommand o) {
        if (o.speed != null && (!(o.speed > 0) || o.speed.isInfinite())) {
            throw new UsageException("--speed must be a number > 0 (1 = real time, 600 = ten minutes a second), got "
                    + o.speed);
        }
    }

    private static List<String> exchanges(String list) {
        List<String> feeds = new ArrayList<>();
        for (String id : list.split(",")) {
            String e = id.trim().toLowerCase(Locale.ROOT);
            if (e.isEmpty() || e.equals("none")) {
                continue;
            }
            if (!EXCHANGES.contains(e)) {
                throw new UsageException("unknown exchange '" + e + "' (--exchanges): use "
                        + String.join(", ", EXCHANGES) + " or none");
            }
            feeds.add(e);
        }
        return List.copyOf(feeds);
    }

    /** The live header source, or null (a --headers replay, or --esplora none). */
    private static LiveSource live(RunCommand o) {
        if (o.replay.given()) {
            String flag = o.replay.headers != null ? "--headers" : "--blocks";
            if (o.bitcoind != null || o.esplora != null || o.zmq != null || o.bitcoindCookie != null
                    || o.electrum != null) {
                throw new UsageException(flag + " replays a file and excludes the live header sources: drop"
                        + " --bitcoind, --bitcoind-cookie, --zmq, --esplora and --electrum (or " + flag + ")");
            }
            return null;
        }
        List<String> given = new ArrayList<>();
        if (o.bitcoind != null) {
            given.add("--bitcoind");
        }
        if (o.esplora != null) {
            given.add("--esplora");
        }
        if (o.electrum != null) {
            given.add("--electrum");
        }
        if (given.size() > 1) {
            throw new UsageException(String.join(" and ", given) + " are both given: choose one live header source");
        }
        if (o.bitcoind == null && o.zmq != null) {
            throw new UsageException("--zmq needs --bitcoind: ZMQ notifications come from a Bitcoin Core node");
        }
        if (o.bitcoind == null && o.bitcoindCookie != null) {
            throw new UsageException("--bitcoind-cookie needs --bitcoind");
        }
        if (o.zmq != null && !o.zmq.matches("tcp://[^\\s/]+:\\d{1,5}")) {
            throw new UsageException("--zmq must be tcp://HOST:PORT (bitcoind's -zmqpubhashblock), got '" + o.zmq
                    + "'");
        }
        if (o.historyDays < 1 || o.historyDays > MAX_HISTORY_DAYS) {
            throw new UsageException("--history-days must be 1.." + MAX_HISTORY_DAYS + ", got " + o.historyDays);
        }
        Duration pollEvery = null;
        if (o.pollInterval != null) {
            if (!(o.pollInterval > 0) || o.pollInterval.isInfinite() || o.pollInterval > 86_400) {
                throw new UsageException("--poll-interval must be a number of seconds > 0 (at most 86400), got "
                        + o.pollInterval);
            }
            pollEvery = Duration.ofMillis(Math.max(1, Math.round(o.pollInterval * 1000)));
        }
        if (o.bitcoind != null) {
            return new LiveSource(BitcoindClient.ID, httpUrl(o.bitcoind, "--bitcoind"), o.bitcoindCookie, o.zmq,
                    o.historyDays, pollEvery);
        }
        if (o.esplora != null && o.esplora.trim().equalsIgnoreCase("none")) {
            return null;
        }
        if (o.esplora != null) {
            return new LiveSource(EsploraClient.ID, httpUrl(o.esplora, "--esplora"), null, null, o.historyDays,
                    pollEvery);
        }
        // Electrum: the servers given, else the bundled public ones with mempool.space as the fallback.
        List<ElectrumServer> servers = new ArrayList<>();
        for (String url : o.electrum != null ? o.electrum : ElectrumSource.DEFAULT_SERVERS) {
            try {
                ElectrumServer server = ElectrumServer.parse(url);
                if (!servers.contains(server)) {
                    servers.add(server);
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException("--electrum: " + e.getMessage());
            }
        }
        if (servers.isEmpty()) {
            throw new UsageException("--electrum needs at least one server: ssl://HOST:PORT or tcp://HOST:PORT");
        }
        return new LiveSource(ElectrumSource.ID, o.electrum != null ? null : URI.create(EsploraClient.MEMPOOL_SPACE),
                null, null, o.historyDays, pollEvery, servers);
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

    /** The default of {@code --history-days}, for the option's annotation. */
    static final String DEFAULT_HISTORY_DAYS = "" + ChainSettings.DEFAULT_HISTORY_DAYS;
    /** Since the genesis block, with room: older than that is all of the chain anyway. */
    static final int MAX_HISTORY_DAYS = 10_000;
}
