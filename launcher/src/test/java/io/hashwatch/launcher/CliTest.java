package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.junit.jupiter.api.io.TempDir;

/** Bad arguments stop at start-up with a non-zero exit and a message naming the problem. */
class CliTest {
    @TempDir
    Path tmp;

    private Path headerFile() throws Exception {
        Path f = tmp.resolve("h.bin");
        Files.write(f, new byte[160]);
        return f;
    }

    /** The settings {@code run} would run with, given these arguments. */
    private static RunSettings runSettings(String... args) {
        CommandLine cl = Hashwatch.commandLine();
        String[] withRun = new String[args.length + 1];
        withRun[0] = "run";
        System.arraycopy(args, 0, withRun, 1, args.length);
        RunCommand run = cl.parseArgs(withRun).subcommand().commandSpec().commandLine().getCommand();
        return run.settings();
    }

    private static void assertFails(CommandRunner r, String... mentions) {
        assertNotEquals(0, r.exitCode(), r.err());
        for (String m : mentions) {
            assertTrue(r.err().contains(m), "stderr should mention '" + m + "':\n" + r.err());
        }
    }

    @Test
    void runWithAnEmptyAlertsTokenFile() throws Exception {
        Path empty = tmp.resolve("alerts_token");
        Files.writeString(empty, "  \n");
        CommandRunner r = CommandRunner.run("run", "--alerts-token-file", empty.toString());
        assertEquals(2, r.exitCode());
        assertFails(r, "--alerts-token-file", "one token on one line");
    }

    @Test
    void withoutACommandEveryCommandIsNamed() {
        CommandRunner r = CommandRunner.run();
        assertEquals(2, r.exitCode());
        assertFails(r, "a command is required (run, backfill, topics, refit, bench)");
    }

    @Test
    void backfillAndRunRefuseTheSameReplayOptionsAlike() throws Exception {
        Path blocks = tmp.resolve("b.blocks");
        Files.write(blocks, new byte[0]);
        String out = tmp.resolve("o").toString();
        for (List<String> command : List.of(List.of("run"), List.of("backfill", "--out", out))) {
            CommandRunner both = CommandRunner.run(args(command, "--headers", headerFile().toString(), "--blocks",
                    blocks.toString(), "--start-height", "0"));
            assertFails(both, "--headers and --blocks are both given: replay one file");
            CommandRunner negative = CommandRunner.run(args(command, "--headers", headerFile().toString(),
                    "--start-height", "-1"));
            assertFails(negative, "--start-height must be >= 0, got -1");
            CommandRunner noHeight = CommandRunner.run(args(command, "--headers", headerFile().toString()));
            assertFails(noHeight, "--headers needs --start-height N");
        }
    }

    private static String[] args(List<String> command, String... more) {
        List<String> all = new java.util.ArrayList<>(command);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void backfillWithAMissingHeaderFile() {
        Path missing = tmp.resolve("missing.bin");
        CommandRunner r = CommandRunner.run("backfill", "--headers", missing.toString(), "--start-height", "1",
                "--out", tmp.resolve("out").toString());
        assertFails(r, "--headers", missing.toString(), "does not exist");
        assertEquals(2, r.exitCode());
    }

    @Test
    void backfillWithoutStartHeight() throws Exception {
        CommandRunner r = CommandRunner.run("backfill", "--headers", headerFile().toString(), "--out",
                tmp.resolve("out").toString());
        assertFails(r, "--start-height");
    }

    @Test
    void backfillOfAFileNotMadeOfWholeHeaders() throws Exception {
        Path bad = tmp.resolve("bad.bin");
        Files.write(bad, new byte[100]);
        CommandRunner r = CommandRunner.run("backfill", "--headers", bad.toString(), "--start-height", "0",
                "--out", tmp.resolve("out").toString());
        assertFails(r, "not a multiple of 80");
    }

    @Test
    void backfillWithAPriceFileThatIsNotOne() throws Exception {
        CommandRunner r = CommandRunner.run("backfill", "--headers", headerFile().toString(), "--start-height", "0",
                "--prices", headerFile().toString(), "--out", tmp.resolve("out").toString());
        assertEquals(2, r.exitCode());
        assertFails(r, "--prices " + headerFile());
    }

    @Test
    void backfillWithABadEconomicsFile() throws Exception {
        Path yaml = tmp.resolve("economics.yaml");
        Files.writeString(yaml, "profiles:\n  - name: x\n    efficiency_joules_per_th: -1\n");
        CommandRunner r = CommandRunner.run("backfill", "--headers", headerFile().toString(), "--start-height", "0",
                "--economics", yaml.toString(), "--out", tmp.resolve("out").toString());
        assertEquals(2, r.exitCode());
        assertFails(r, "--economics");
    }

    @Test
    void blockFilesThatAreNotBlocksOrNeedAStartHeight() throws Exception {
        CommandRunner both = CommandRunner.run("backfill", "--headers", headerFile().toString(), "--blocks",
                headerFile().toString(), "--out", tmp.resolve("out").toString());
        assertFails(both, "--headers and --blocks are both given");
        assertEquals(2, both.exitCode());
        assertFails(CommandRunner.run("backfill", "--blocks", headerFile().toString(), "--start-height", "0",
                "--out", tmp.resolve("out").toString()), "not concatenated serialized blocks");
        assertFails(CommandRunner.run("backfill", "--out", tmp.resolve("out").toString()),
                "give --headers FILE or --blocks FILE");
        assertFails(CommandRunner.run("run", "--blocks", tmp.resolve("none.blocks").toString()), "none.blocks",
                "does not exist");
        assertFails(CommandRunner.run("run", "--blocks", headerFile().toString(), "--bitcoind",
                "http://127.0.0.1:8332"), "--blocks replays a file and excludes the live header sources");
    }

    @Test
    void runWithHeadersButNoStartHeight() throws Exception {
        CommandRunner r = CommandRunner.run("run", "--headers", headerFile().toString(), "--data-dir",
                tmp.resolve("data").toString());
        assertFails(r, "--headers needs --start-height");
        assertEquals(2, r.exitCode());
        assertTrue(Files.notExists(tmp.resolve("data")), "nothing started");
    }

    @Test
    void runWithAPoolListThatIsNotOne() throws Exception {
        Path pools = tmp.resolve("pools.json");
        Files.writeString(pools, "[{\"id\": 1, \"name\": \"A\", \"tags\": [\"(unclosed\"]}]");
        CommandRunner r = CommandRunner.run("run", "--headers", headerFile().toString(), "--start-height", "0",
                "--pools", pools.toString(), "--data-dir", tmp.resolve("data").toString());
        assertEquals(2, r.exitCode());
        assertFails(r, "--pools", "pool list " + pools, "not a regular expression");
        assertTrue(Files.notExists(tmp.resolve("data")), "nothing started");
    }

    @Test
    void runWithAMissingHeaderFile() {
        CommandRunner r = CommandRunner.run("run", "--headers", tmp.resolve("nope.bin").toString(),
                "--start-height", "5");
        assertFails(r, "nope.bin", "does not exist");
    }

    @Test
    void runWithABadPortOrConfigFile() throws Exception {
        assertFails(CommandRunner.run("run", "--metrics-port", "70000"), "metrics port 70000", "0..65535");
        assertFails(CommandRunner.run("run", "--metrics-port", "abc"), "--metrics-port", "abc");
        assertFails(CommandRunner.run("run", "--config", tmp.resolve("none.properties").toString()),
                "config file", "none.properties", "does not exist");

        Path conf = tmp.resolve("hashwatch.properties");
        Files.writeString(conf, "metrics-prot=9000\n");
        assertFails(CommandRunner.run("run", "--config", conf.toString()), "unknown setting 'metrics-prot'");

        Files.writeString(conf, "metrics-port=nine\n");
        assertFails(CommandRunner.run("run", "--config", conf.toString()), "'metrics-port'", "nine");

        // A flag overrides the file.
        Files.writeString(conf, "headers=h.bin\nstart-height=3\nkafka.security.protocol=SSL\n");
        Files.write(tmp.resolve("h.bin"), new byte[80]);
        RunSettings s = runSettings("--config", conf.toString(), "--start-height", "7");
        assertEquals(tmp.resolve("h.bin"), s.headers(), "relative to the config file");
        assertEquals(7L, s.startHeight());
        assertEquals(9336, s.metricsPort());
        assertEquals("SSL", s.kafka().get("security.protocol"));
        assertTrue(s.embedded());
    }

    @Test
    void unknownNetworkAndBadSpeed() throws Exception {
        assertFails(CommandRunner.run("run", "--headers", headerFile().toString(), "--start-height", "0",
                "--network", "dogecoin"), "unknown network 'dogecoin'", "mainnet, regtest, testnet4, signet");
        assertFails(CommandRunner.run("run", "--headers", headerFile().toString(), "--start-height", "0",
                "--network", "testnet3"), "unknown network 'testnet3'");
        for (String net : List.of("testnet4", "signet", "SIGNET")) {
            assertEquals(net.toLowerCase(Locale.ROOT), runSettings("--headers", headerFile().toString(),
                    "--start-height", "0", "--network", net).network());
        }
        assertFails(CommandRunner.run("run", "--headers", headerFile().toString(), "--start-height", "0",
                "--speed", "0"), "--speed must be a number > 0");
    }

    @Test
    void liveHeaderSourcesAndTheirSettings() throws Exception {
        // No header flag: the bundled public Electrum servers, mempool.space's API if none answers, the default
        // backfill.
        RunSettings d = runSettings();
        assertEquals("electrum", d.live().kind());
        assertEquals(io.hashwatch.source.chain.ElectrumSource.DEFAULT_SERVERS.size(), d.live().servers().size());
        assertEquals("https://mempool.space/api", d.live().url().toString(), "the fallback");
        assertEquals(400, d.live().historyDays());
        assertEquals(57_600, d.live().backfillBlocks(), "400 days of 144 blocks");
        assertEquals(null, d.live().pollInterval());

        RunSettings s = runSettings("--bitcoind", "http://rpc:pw1234@127.0.0.1:8332", "--zmq",
                "tcp://127.0.0.1:28332", "--history-days", "2", "--poll-interval", "2.5");
        assertEquals("bitcoind", s.live().kind());
        assertEquals("tcp://127.0.0.1:28332", s.live().zmq());
        assertEquals(288, s.live().backfillBlocks());
        assertEquals(java.time.Duration.ofMillis(2500), s.live().pollInterval());
        assertTrue(!s.live().toString().contains("pw1234") && !s.toString().contains("pw1234"), s.toString());

        assertEquals(null, runSettings("--esplora", "none").live());
        RunSettings e = runSettings("--esplora", "https://mempool.space/api");
        assertEquals("esplora", e.live().kind());

        // Electrum servers, repeated or comma-separated; no fallback when they are given.
        RunSettings el = runSettings("--electrum", "ssl://a.example:50002", "--electrum", "tcp://b.example,c.example");
        assertEquals("electrum", el.live().kind());
        assertEquals(List.of("ssl://a.example:50002", "tcp://b.example:50001", "ssl://c.example:50002"),
                el.live().servers().stream().map(Object::toString).toList());
        assertEquals(null, el.live().url());

        // The same from a config file; a flag overrides it.
        Path conf = tmp.resolve("live.properties");
        Files.writeString(conf, "esplora=http://127.0.0.1:3002/api\nhistory-days=3\npoll-interval=5\n");
        RunSettings f = runSettings("--config", conf.toString());
        assertEquals("http://127.0.0.1:3002/api", f.live().url().toString());
        assertEquals(432, f.live().backfillBlocks());
        assertEquals(java.time.Duration.ofSeconds(5), f.live().pollInterval());
        assertEquals(7, runSettings("--config", conf.toString(), "--history-days", "7").live().historyDays());

        // A replay has no live source.
        assertEquals(null, runSettings("--headers", headerFile().toString(), "--start-height", "0").live());
    }

    @Test
    void badLiveSourceSettings() throws Exception {
        assertFails(CommandRunner.run("run", "--headers", headerFile().toString(), "--start-height", "0",
                "--bitcoind", "http://127.0.0.1:8332"), "--headers replays a file and excludes the live header"
                + " sources");
        assertFails(CommandRunner.run("run", "--headers", headerFile().toString(), "--start-height", "0",
                "--esplora", "https://mempool.space/api"), "excludes the live header sources");
        assertFails(CommandRunner.run("run", "--bitcoind", "http://127.0.0.1:8332", "--esplora",
                "https://mempool.space/api"), "choose one live header source");
        assertFails(CommandRunner.run("run", "--electrum", "ssl://a.example", "--esplora",
                "https://mempool.space/api"), "--esplora and --electrum are both given");
        assertFails(CommandRunner.run("run", "--electrum", "http://a.example:50002"), "--electrum:",
                "is not ssl or tcp");
        assertFails(CommandRunner.run("run", "--zmq", "tcp://127.0.0.1:28332"), "--zmq needs --bitcoind");
        assertFails(CommandRunner.run("run", "--bitcoind", "http://127.0.0.1:8332", "--zmq", "127.0.0.1:28332"),
                "--zmq must be tcp://HOST:PORT");
        assertFails(CommandRunner.run("run", "--bitcoind-cookie", "/x/.cookie"), "--bitcoind-cookie needs --bitcoind");
        CommandRunner bad = CommandRunner.run("run", "--bitcoind", "ftp://rpc:topsecret@node:8332");
        assertFails(bad, "--bitcoind must be an http:// or https:// URL");
        assertTrue(!bad.err().contains("topsecret"), "credentials are not echoed: " + bad.err());
        assertFails(CommandRunner.run("run", "--esplora", "mempool.space"), "--esplora must be an http://");
        assertFails(CommandRunner.run("run", "--history-days", "0"), "--history-days must be 1..10000");
        assertFails(CommandRunner.run("run", "--poll-interval", "0"), "--poll-interval must be a number of seconds");
        Path conf = tmp.resolve("bad.properties");
        Files.writeString(conf, "history-days=many\n");
        assertFails(CommandRunner.run("run", "--config", conf.toString()), "'history-days'", "many");
    }

    @Test
    void helpOnEachCommand() {
        for (String cmd : new String[] {"run", "backfill"}) {
            CommandRunner r = CommandRunner.run(cmd, "--help");
            assertEquals(0, r.exitCode());
            assertTrue(r.out().contains("--headers"), r.out());
        }
        CommandRunner none = CommandRunner.run();
        assertNotEquals(0, none.exitCode());
        assertTrue(none.err().contains("run"), none.err());
    }
}
