package io.hashwatch.source.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.testing.RegtestChain;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reorganizations at the source, on mined regtest chains (two real mainnet branches do not exist): the fake node's
 * best branch is swapped, and the follower publishes the new branch from the fork point, with Bitcoin Core and with
 * Esplora, while running and across a restart; a fork deeper than the kept heights is refused.
 */
@Timeout(60)
class ReorgTest {

    private static TreeMap<Long, String> hashes(RegtestChain c, long from, long to) {
        TreeMap<Long, String> out = new TreeMap<>();
        for (long h = from; h <= to; h++) {
            out.put(h, c.at(h).hash());
        }
        return out;
    }

    private static void swap(FakeChain chain, RegtestChain branch, long fork) {
        List<BlockHeader> above = branch.headers().subList((int) fork + 1, (int) branch.tipHeight() + 1);
        synchronized (chain) {
            chain.truncateAbove(fork);
            chain.put(fork + 1, above);
            chain.setTip(branch.tipHeight());
        }
    }

    private static List<Long> heightsAfter(List<HeaderRecord> records, int index) {
        return records.subList(index, records.size()).stream().map(HeaderRecord::height).toList();
    }

    private void reorgWhileRunning(boolean esplora) throws Exception {
        RegtestChain main = RegtestChain.fromGenesis(7);
        main.extend(30);
        FakeChain chain = FakeChain.of("regtest", 0, main.headers());
        try (FakeBitcoind node = new FakeBitcoind(chain); FakeEsplora api = new FakeEsplora(chain);
             Harness h = new Harness(esplora ? "esplora" : "bitcoind")) {
            ChainSettings s = Harness.FAST.withBackfillBlocks(20);
            ChainSource source = esplora ? h.esplora(api.uri(), s) : h.bitcoind(node.uri(), BitcoindAuth.none(), s);
            h.follow(source, s);
            h.await(() -> h.topic.last() == 30, "backfill");
            assertEquals(LongStream.rangeClosed(11, 30).boxed().toList(), h.topic.heights());
            assertTrue(h.topic.records.stream().allMatch(r -> r.network().equals("regtest")));

            // A longer branch from height 25 replaces 26..30: published from 26.
            RegtestChain branch = main.fork(25);
            branch.extend(8);
            int mark = h.topic.records.size();
            swap(chain, branch, 25);
            h.await(() -> h.topic.last() == 33, "the new branch");
            assertEquals(LongStream.rangeClosed(26, 33).boxed().toList(), heightsAfter(h.topic.records, mark));
            assertEquals(hashes(branch, 11, 33), h.topic.chain());
            TopicList.assertLinked(h.topic.records);
            assertEquals(1, h.metrics.reorgs());
            assertTrue(h.logged("reorganization at the source: the published headers 26..30 left its best chain"
                    + " (fork at height 25"), h.lines());

            // The tip alone is replaced by a sibling at the same height, then extended.
            RegtestChain sibling = branch.fork(32);
            sibling.extend(1);
            mark = h.topic.records.size();
            swap(chain, sibling, 32);
            h.await(() -> h.topic.chain().get(33L).equals(sibling.at(33).hash()), "the sibling tip");
            sibling.extend(2);
            chain.put(34, sibling.headers().subList(34, 36));
            chain.setTip(35);
            h.await(() -> h.topic.last() == 35, "on the sibling");
            assertEquals(List.of(33L, 34L, 35L), heightsAfter(h.topic.records, mark));
            assertEquals(hashes(sibling, 11, 35), h.topic.chain());
            assertEquals(2, h.metrics.reorgs());
            TopicList.assertLinked(h.topic.records);
        }
    }

    @Test
    void bitcoindReorgWhileRunning() throws Exception {
        reorgWhileRunning(false);
    }

    @Test
    void esploraReorgWhileRunning() throws Exception {
        reorgWhileRunning(true);
    }

    @Test
    void aReorgWhileStoppedIsFoundOnRestart() throws Exception {
        RegtestChain main = RegtestChain.fromGenesis(11);
        main.extend(30);
        FakeChain chain = FakeChain.of("regtest", 0, main.headers());
        try (FakeBitcoind node = new FakeBitcoind(chain); Harness h = new Harness("bitcoind")) {
            ChainSettings s = Harness.FAST.withBackfillBlocks(30);
            ChainFollower f = h.follow(h.bitcoind(node.uri(), BitcoindAuth.none(), s), s);
            h.await(() -> h.topic.last() == 30, "backfill");
            f.close();

            RegtestChain branch = main.fork(27);
            branch.extend(8);
            swap(chain, branch, 27);
            int mark = h.topic.records.size();
            h.follow(h.bitcoind(node.uri(), BitcoindAuth.none(), s), s);
            h.await(() -> h.topic.last() == 35, "the new branch after the restart");
            assertEquals(LongStream.rangeClosed(28, 35).boxed().toList(), heightsAfter(h.topic.records, mark));
            assertEquals(hashes(branch, 1, 35), h.topic.chain());
            TopicList.assertLinked(h.topic.records);
        }
    }

    @Test
    void aForkDeeperThanTheKeptHeightsIsRefused() throws Exception {
        RegtestChain main = RegtestChain.fromGenesis(21);
        main.extend(30);
        FakeChain chain = FakeChain.of("regtest", 0, main.headers());
        try (FakeBitcoind node = new FakeBitcoind(chain); Harness h = new Harness("bitcoind")) {
            ChainSettings s = Harness.FAST.withBackfillBlocks(30).withReorgDepth(5);
            h.follow(h.bitcoind(node.uri(), BitcoindAuth.none(), s), s);
            h.await(() -> h.topic.last() == 30, "backfill");
            int published = h.topic.records.size();

            RegtestChain other = main.fork(10); // diverges 20 blocks down, more than the 6 heights kept
            other.extend(25);
            swap(chain, other, 10);
            h.await(() -> h.metrics.errors(SourceException.Kind.WRONG_CHAIN) >= 2, "refused");
            assertEquals(published, h.topic.records.size(), "nothing published");
            assertEquals(1, h.count("has none of the last 6 published regtest headers"), h.lines());
            assertTrue(h.logged("a reorganization deeper than 5 blocks"), h.lines());
        }
    }

    @Test
    void aTopicThatCannotBeWrittenIsReadBackBeforeGoingOn() throws Exception {
        RegtestChain main = RegtestChain.fromGenesis(5);
        main.extend(20);
        FakeChain chain = FakeChain.of("regtest", 0, main.headers());
        chain.setTip(15);
        try (FakeBitcoind node = new FakeBitcoind(chain); Harness h = new Harness("bitcoind")) {
            ChainSettings s = Harness.FAST.withBackfillBlocks(10);
            h.follow(h.bitcoind(node.uri(), BitcoindAuth.none(), s), s);
            h.await(() -> h.topic.last() == 15, "backfill");
            h.topic.failing = true;
            chain.advance(3);
            h.await(() -> h.metrics.errors(SourceException.Kind.KAFKA) >= 2, "kafka failures");
            assertEquals(1, h.count("the headers topic cannot be read or written"), h.lines());
            assertTrue(h.metrics.up(), "the source itself is fine");
            int loads = h.topic.loads;
            h.topic.failing = false;
            h.await(() -> h.topic.last() == 18, "published after the broker came back");
            assertTrue(h.topic.loads > loads, "read back");
            assertEquals(LongStream.rangeClosed(6, 18).boxed().toList(), h.topic.heights());
        }
    }
}
