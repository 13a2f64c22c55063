package io.hashwatch.source.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.Coinbase;
import io.hashwatch.bitcoin.MerkleBranch;
import io.hashwatch.bitcoin.RawBlock;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.RejectReason;
import io.hashwatch.pools.PoolList;
import io.hashwatch.testing.RegtestChain;
import io.hashwatch.testing.SharedData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Electrum source against fake servers over TLS (a certificate made at test time), replaying real data: the
 * blocks 840,002..840,007 whole (headers, coinbases, and merkle branches the fake computes from their txids), the
 * shared header files, the early coinbase-only blocks; a mined regtest chain for a reorganization. Tips arrive by
 * subscription only: the follower's poll interval is an hour.
 */
@Timeout(120)
class ElectrumTest {
    /** No polling within a test: tips must be pushed. Back off 50..200 ms, 3 s a request. */
    static final ChainSettings PUSHED = new ChainSettings(Duration.ofHours(1), 200, 100, Duration.ofMillis(50),
            Duration.ofMillis(200), Duration.ofSeconds(3), Duration.ZERO);
    private static final String BLOCKS = "data/blocks/raw/mainnet_840002-840007.blocks.gz";

    /** The real blocks 840,002..840,007 as the fake serves them. */
    record Real(long height, BlockHeader header, FakeElectrum.Block block, Coinbase coinbase) {
    }

    static List<Real> realBlocks() throws IOException {
        byte[] data;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(SharedData.require(BLOCKS)))) {
            data = in.readAllBytes();
        }
        List<Real> out = new ArrayList<>();
        int at = 0;
        long height = 840_002;
        while (at < data.length) {
            RawBlock b = RawBlock.parse(data, at);
            out.add(new Real(height++, b.header(), new FakeElectrum.Block(RawBlock.txids(data, at), b.coinbaseHex()),
                    b.coinbase()));
            at += b.size();
        }
        return out;
    }

    /** fees_claimed of ../shared/data/blocks/block_fees_points.csv by height. */
    static Map<Long, Long> knownFees() throws IOException {
        Map<Long, Long> out = new HashMap<>();
        for (String line : Files.readAllLines(SharedData.require("data/blocks/block_fees_points.csv"))) {
            String[] f = line.split(",");
            if (f[0].matches("\\d+") && f[5].startsWith("coinbase_output_sum")) {
                out.put(Long.parseLong(f[0]), Long.parseLong(f[2]));
            }
        }
        return out;
    }

    private static FakeElectrum serving(List<Real> blocks, int upTo) {
        FakeElectrum f = new FakeElectrum();
        f.put(0, Harness.mainnetGenesis());
        for (Real r : blocks.subList(0, upTo)) {
            f.put(r.height(), r.header(), r.block());
        }
        return f;
    }

    private static ElectrumSource source(Harness h, List<FakeElectrum> servers, ChainSettings s, int coinbases,
                                         Rejected rejected) {
        return new ElectrumSource(servers.stream().map(FakeElectrum::address).toList(), s, coinbases,
                FakeElectrum.clientContext(), h.metrics, h.log, rejected);
    }

    private static ChainFollower follow(Harness h, ElectrumSource source, ChainSettings s) {
        ChainFollower f = h.follow(source, s);
        source.onNewTip(f::wakeUp);
        return f;
    }

    /** The dead letters the source wrote. */
    static final class Rejected implements ElectrumSource.Rejects {
        final List<HeaderRecord> records = new CopyOnWriteArrayList<>();
        final List<String> reasons = new CopyOnWriteArrayList<>();

        @Override
        public void reject(HeaderRecord record, RejectReason reason, String detail) {
            records.add(record);
            reasons.add(reason.label());
        }
    }

    @Test
    void merkleBranchesOfRealBlocksLeadToTheirRoots() throws IOException {
        for (Real r : realBlocks()) {
            List<String> txids = r.block().txids();
            for (int pos : new int[] {0, 1, txids.size() / 2, txids.size() - 1}) {
                assertEquals(r.header().merkleRoot(), MerkleBranch.root(txids.get(pos), MerkleBranch.of(txids, pos),
                        pos), "block " + r.height() + " position " + pos);
            }
            List<String> branch = new ArrayList<>(MerkleBranch.of(txids, 0));
            branch.set(branch.size() - 1, txids.get(1));
            assertTrue(!r.header().merkleRoot().equals(MerkleBranch.root(txids.get(0), branch, 0)));
        }
    }

    @Test
    void historyThenPushedTipsWithProvenCoinbasesFeesAndPools() throws Exception {
        List<Real> real = realBlocks();
        Map<Long, Long> fees = knownFees();
        Rejected rejected = new Rejected();
        try (FakeElectrum server = serving(real, 4); Harness h = new Harness(ElectrumSource.ID)) {
            ChainSettings s = PUSHED.withBackfillBlocks(4);
            ElectrumSource source = source(h, List.of(server), s, ElectrumSource.DEFAULT_COINBASE_BLOCKS, rejected);
            follow(h, source, s);
            h.await(() -> h.topic.last() == 840_005, "history 840002..840005");
            for (int i = 4; i < 6; i++) {
                Real next = real.get(i);
                server.put(next.height(), next.header(), next.block());
                Map<String, Long> before = calls(server);
                server.announce();
                h.await(() -> h.topic.last() == next.height(), "pushed tip " + next.height());
                // The pushed header is the tip and its header: the coinbase's two requests are all it costs.
                Map<String, Long> after = calls(server);
                for (String m : before.keySet()) {
                    assertEquals(before.get(m) + (m.startsWith("blockchain.transaction") ? 1 : 0), after.get(m),
                            m + " for pushed tip " + next.height());
                }
            }
            assertEquals(LongStream.rangeClosed(840_002, 840_007).boxed().toList(), h.topic.heights());
            TopicList.assertLinked(h.topic.records);
            // Known miners of these blocks, as their coinbases say (see BackfillIntegrationTest).
            Map<Long, String> miners = Map.of(840_002L, "foundryusa", 840_003L, "antpool", 840_004L, "antpool",
                    840_005L, "antpool", 840_006L, "poolin", 840_007L, "antpool");
            PoolList pools = PoolList.bundled();
            for (HeaderRecord r : h.topic.records) {
                Real b = real.get((int) (r.height() - 840_002));
                assertEquals(b.header().hex(), r.headerHex());
                assertEquals(b.block().coinbaseHex(), r.coinbaseHex(), "coinbase of " + r.height());
                assertEquals(fees.get(r.height()), r.feesClaimedSat(), "claimed fees of " + r.height());
                assertNull(r.txCount(), "not coinbase-only, and Electrum gives no tx count");
                assertNull(r.feesSat());
                assertEquals("electrum", r.source());
                Coinbase cb = Coinbase.parseHex(r.coinbaseHex());
                assertEquals(miners.get(r.height()), pools.attribute(cb.scriptSigHex(), cb.outputs()).pool().slug(),
                        "pool of " + r.height());
            }
            assertTrue(h.topic.records.stream().allMatch(r -> Coinbase.parseHex(r.coinbaseHex()).segwit()),
                    "the txids were proven without the witness");
            assertTrue(rejected.records.isEmpty());
            assertEquals(0, h.metrics.errors(), h.lines());
            // Tips by subscription: one subscribe to connect, one for the first round, none for the pushes.
            assertTrue(server.calls("blockchain.headers.subscribe") <= 2, h.lines());
        }
    }

    @Test
    void theRestOfTheHistorysCoinbasesAreFilledInTheBackgroundAfterTheTip() throws Exception {
        List<Real> real = realBlocks();
        Map<Long, Long> fees = knownFees();
        Rejected rejected = new Rejected();
        try (FakeElectrum server = serving(real, 6); Harness h = new Harness(ElectrumSource.ID)) {
            ChainSettings s = PUSHED.withBackfillBlocks(6);
            // Coinbases with the history for its last 2 blocks only: the 4 older ones are filled afterwards.
            ElectrumSource source = source(h, List.of(server), s, 2, rejected).fillSpacing(Duration.ofMillis(1));
            follow(h, source, s);
            h.await(() -> h.topic.last() == 840_007 && h.topic.fills.size() == 4, "history, then the fill");
            assertEquals(LongStream.rangeClosed(840_002, 840_007).boxed().toList(), h.topic.heights(),
                    "the chain published once");
            for (HeaderRecord r : h.topic.records) {
                assertEquals(r.height() >= 840_006, r.coinbaseHex() != null, "coinbase with the history at "
                        + r.height());
                assertTrue(!r.fillsCoinbase());
            }
            assertEquals(LongStream.rangeClosed(840_002, 840_005).boxed().toList(),
                    h.topic.fills.stream().map(HeaderRecord::height).toList(), "the fill, oldest first");
            PoolList pools = PoolList.bundled();
            Map<Long, String> miners = Map.of(840_002L, "foundryusa", 840_003L, "antpool", 840_004L, "antpool",
                    840_005L, "antpool");
            for (HeaderRecord r : h.topic.fills) {
                Real b = real.get((int) (r.height() - 840_002));
                assertTrue(r.fillsCoinbase());
                assertEquals(b.header().hex(), r.headerHex());
                assertEquals(b.block().coinbaseHex(), r.coinbaseHex(), "proven coinbase of " + r.height());
                assertEquals(fees.get(r.height()), r.feesClaimedSat(), "claimed fees of " + r.height());
                Coinbase cb = Coinbase.parseHex(r.coinbaseHex());
                assertEquals(miners.get(r.height()), pools.attribute(cb.scriptSigHex(), cb.outputs()).pool().slug());
            }
            // Read back, the topic's chain still ends at the tip: the fills are not taken for a reorganization.
            List<HeaderRecord> topic = new ArrayList<>(h.topic.records);
            topic.addAll(h.topic.fills);
            assertEquals(840_007, PublishedChain.fold("mainnet", 10, topic).lastHeight());
            h.await(() -> h.logged("filled the coinbases of 4 blocks"), "the fill's last line");
            assertTrue(h.logged("filling the coinbases of heights 840002..840005 (4 blocks) in the background"),
                    h.lines());
            assertEquals(0, h.metrics.backfillRemaining());
            assertTrue(rejected.records.isEmpty());
            assertEquals(0, h.metrics.errors(), h.lines());
            // Six headers' worth of proofs, each once: 2 with the history, 4 in the fill.
            assertEquals(6, server.calls("blockchain.transaction.get"), h.lines());
        }
    }

    @Test
    void aFilledCoinbaseMustBeProvenToo() throws Exception {
        List<Real> real = realBlocks();
        Rejected rejected = new Rejected();
        try (FakeElectrum server = serving(real, 6); Harness h = new Harness(ElectrumSource.ID)) {
            // The server lies about the branches of 840,002 and 840,003 only: the history's last 2 prove, the fill
            // of the 4 older ones does not for those two.
            server.fault = FakeElectrum.Fault.WRONG_BRANCH;
            server.wrongBranchBelow = 840_004;
            ChainSettings s = PUSHED.withBackfillBlocks(6);
            ElectrumSource source = source(h, List.of(server), s, 2, rejected).fillSpacing(Duration.ofMillis(1));
            follow(h, source, s);
            h.await(() -> h.logged("filled the coinbases of 4 blocks"), "the fill's end");
            assertEquals(List.of(840_004L, 840_005L), h.topic.fills.stream().map(HeaderRecord::height).toList(),
                    "only the proven ones filled");
            assertEquals(List.of(840_002L, 840_003L), rejected.records.stream().map(HeaderRecord::height).toList());
            assertTrue(rejected.reasons.stream().allMatch("coinbase_proof_failed"::equals));
            assertEquals(2, h.metrics.errors(SourceException.Kind.COINBASE_PROOF));
            assertTrue(h.logged("(2 without: their proofs failed, dead-lettered)"), h.lines());
            assertEquals(LongStream.rangeClosed(840_002, 840_007).boxed().toList(), h.topic.heights());
        }
    }

    @Test
    void aFailingFillIsRetriedWithoutTheSourceGoingDown() throws Exception {
        List<Real> real = realBlocks();
        try (FakeElectrum server = new FakeElectrum(); Harness h = new Harness(ElectrumSource.ID)) {
            server.put(0, Harness.mainnetGenesis());
            // 840,002 without its block: the server answers id_from_pos with an error object, until it has it.
            server.put(real.get(0).height(), real.get(0).header());
            for (Real r : real.subList(1, 6)) {
                server.put(r.height(), r.header(), r.block());
            }
            ChainSettings s = PUSHED.withBackfillBlocks(6);
            ElectrumSource source = source(h, List.of(server), s, 2, new Rejected()).fillSpacing(Duration.ofMillis(1));
            follow(h, source, s);
            h.await(() -> h.metrics.errors(SourceException.Kind.RPC_ERROR) >= 3, "the fill failing, retried");
            assertTrue(h.logged("the background coinbase fill failed at height 840002 (rpc_error)"), h.lines());
            assertEquals(1, h.count("the background coinbase fill failed"), "logged once: " + h.lines());
            assertEquals(0, h.count("down ("), "the headers still come: the source is not down");
            assertTrue(h.topic.fills.isEmpty());
            Real first = real.get(0);
            for (Real r : real) { // the fake's put cuts the chain above the height: all again, in order
                server.put(r.height(), r.header(), r.block());
            }
            h.await(() -> h.topic.fills.size() == 4, "the fill once the server has the block");
            assertTrue(h.logged("the background coinbase fill works again, from height 840002"), h.lines());
            assertEquals(first.block().coinbaseHex(), h.topic.fills.get(0).coinbaseHex());
            assertEquals(LongStream.rangeClosed(840_002, 840_007).boxed().toList(), h.topic.heights());
        }
    }

    @Test
    void aServerThatFallsBehindIsLeftForOneWhoseTipAdvances() throws Exception {
        List<Real> real = realBlocks();
        AtomicLong clock = new AtomicLong(System.currentTimeMillis());
        try (FakeElectrum first = serving(real, 4); FakeElectrum second = serving(real, 4);
             Harness h = new Harness(ElectrumSource.ID)) {
            // The follower's own poll (Electrum's is 60 s) is what asks again; 200 ms here.
            ChainSettings s = PUSHED.withBackfillBlocks(4).withPollInterval(Duration.ofMillis(200));
            ElectrumSource source = new ElectrumSource(List.of(first.address(), second.address()), s, 100,
                    FakeElectrum.clientContext(), h.metrics, h.log, new Rejected(), clock::get);
            ChainFollower follower = follow(h, source, s);
            h.await(() -> h.topic.last() == 840_005, "history");
            assertEquals(first.address(), source.following(), "equal tips: the first listed");
            // The first server's tip stops; the second's advances by two blocks, which it pushes to its own
            // subscribers (the source is not one: it holds one session).
            for (Real next : real.subList(4, 6)) {
                second.put(next.height(), next.header(), next.block());
                second.announce();
            }
            long rounds = follower.rounds();
            h.await(() -> follower.rounds() >= rounds + 3, "three polls"); // nothing moves before the re-probe
            assertEquals(840_005, h.topic.last());
            assertEquals(first.address(), source.following());
            clock.addAndGet(ElectrumSource.REPROBE_INTERVAL.toMillis());
            h.await(() -> h.topic.last() == 840_007, "the second server's tip");
            assertEquals(second.address(), source.following());
            assertTrue(h.logged(first.address() + " is lagging (tip 840005, " + second.address() + " has 840007)"),
                    h.lines());
            assertEquals(LongStream.rangeClosed(840_002, 840_007).boxed().toList(), h.topic.heights(),
                    "each height once, none skipped");
            TopicList.assertLinked(h.topic.records);
            assertTrue(h.topic.records.stream().allMatch(r -> r.coinbaseHex() != null));
            assertEquals(0, h.metrics.errors(), h.lines());
        }
    }

    private static Map<String, Long> calls(FakeElectrum server) {
        Map<String, Long> out = new TreeMap<>();
        for (String m : List.of("blockchain.headers.subscribe", "blockchain.block.header", "blockchain.block.headers",
                "blockchain.transaction.id_from_pos", "blockchain.transaction.get")) {
            out.put(m, server.calls(m));
        }
        return out;
    }

    @Test
    void emptyIsExactlyACoinbaseThatIsTheMerkleRoot() throws Exception {
        List<byte[]> headers = SharedData.readHeaders(SharedData.requireHeaders("mainnet_0-10236.floresta.bin"));
        Map<Long, String> coinbases = new TreeMap<>();
        for (String line : Files.readAllLines(SharedData.require("data/pools/coinbases_early_h0-438.csv"))) {
            String[] f = line.split(",", 4);
            if (f[0].matches("\\d+") && Long.parseLong(f[0]) <= 169) {
                coinbases.put(Long.parseLong(f[0]), f[2]);
            }
        }
        Map<Long, Integer> txCounts = new HashMap<>();
        for (String line : Files.readAllLines(SharedData.require("data/blocks/block_fees_h0-438.csv"))) {
            String[] f = line.split(",");
            if (f[0].matches("\\d+")) {
                txCounts.put(Long.parseLong(f[0]), Integer.parseInt(f[3]));
            }
        }
        Rejected rejected = new Rejected();
        try (FakeElectrum server = new FakeElectrum(); Harness h = new Harness(ElectrumSource.ID)) {
            for (long height = 0; height <= 169; height++) {
                BlockHeader header = BlockHeader.parse(headers.get((int) height));
                String cb = coinbases.get(height);
                server.put(height, header, new FakeElectrum.Block(List.of(Coinbase.parseHex(cb).txid()), cb));
            }
            ChainSettings s = PUSHED.withBackfillBlocks(169);
            follow(h, source(h, List.of(server), s, 1000, rejected), s);
            h.await(() -> h.topic.last() == 169, "history 1..169");
            for (HeaderRecord r : h.topic.records) {
                assertEquals(coinbases.get(r.height()), r.coinbaseHex());
                assertEquals(1, txCounts.get(r.height()), "the data's tx count of " + r.height());
                assertEquals(1, r.txCount(), "coinbase-only " + r.height());
                assertEquals(0L, r.feesClaimedSat());
            }
            assertTrue(rejected.records.isEmpty());
        }
    }

    @Test
    void historyInChunksOf2016FromTheSharedHeadersThenPushedTips() throws Exception {
        List<byte[]> raw = SharedData.readHeaders(SharedData.requireHeaders("mainnet_586657-589289.dfinity.bin"));
        long first = 586_657;
        int held = 3;
        try (FakeElectrum server = new FakeElectrum(); Harness h = new Harness(ElectrumSource.ID)) {
            server.put(0, Harness.mainnetGenesis());
            for (int i = 0; i < raw.size() - held; i++) {
                server.put(first + i, BlockHeader.parse(raw.get(i)));
            }
            long tip = first + raw.size() - held - 1;
            ChainSettings s = PUSHED.withBackfillBlocks(raw.size() - held);
            follow(h, source(h, List.of(server), s, 0, new Rejected()), s);
            h.await(() -> h.topic.last() == tip, "history");
            assertEquals(2, server.calls("blockchain.block.headers"), "2,630 headers in two calls");
            for (int i = raw.size() - held; i < raw.size(); i++) {
                long height = first + i;
                server.put(height, BlockHeader.parse(raw.get(i)));
                server.announce();
                h.await(() -> h.topic.last() == height, "pushed tip " + height);
            }
            assertEquals(LongStream.rangeClosed(first, first + raw.size() - 1).boxed().toList(), h.topic.heights());
            TopicList.assertLinked(h.topic.records);
            assertEquals(0, server.calls("blockchain.transaction.id_from_pos"));
        }
    }

    @Test
    void aPushedTipOnAnotherBranchWalksBackToTheForkPoint() throws Exception {
        RegtestChain main = RegtestChain.fromGenesis(11);
        main.extend(20);
        try (FakeElectrum server = new FakeElectrum(); Harness h = new Harness(ElectrumSource.ID)) {
            for (long height = 0; height <= 20; height++) {
                server.put(height, main.at(height));
            }
            ChainSettings s = PUSHED.withBackfillBlocks(20);
            follow(h, source(h, List.of(server), s, 0, new Rejected()), s);
            h.await(() -> h.topic.last() == 20, "history");
            RegtestChain branch = main.fork(15);
            branch.extend(7);
            for (long height = 16; height <= branch.tipHeight(); height++) {
                server.put(height, branch.at(height));
            }
            server.announce();
            h.await(() -> h.topic.last() == branch.tipHeight(), "the new branch");
            TreeMap<Long, String> chain = h.topic.chain();
            for (long height = 1; height <= branch.tipHeight(); height++) {
                assertEquals(branch.at(height).hash(), chain.get(height), "height " + height);
            }
            assertEquals(1, h.metrics.reorgs());
            // Published once each, then the branch from the fork point: 1..20, 16..22.
            List<Long> expected = new ArrayList<>(LongStream.rangeClosed(1, 20).boxed().toList());
            expected.addAll(LongStream.rangeClosed(16, branch.tipHeight()).boxed().toList());
            assertEquals(expected, h.topic.heights());
        }
    }

    @ParameterizedTest
    @EnumSource(value = FakeElectrum.Fault.class, names = {"STALL", "CLOSE", "WRONG_HEADER", "ERROR_OBJECT",
            "THROTTLE"})
    void aFailingServerIsLeftAndTheNextTakesOver(FakeElectrum.Fault fault) throws Exception {
        List<Real> real = realBlocks();
        Rejected rejected = new Rejected();
        try (FakeElectrum bad = serving(real, 6); FakeElectrum good = serving(real, 6);
             Harness h = new Harness(ElectrumSource.ID)) {
            bad.fault = fault;
            ChainSettings s = PUSHED.withBackfillBlocks(6).withRequestTimeout(Duration.ofSeconds(2));
            ElectrumSource source = source(h, List.of(bad, good), s, 100, rejected);
            follow(h, source, s);
            h.await(() -> h.topic.last() == 840_007, "history from the second server");
            assertEquals(LongStream.rangeClosed(840_002, 840_007).boxed().toList(), h.topic.heights(),
                    "each height once, none skipped");
            assertTrue(h.topic.records.stream().allMatch(r -> r.coinbaseHex() != null));
            SourceException.Kind kind = switch (fault) {
                case STALL -> SourceException.Kind.TIMEOUT;
                case CLOSE -> SourceException.Kind.CONNECT;
                case WRONG_HEADER -> SourceException.Kind.MALFORMED;
                case THROTTLE -> SourceException.Kind.THROTTLED;
                default -> SourceException.Kind.RPC_ERROR;
            };
            assertTrue(h.metrics.errors(kind) >= 1, kind + " counted: " + h.lines());
            assertEquals(good.address(), source.following());
            assertTrue(h.logged("leaving " + bad.address()), h.lines());
            assertTrue(rejected.records.isEmpty());
        }
    }

    @Test
    void theServerWithTheHighestTipIsFollowed() throws Exception {
        List<Real> real = realBlocks();
        try (FakeElectrum behind = serving(real, 4); FakeElectrum ahead = serving(real, 6);
             Harness h = new Harness(ElectrumSource.ID)) {
            ChainSettings s = PUSHED.withBackfillBlocks(6);
            ElectrumSource source = source(h, List.of(behind, ahead), s, 100, new Rejected());
            follow(h, source, s);
            h.await(() -> h.topic.last() == 840_007, "the higher server's tip");
            assertEquals(ahead.address(), source.following());
            assertEquals(LongStream.rangeClosed(840_002, 840_007).boxed().toList(), h.topic.heights());
            assertEquals(0, behind.calls("blockchain.block.headers"), "the lower one was only asked for its tip");
        }
    }

    @Test
    void aCertificateNotTrustedIsAConnectFailure() throws Exception {
        try (FakeElectrum server = serving(realBlocks(), 1); Harness h = new Harness(ElectrumSource.ID);
             ElectrumSource source = new ElectrumSource(List.of(server.address()), PUSHED, 0,
                     javax.net.ssl.SSLContext.getDefault(), h.metrics, h.log, new Rejected())) {
            SourceException e = assertThrows(SourceException.class, source::tip);
            assertEquals(SourceException.Kind.CONNECT, e.kind());
            assertTrue(e.getMessage().contains("TLS handshake failed"), e.getMessage());
            assertEquals(0, server.calls("server.version"), "nothing was sent to it");
        }
    }

    @Test
    void aWrongBranchIsDeadLetteredTheHeaderPublishedAndTheServerLeft() throws Exception {
        List<Real> real = realBlocks();
        Rejected rejected = new Rejected();
        try (FakeElectrum liar = serving(real, 4); FakeElectrum good = serving(real, 4);
             Harness h = new Harness(ElectrumSource.ID)) {
            liar.fault = FakeElectrum.Fault.WRONG_BRANCH;
            ChainSettings s = PUSHED.withBackfillBlocks(4);
            ElectrumSource source = source(h, List.of(liar, good), s, 100, rejected);
            follow(h, source, s);
            h.await(() -> h.topic.last() == 840_005, "history");
            // The liar's coinbases fail their proofs: dead-lettered, the headers still published (without them).
            assertEquals(4, rejected.records.size());
            assertTrue(rejected.reasons.stream().allMatch("coinbase_proof_failed"::equals));
            assertEquals(4, h.metrics.errors(SourceException.Kind.COINBASE_PROOF));
            assertTrue(h.topic.records.stream().allMatch(r -> r.coinbaseHex() == null));
            assertEquals(real.get(0).block().coinbaseHex(), rejected.records.get(0).coinbaseHex());
            // The liar is left: the next tips come, proven, from the honest server.
            Real next = real.get(4);
            liar.put(next.height(), next.header(), next.block());
            good.put(next.height(), next.header(), next.block());
            liar.announce();
            good.announce();
            h.await(() -> h.topic.last() == 840_006, "next tip");
            assertEquals(good.address(), source.following());
            HeaderRecord last = h.topic.records.get(h.topic.records.size() - 1);
            assertEquals(next.block().coinbaseHex(), last.coinbaseHex());
            assertEquals(LongStream.rangeClosed(840_002, 840_006).boxed().toList(), h.topic.heights());
            // The history's coinbases the liar could not prove are filled in from the honest server.
            h.await(() -> h.topic.fills.size() == 4, "the fill of 840,002..840,005");
            for (HeaderRecord r : h.topic.fills) {
                assertEquals(real.get((int) (r.height() - 840_002)).block().coinbaseHex(), r.coinbaseHex());
            }
            assertEquals(4, rejected.records.size(), "no more dead letters");
        }
    }

    @Test
    void proofsRefuseATransactionThatIsNotTheProvenOne() throws Exception {
        List<Real> real = realBlocks();
        Real a = real.get(0);
        Real b = real.get(1);
        var branch = io.hashwatch.model.Json.MAPPER.valueToTree(MerkleBranch.of(a.block().txids(), 0));
        assertNull(ElectrumSource.proofProblem(a.header(), a.coinbase().txid(), branch, a.block().coinbaseHex()));
        String problem = ElectrumSource.proofProblem(a.header(), a.coinbase().txid(), branch, b.block().coinbaseHex());
        assertNotNull(problem);
        assertTrue(problem.contains("hashes to " + b.coinbase().txid()), problem);
        assertNotNull(ElectrumSource.proofProblem(b.header(), a.coinbase().txid(), branch, a.block().coinbaseHex()));
    }

    @Test
    void addresses() {
        assertEquals(new ElectrumServer("electrum.example", 50002, true), ElectrumServer.parse("electrum.example"));
        assertEquals(new ElectrumServer("e.example", 50001, false), ElectrumServer.parse("tcp://e.example"));
        assertEquals(new ElectrumServer("e.example", 443, true), ElectrumServer.parse("ssl://e.example:443"));
        assertThrows(IllegalArgumentException.class, () -> ElectrumServer.parse("http://e.example:50002"));
        assertThrows(IllegalArgumentException.class, () -> ElectrumServer.parse("ssl://user@e.example:50002"));
        for (String s : ElectrumSource.DEFAULT_SERVERS) {
            assertTrue(ElectrumServer.parse(s).tls(), s);
        }
    }
}
