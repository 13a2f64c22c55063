package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.source.chain.BitcoindAuth;
import io.hashwatch.testing.RegtestChain;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertPathBuilderException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No credential reaches a log: {@code hashwatch run} in a separate JVM, given every kind of secret the project
 * takes, must not print any of them (nor a fragment of one) to stdout or stderr, and must not write one to a file
 * under its data directory. The child logs more than the shipped configuration does (hashwatch at DEBUG, Kafka at
 * INFO, which prints every client configuration), so the check covers what an operator who turns logging up sees.
 *
 * <p>The secrets are real, in use, and each is actually presented:
 * <ul>
 *   <li>a Kafka SASL/PLAIN password in {@code kafka.sasl.jaas.config} and a truststore password in
 *   {@code kafka.ssl.truststore.password} of the {@code --config} file, against a broker (the launcher's
 *   {@link EmbeddedKafka}) whose client listener accepts only SASL_SSL (TLS, then SASL/PLAIN). Its certificate is
 *   self-signed, made at test time by the JDK's {@code keytool} for 127.0.0.1 (the address the broker binds and
 *   advertises), so the clients verify the host name (the default {@code https} identification) and trust it only
 *   through the truststore: the run can only publish and process because every Kafka client it makes received the
 *   {@code kafka.*} settings (the pass-through of TLS/SASL settings, tested for real). A client given the same
 *   settings but no truststore is refused at the TLS handshake, so the listener really speaks TLS. The broker's
 *   keystore password is checked for too, though the child never gets it. Both store passwords are random per
 *   run;</li>
 *   <li>a Bitcoin Core password in the {@code --bitcoind} URL ({@code http://user:password@host:port}), a cookie file
 *   ({@code --bitcoind-cookie}), and the environment ({@value BitcoindAuth#USER_ENV},
 *   {@value BitcoindAuth#PASSWORD_ENV}, the only secrets the code reads from the environment), each presented to a
 *   small local node that checks the Authorization header; when it refuses one it echoes the credentials it got in
 *   its 401 body (as a careless proxy might), placed across the 160-character cut of the error snippet, so that a
 *   message quoting the body is the worst case.</li>
 * </ul>
 * The same runs show where the HTTP endpoints listen: loopback only by default (the metrics and webhook ports refuse
 * connections on 127.0.0.2, another loopback address), and where {@code metrics-address} says otherwise.
 */
class NoSecretsInLogsIntegrationTest {
    static final String KAFKA_PASSWORD = "KafkaS3cretPassw0rd";
    static final String URL_PASSWORD = "UrlS3cretPassw0rd";
    static final String COOKIE_PASSWORD = "C00kieS3cretValue9";
    static final String ENV_PASSWORD = "EnvS3cretPassw0rd";
    // Random per run: they protect stores generated per run, and no fixed password need sit in the code.
    static final String KEYSTORE_PASSWORD = randomPassword();
    static final String TRUSTSTORE_PASSWORD = randomPassword();

    @TempDir
    Path tmp;

    private static String randomPassword() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Every secret, and every Authorization value made of one. */
    private static List<String> secrets() {
        return List.of(KAFKA_PASSWORD, KEYSTORE_PASSWORD, TRUSTSTORE_PASSWORD, URL_PASSWORD, COOKIE_PASSWORD,
                ENV_PASSWORD, basic("rpcuser", URL_PASSWORD),
                basic("__cookie__", COOKIE_PASSWORD), basic("envuser", ENV_PASSWORD));
    }

    /** Fails if {@code text} holds a secret or any 8 consecutive characters of one. */
    static void assertNoSecret(String where, String text) {
        for (String s : secrets()) {
            for (int i = 0; i + 8 <= s.length(); i++) {
                String fragment = s.substring(i, i + 8);
                int at = text.indexOf(fragment);
                if (at >= 0) {
                    fail(where + " shows '" + fragment + "' of a secret: ..."
                            + text.substring(Math.max(0, at - 200), Math.min(text.length(), at + 100)) + "...");
                }
            }
        }
    }

    /**
     * A Bitcoin Core JSON-RPC node serving a regtest chain to the one Authorization it accepts; anything else gets a
     * 401 whose body echoes the credentials received, starting at character 150.
     */
    private static final class Node implements AutoCloseable {
        final RegtestChain chain = RegtestChain.fromGenesis(29);
        final AtomicReference<String> accepted = new AtomicReference<>();
        final Set<String> received = ConcurrentHashMap.newKeySet();
        final HttpServer server;

        Node() throws IOException {
            chain.extend(30);
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", ex -> {
                try (ex) {
                    String auth = Optional.ofNullable(ex.getRequestHeaders().getFirst("Authorization")).orElse("");
                    received.add(auth);
                    byte[] body;
                    int status = 200;
                    if (!auth.equals("Basic " + accepted.get())) {
                        String decoded = auth.startsWith("Basic ") ? new String(Base64.getDecoder().decode(
                                auth.substring(6)), StandardCharsets.UTF_8) : "";
                        // The Authorization value whole, then the password from character 150 on.
                        String head = "denied: " + auth + " ";
                        int user = decoded.indexOf(':') + 1;
                        status = 401;
                        body = (head + "x".repeat(Math.max(0, 150 - head.length() - user)) + decoded)
                                .getBytes(StandardCharsets.UTF_8);
                    } else {
                        body = reply(Json.MAPPER.readTree(ex.getRequestBody().readAllBytes()));
                    }
                    ex.sendResponseHeaders(status, body.length);
                    ex.getResponseBody().write(body);
                }
            });
            server.start();
        }

        private byte[] reply(JsonNode req) {
            JsonNode p = req.path("params");
            ObjectNode reply = Json.MAPPER.createObjectNode();
            reply.set("id", req.get("id"));
            reply.putNull("error");
            switch (req.path("method").asText()) {
                case "getblockchaininfo" -> reply.putObject("result").put("chain", "regtest")
                        .put("blocks", chain.tipHeight()).put("bestblockhash", chain.tipHash())
                        .put("initialblockdownload", false);
                case "getblockhash" -> reply.put("result", chain.at(p.path(0).asLong()).hash());
                case "getblockheader" -> reply.put("result", chain.headers().stream()
                        .filter(b -> b.hash().equals(p.path(0).asText())).map(BlockHeader::hex).findFirst()
                        .orElse(null));
                case "getblockstats" -> reply.putObject("result").put("totalfee", 0).put("txs", 1);
                default -> reply.putObject("error").put("code", -32601).put("message", "Method not found");
            }
            return reply.toString().getBytes(StandardCharsets.UTF_8);
        }

        String url(String userInfo) {
            return "http://" + (userInfo == null ? "" : userInfo + "@") + "127.0.0.1:" + server.getAddress().getPort()
                    + "/";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** The broker's PKCS12 keystore and the clients' PKCS12 truststore (its certificate only). */
    private record Stores(Path keystore, Path truststore) {}

    /**
     * A self-signed RSA certificate for 127.0.0.1 (and localhost), made by the running JDK's keytool: a keystore for
     * the broker, and a truststore holding the exported certificate for the clients. The passwords reach keytool
     * through its environment ({@code -storepass:env}), not its command line.
     */
    private static Stores tlsStores(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path keystore = dir.resolve("broker.p12");
        Path cert = dir.resolve("broker.crt");
        Path truststore = dir.resolve("truststore.p12");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass:env", "KS_PASSWORD");
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storepass:env",
                "KS_PASSWORD", "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", truststore.toString(), "-storepass:env", "TS_PASSWORD");
        return new Stores(keystore, truststore);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("KS_PASSWORD", KEYSTORE_PASSWORD);
        pb.environment().put("TS_PASSWORD", TRUSTSTORE_PASSWORD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            fail("keytool " + args[0] + " failed: " + out);
        }
    }

    /** Kafka's client settings for the SASL_SSL listener without the truststore (without the kafka. prefix). */
    private static Map<String, String> saslWithoutTruststore() {
        return Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"hashwatch\" password=\""
                        + KAFKA_PASSWORD + "\";");
    }

    /**
     * Kafka's client settings for the SASL_SSL listener, as the --config file gives them (without the prefix).
     * Host name verification stays at its default ({@code https}): the certificate names 127.0.0.1.
     */
    private static Map<String, String> sasl(Stores stores) {
        Map<String, String> c = new java.util.HashMap<>(saslWithoutTruststore());
        c.put("ssl.truststore.location", stores.truststore().toString());
        c.put("ssl.truststore.password", TRUSTSTORE_PASSWORD);
        c.put("ssl.truststore.type", "PKCS12");
        return Map.copyOf(c);
    }

    /**
     * A single-node broker whose client listener takes SASL_SSL (SASL/PLAIN over TLS) only. EmbeddedKafka names that
     * listener PLAINTEXT whatever its protocol; the broker's own clients use it too (it is the inter-broker listener),
     * so it gets the truststore as well as the keystore. The CONTROLLER listener stays PLAINTEXT.
     */
    private static EmbeddedKafka saslSslBroker(Path dir, Stores stores) {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\""
                + " password=\"broker-pw\" user_broker=\"broker-pw\" user_hashwatch=\"" + KAFKA_PASSWORD + "\";";
        return EmbeddedKafka.start(dir, 0, Map.of(
                "listener.security.protocol.map", "PLAINTEXT:SASL_SSL,CONTROLLER:PLAINTEXT",
                "sasl.enabled.mechanisms", "PLAIN",
                "sasl.mechanism.inter.broker.protocol", "PLAIN",
                "listener.name.plaintext.plain.sasl.jaas.config", jaas,
                "listener.name.plaintext.ssl.keystore.type", "PKCS12",
                "listener.name.plaintext.ssl.keystore.location", stores.keystore().toString(),
                "listener.name.plaintext.ssl.keystore.password", KEYSTORE_PASSWORD,
                "listener.name.plaintext.ssl.truststore.type", "PKCS12",
                "listener.name.plaintext.ssl.truststore.location", stores.truststore().toString(),
                "listener.name.plaintext.ssl.truststore.password", TRUSTSTORE_PASSWORD));
    }

    /**
     * Fails unless a client with the SASL settings but without the truststore is refused at the TLS handshake: the
     * listener really speaks TLS, with a certificate only the truststore makes trusted.
     */
    private static void assertTlsRequired(String bootstrap) throws InterruptedException {
        Map<String, Object> c = new java.util.HashMap<>(saslWithoutTruststore());
        c.put("bootstrap.servers", bootstrap);
        c.put("default.api.timeout.ms", "20000");
        c.put("request.timeout.ms", "20000");
        try (Admin admin = Admin.create(c)) {
            admin.listTopics().names().get(30, TimeUnit.SECONDS);
            fail("a SASL_SSL client without the truststore listed the topics: no TLS, or an untrusted certificate"
                    + " accepted");
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof SslAuthenticationException, "refused at the TLS handshake, not: " + e);
            // A certificate path that could not be built: the broker sent a certificate, so TLS really ran (a
            // handshake cut short by a non-TLS listener would fail the same way, but without this cause).
            boolean untrusted = false;
            for (Throwable t = e; t != null && !untrusted; t = t.getCause()) {
                untrusted = t instanceof CertPathBuilderException;
            }
            assertTrue(untrusted, "the broker's certificate was untrusted without the truststore, not: " + e);
        } catch (java.util.concurrent.TimeoutException e) {
            fail("a SASL_SSL client without the truststore got no answer in 30 s, expected a TLS handshake failure");
        }
    }

    private Path config(String name, Stores stores, String... extra) throws IOException {
        List<String> lines = new ArrayList<>();
        sasl(stores).forEach((k, v) -> lines.add("kafka." + k + "=" + v.replace("\\", "\\\\")));
        lines.addAll(List.of(extra));
        Path f = tmp.resolve(name + ".properties");
        Files.write(f, lines);
        return f;
    }

    /** hashwatch at DEBUG, Kafka at INFO (every client configuration is logged), everything to stderr. */
    private Path verboseLogging() throws IOException {
        Path f = tmp.resolve("log4j2-verbose.xml");
        Files.writeString(f, """
                <?xml version="1.0" encoding="UTF-8"?>
                <Configuration status="WARN" shutdownHook="disable">
                  <Appenders>
                    <Console name="stderr" target="SYSTEM_ERR">
                      <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level [%t] %c{1} - %msg%n"/>
                    </Console>
                  </Appenders>
                  <Loggers>
                    <Logger name="io.hashwatch" level="DEBUG"/>
                    <Logger name="org.apache.kafka" level="INFO"/>
                    <Root level="INFO"><AppenderRef ref="stderr"/></Root>
                  </Loggers>
                </Configuration>
                """);
        return f;
    }

    /** The port of an endpoint from its start-up line, e.g. "metrics on http://127.0.0.1:PORT/metrics". */
    private static int port(String output, String line) {
        Matcher m = Pattern.compile(Pattern.quote(line) + " on http://([0-9.]+):(\\d+)/").matcher(output);
        assertTrue(m.find(), "no '" + line + "' line in:\n" + output);
        return Integer.parseInt(m.group(2));
    }

    private static boolean accepts(String address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(address), port), 2000);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            throw new AssertionError("connecting to " + address + ":" + port + ": " + e, e);
        }
    }

    private void assertNothingWritten(Path dataDir) throws IOException {
        if (!Files.exists(dataDir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertNoSecret(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
    }

    private static Map<String, String> env() {
        return Map.of(BitcoindAuth.USER_ENV, "envuser", BitcoindAuth.PASSWORD_ENV, ENV_PASSWORD);
    }

    @Test
    @Timeout(240)
    void noSecretInTheOutputOfRun() throws Exception {
        Path logging = verboseLogging();
        List<String> jvm = List.of("-Dlog4j2.configurationFile=" + logging.toUri());
        Stores stores = tlsStores(tmp.resolve("tls"));
        try (EmbeddedKafka kafka = saslSslBroker(tmp.resolve("kafka"), stores);
             Node node = new Node()) {
            String bootstrap = kafka.bootstrapServers();
            assertTlsRequired(bootstrap);
            Map<String, Object> adminConfig = new java.util.HashMap<>(sasl(stores));
            adminConfig.put("bootstrap.servers", bootstrap);
            try (Admin admin = Admin.create(adminConfig)) {
                TopicSetup.createAll(admin, 1, Optional.of((short) 1), Duration.ofSeconds(60));
            }

            // 1. Password in the --bitcoind URL (the environment's are set too, and must stay unused and unseen),
            // streams and sources, default bind address. The node takes the URL's credentials.
            node.accepted.set(basic("rpcuser", URL_PASSWORD));
            Path data1 = tmp.resolve("data-url");
            Path log1 = ChildJvm.logFile("no-secrets-url");
            try (ChildJvm child = ChildJvm.start(log1, env(), jvm, List.of("run", "--bootstrap-servers", bootstrap,
                    "--config", config("url", stores).toString(), "--bitcoind", node.url("rpcuser:" + URL_PASSWORD),
                    "--history-days", "1", "--poll-interval", "1", "--exchanges", "none", "--data-dir",
                    data1.toString(), "--metrics-port", "0", "--alerts-port", "0"));
                 PipelineOutput.CommittedKeys blocks = new PipelineOutput.CommittedKeys(bootstrap, sasl(stores),
                         Topics.BLOCKS.name())) {
                child.await(() -> blocks.count() >= 10, "the node's last 10 blocks through the SASL_SSL broker",
                        Duration.ofSeconds(120));
                String out = child.output();
                int metrics = port(out, "metrics");
                int webhook = port(out, "Alertmanager webhook");
                // The console names the live page's address (issue 22), on the metrics port.
                assertTrue(out.contains("open http://127.0.0.1:" + metrics + "/ for the live page"), out);
                java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + metrics + "/"))
                                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(200, page.statusCode());
                assertTrue(page.body().contains("<h1>hashwatch</h1>"), page.body());
                for (int p : new int[] {metrics, webhook}) {
                    assertTrue(accepts("127.0.0.1", p), "listening on 127.0.0.1:" + p);
                    assertTrue(!accepts("127.0.0.2", p), "loopback 127.0.0.1 only by default, not 127.0.0.2:" + p);
                }
                int rc = child.terminate(Duration.ofSeconds(60));
                assertTrue(rc == 0 || rc == ChildJvm.SIGTERM_EXIT, "clean stop, exit " + rc + ":\n" + child.tail());
                out = child.output();
                assertTrue(out.contains("live headers from bitcoind at http://***@127.0.0.1:"), out);
                assertTrue(out.contains("(user 'rpcuser' from the URL)"), out);
                assertTrue(out.contains("sasl.jaas.config = [hidden]"), "Kafka logged its client settings");
                assertTrue(out.contains("ssl.truststore.password = [hidden]"), "the truststore reached the clients");
                assertTrue(out.contains("security.protocol = SASL_SSL"), "the clients used SASL_SSL");
                assertTrue(out.contains("ssl.endpoint.identification.algorithm = https"), "host names verified");
                assertNoSecret("the output of run --bitcoind http://user:password@...", out);
            }
            assertTrue(node.received.contains("Basic " + basic("rpcuser", URL_PASSWORD)), "the URL's password was used");
            assertNothingWritten(data1);

            // 2. A cookie file, refused by the node (whose 401 echoes it): role sources only.
            Path cookie = tmp.resolve(".cookie");
            Files.writeString(cookie, "__cookie__:" + COOKIE_PASSWORD);
            node.accepted.set(basic("__cookie__", "another-one"));
            Path data2 = tmp.resolve("data-cookie");
            try (ChildJvm child = ChildJvm.start(ChildJvm.logFile("no-secrets-cookie"), env(), jvm, List.of("run",
                    "--role", "sources", "--bootstrap-servers", bootstrap, "--config", config("cookie", stores).toString(),
                    "--bitcoind", node.url(null), "--bitcoind-cookie", cookie.toString(), "--exchanges", "none",
                    "--data-dir", data2.toString(), "--metrics-port", "0"))) {
                child.awaitOutput("bitcoind refused the credentials (cookie file", Duration.ofSeconds(90));
                int rc = child.terminate(Duration.ofSeconds(60));
                assertTrue(rc == 0 || rc == ChildJvm.SIGTERM_EXIT, "clean stop, exit " + rc + ":\n" + child.tail());
                assertTrue(child.output().contains("(denied: Basic *** x"), child.output());
                assertNoSecret("the output of run --bitcoind-cookie", child.output());
            }
            assertTrue(node.received.contains("Basic " + basic("__cookie__", COOKIE_PASSWORD)), "the cookie was used");
            assertNothingWritten(data2);

            // 3. The environment's credentials, accepted; the endpoints on another address (metrics-address).
            node.accepted.set(basic("envuser", ENV_PASSWORD));
            Path data3 = tmp.resolve("data-env");
            try (ChildJvm child = ChildJvm.start(ChildJvm.logFile("no-secrets-env"), env(), jvm, List.of("run",
                    "--bootstrap-servers", bootstrap, "--config",
                    config("env", stores, "metrics-address=127.0.0.2").toString(), "--bitcoind", node.url(null),
                    "--poll-interval", "1", "--exchanges", "none", "--data-dir", data3.toString(), "--metrics-port",
                    "0", "--alerts-port", "0"))) {
                child.awaitOutput("resuming regtest after height " + node.chain.tipHeight(), Duration.ofSeconds(90));
                child.awaitOutput("Kafka Streams state REBALANCING -> RUNNING", Duration.ofSeconds(90));
                String out = child.output();
                for (int p : new int[] {port(out, "metrics"), port(out, "Alertmanager webhook")}) {
                    assertTrue(accepts("127.0.0.2", p), "listening on the configured 127.0.0.2:" + p);
                    assertTrue(!accepts("127.0.0.1", p), "not on 127.0.0.1:" + p);
                }
                int rc = child.terminate(Duration.ofSeconds(60));
                assertTrue(rc == 0 || rc == ChildJvm.SIGTERM_EXIT, "clean stop, exit " + rc + ":\n" + child.tail());
                assertTrue(child.output().contains("(user 'envuser' from " + BitcoindAuth.USER_ENV + ")"),
                        child.output());
                assertNoSecret("the output of run with " + BitcoindAuth.PASSWORD_ENV, child.output());
            }
            assertTrue(node.received.contains("Basic " + basic("envuser", ENV_PASSWORD)), "the environment's were used");
            assertNothingWritten(data3);
        }
    }
}
