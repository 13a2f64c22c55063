package io.hashwatch.source.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.testing.SharedData;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The follower against real HTTP servers that close connections: an HTTP/1.0 server closing after each reply, and a
 * keep-alive server that drops a connection idle for about the poll interval (the race of Core's
 * {@code -rpcservertimeout}). Each closed connection costs one immediate retry, never an outage, and the follower
 * keeps pace with a chain gaining a block every 100 ms.
 */
@Timeout(60)
class ClosingServersTest {
    static final long FIRST = 586_657;
    static List<BlockHeader> headers;

    @BeforeAll
    static void load() {
        headers = SharedData.readParsedHeaders(SharedData.requireHeaders("mainnet_586657-589289.dfinity.bin"));
    }

    @Test
    void http10ServerClosingAfterEachReply() throws Exception {
        keepsPace(RawHttpServer.Behaviour.CLOSE, 0);
    }

    @Test
    void keepAliveServerDroppingIdleConnections() throws Exception {
        keepsPace(RawHttpServer.Behaviour.DROP_IDLE, 100);
    }

    private static void keepsPace(RawHttpServer.Behaviour behaviour, int idleMillis) throws Exception {
        FakeChain chain = FakeChain.of("main", FIRST, headers);
        chain.setTip(FIRST + 999);
        ChainSettings s = Harness.FAST.withPollInterval(Duration.ofMillis(100)).withBackfillBlocks(500)
                .withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(2)); // an outage would show as a stall
        try (FakeBitcoind node = new FakeBitcoind(chain);
             RawHttpServer server = new RawHttpServer(node, behaviour, idleMillis);
             Harness h = new Harness("bitcoind")) {
            BitcoindClient client = h.bitcoind(server.uri(), BitcoindAuth.none(), s);
            h.follow(client, s);
            h.await(() -> h.topic.last() == FIRST + 999, "backfill of 500");
            long started = System.nanoTime();
            for (int i = 0; i < 30; i++) {
                chain.advance(1);
                Thread.sleep(120);
                long tip = chain.tip();
                assertTrue(h.topic.last() >= tip - 2, "behind the node: topic " + h.topic.last() + ", node " + tip
                        + "\n" + h.lines());
            }
            h.await(() -> h.topic.last() == FIRST + 1029, "the last block");
            System.out.printf("%s: 30 new blocks in %d ms; %d connections, %d requests, %d idle drops, %d retries"
                            + " on a closed connection%n", behaviour, (System.nanoTime() - started) / 1_000_000,
                    server.connections.get(), server.requests.get(), server.idleDrops.get(), client.reconnects());
            assertEquals(0, h.count("down ("), h.lines());
            assertEquals(0, h.metrics.errors(SourceException.Kind.CONNECT), "no failure counted");
            TopicList.assertLinked(h.topic.records);
            if (behaviour == RawHttpServer.Behaviour.DROP_IDLE) {
                assertTrue(server.idleDrops.get() > 0, "the server did drop idle connections");
            }
        }
    }
}
