package io.hashwatch.source.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.Network;
import io.hashwatch.testing.RegtestChain;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The RPC client on the real Bitcoin Core replies of the samples, and its credentials handling. */
@Timeout(30)
class BitcoindClientTest {
    @TempDir
    Path tmp;

    private static FakeChain regtest() {
        RegtestChain c = RegtestChain.fromGenesis(3);
        c.extend(5);
        return FakeChain.of("regtest", 0, c.headers());
    }

    @Test
    void readsTheRealSampleRepliesVerbatim() throws Exception {
        JsonNode info = Samples.coreReply("getblockchaininfo");
        JsonNode stats = Samples.coreReply("getblockstats 791846");
        JsonNode headerSample = Samples.coreHeaderSamples().get(1);
        String hash = headerSample.at("/request/params/0").asText();
        try (FakeBitcoind node = new FakeBitcoind(regtest()); Harness h = new Harness("bitcoind");
             BitcoindClient client = h.bitcoind(node.uri(), BitcoindAuth.none(), Harness.FAST)) {
            node.override = method -> switch (method) {
                case "getblockchaininfo" -> info;
                case "getblockheader" -> headerSample.get("result");
                case "getblockstats" -> stats;
                default -> null;
            };
            ChainSource.Tip tip = client.tip();
            assertEquals(Network.MAINNET, tip.network());
            assertEquals(791_822, tip.height());
            assertEquals("00000000000000000003d288db338920ac70cdc18b22680f3433415d8820bcd7", tip.hash());
            assertFalse(tip.syncing());

            ChainSource.Block b = client.block(631_076, hash);
            assertEquals(hash, b.hash(), "the raw header hashes to the block it was asked for");
            assertEquals("000000000000000000061e12d6a29bd0175a6045dfffeafd950c0513f9b82c80", b.header().prevHash());
            assertEquals(50_362_791L, b.feesSat(), "totalfee of the real getblockstats reply");
            assertEquals(3578, b.txCount());
            assertTrue(h.metrics.lastMessageMs() > 0);

            // A header that does not hash to the block asked for is malformed, not published.
            SourceException e = assertThrows(SourceException.class, () -> client.block(1, "0".repeat(64)));
            assertEquals(SourceException.Kind.MALFORMED, e.kind());
            assertTrue(e.getMessage().contains("returned a header whose hash is " + hash), e.getMessage());
        }
    }

    @Test
    void theOtherRealHeaderSampleToo() throws Exception {
        JsonNode s = Samples.coreHeaderSamples().get(2);
        JsonNode verbose = Samples.coreHeaderSamples().get(3).get("result");
        BlockHeader h = BlockHeader.fromHex(s.get("result").asText());
        assertEquals(s.at("/request/params/0").asText(), h.hash());
        assertEquals(verbose.get("previousblockhash").asText(), h.prevHash());
        assertEquals(verbose.get("merkleroot").asText(), h.merkleRoot());
        assertEquals(verbose.get("time").asLong(), h.time());
        assertEquals(Long.parseLong(verbose.get("bits").asText(), 16), h.bits());
    }

    @Test
    void credentialsFromTheUrlTheEnvironmentOrTheCookieAndNeverInALogLine() throws Exception {
        String secret = "s3cret-Passw0rd";
        try (FakeBitcoind node = new FakeBitcoind(regtest()); Harness h = new Harness("bitcoind")) {
            node.user = "alice";
            node.password = secret;
            URI base = node.uri();
            URI withCreds = URI.create("http://alice:" + secret + "@127.0.0.1:" + base.getPort() + "/");

            BitcoindAuth fromUrl = BitcoindAuth.resolve(withCreds, null, Map.of());
            try (BitcoindClient c = h.bitcoind(withCreds, fromUrl, Harness.FAST)) {
                assertEquals(Network.REGTEST, c.tip().network());
                assertFalse(c.describe().contains(secret), c.describe());
                assertTrue(c.describe().contains("***@127.0.0.1"), c.describe());
                assertFalse(c.toString().contains(secret));
                assertFalse(fromUrl.toString().contains(secret));
            }
            BitcoindAuth fromEnv = BitcoindAuth.resolve(base, null,
                    Map.of(BitcoindAuth.USER_ENV, "alice", BitcoindAuth.PASSWORD_ENV, secret));
            try (BitcoindClient c = h.bitcoind(base, fromEnv, Harness.FAST)) {
                assertEquals(5, c.tip().height());
            }

            // Wrong password: a clear http error naming the fix, without the password.
            URI wrong = URI.create("http://alice:" + secret + "X@127.0.0.1:" + base.getPort() + "/");
            try (BitcoindClient c = h.bitcoind(wrong, BitcoindAuth.resolve(wrong, null, Map.of()), Harness.FAST)) {
                SourceException e = assertThrows(SourceException.class, c::tip);
                assertEquals(SourceException.Kind.HTTP, e.kind());
                assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("refused the credentials"),
                        e.getMessage());
                assertFalse(e.getMessage().contains(secret), e.getMessage());
            }
            // Through a follower: the log lines do not hold it either.
            ChainFollower f = h.follow(h.bitcoind(wrong, BitcoindAuth.resolve(wrong, null, Map.of()),
                    Harness.FAST), Harness.FAST);
            h.await(() -> h.metrics.errors(SourceException.Kind.HTTP) >= 2, "401 counted");
            f.close();
            assertTrue(h.logged("down (http)"), h.lines());
            assertFalse(h.lines().contains(secret), h.lines());

            // The cookie file, re-read when bitcoind restarted with a new one.
            Path cookie = tmp.resolve(".cookie");
            Files.writeString(cookie, "__cookie__:aaaa1111");
            node.user = "__cookie__";
            node.password = "aaaa1111";
            BitcoindAuth fromCookie = BitcoindAuth.resolve(base, cookie, Map.of());
            try (BitcoindClient c = h.bitcoind(base, fromCookie, Harness.FAST)) {
                assertEquals(5, c.tip().height());
                node.password = "bbbb2222";
                Files.writeString(cookie, "__cookie__:bbbb2222");
                assertEquals(5, c.tip().height(), "the new cookie is read after a 401");
            }
            // A cookie file not there yet (bitcoind starting): a clear reason, read again at the first 401.
            BitcoindAuth later = BitcoindAuth.resolve(base, tmp.resolve("none"), Map.of());
            assertTrue(later.problem().contains("cannot read the bitcoind cookie file"), later.problem());
            try (BitcoindClient c = h.bitcoind(base, later, Harness.FAST)) {
                SourceException e = assertThrows(SourceException.class, c::tip);
                assertTrue(e.getMessage().contains("is bitcoind running?"), e.getMessage());
                Files.copy(cookie, tmp.resolve("none"));
                assertEquals(5, c.tip().height());
            }
        }
    }

    @Test
    void heightsAboveTheTipAreNoBlockNotAnError() throws Exception {
        try (FakeBitcoind node = new FakeBitcoind(regtest()); Harness h = new Harness("bitcoind");
             BitcoindClient c = h.bitcoind(node.uri(), BitcoindAuth.none(), Harness.FAST)) {
            assertNull(c.hashAt(6));
            assertEquals(RegtestChain.GENESIS_HASH, c.hashAt(0));
        }
    }

    @Test
    void anUnreachableNodeIsAConnectError() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (Harness h = new Harness("bitcoind");
             BitcoindClient c = h.bitcoind(URI.create("http://127.0.0.1:" + port + "/"), BitcoindAuth.none(),
                     Harness.FAST)) {
            SourceException e = assertThrows(SourceException.class, c::tip);
            assertEquals(SourceException.Kind.CONNECT, e.kind());
            assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
        }
    }
}
