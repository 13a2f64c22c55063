package io.hashwatch.topology;

import static io.hashwatch.testing.TopologyHarness.detail;
import static io.hashwatch.testing.TopologyHarness.header;
import static io.hashwatch.testing.TopologyHarness.reason;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.CompactTarget;
import io.hashwatch.metrics.EconomicsMetrics;
import io.hashwatch.model.BlockRecord;
import io.hashwatch.model.DifficultyRecord;
import io.hashwatch.model.HashrateRecord;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.ReferencePrice;
import io.hashwatch.model.RejectReason;
import io.hashwatch.model.ReorgRecord;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.RegtestChain;
import io.hashwatch.testing.TopologyHarness;
import io.micrometer.core.instrument.DistributionSummary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input through the whole topology (TopologyTestDriver): every bad record is counted in the metrics, sent
 * to {@code dead-letters} byte for byte with its reason and a bounded detail, and the next valid record is still
 * processed normally. Deep reorganizations and floods of duplicates are followed exactly.
 *
 * <p>Where each hostile case is:
 * <ul>
 *   <li>truncated records: {@link #everyTruncationOfARecordIsMalformed} (every prefix, short headers, a tombstone);</li>
 *   <li>oversized records: {@link #oversizedRecordsAreMalformedAndTheirDeadLettersStayTheirSize} (2 MiB values,
 *   header_hex of 161, 162, 320 hex digits and 2 Mi, a 1 MiB network name);</li>
 *   <li>invalid JSON: {@link #invalidJsonIsMalformed}; wrong types and missing fields:
 *   {@link #wrongTypesAndMissingFieldsAreMalformed};</li>
 *   <li>bad proof of work and bad bits:
 *   {@link #badProofOfWorkAndTargetsOutOfRangeAreRejectedOnTheAnchorAndOnTheChain} (and bad_diffbits in
 *   ChainTopologyTest, below);</li>
 *   <li>broken links: {@link #brokenLinksAreRejectedAndTheSameHeaderIsAcceptedOnceItsParentIsThere};</li>
 *   <li>timestamps far in the future: {@link #aHeaderMoreThanTwoHoursAheadOfTheClockIsRejectedUntilTheClockCatchesUp};
 *   </li>
 *   <li>a deep reorg: {@link #aDeepReorganizationRewindsAndReemitsEveryHeightAndCanGoBack};</li>
 *   <li>10,000 duplicates: {@link #tenThousandDuplicatesAreCountedAndEmitNothing};</li>
 *   <li>prices 0, negative, NaN, Infinity, 1e12 and beyond:
 *   {@link #pricesThatAreNotFiniteOrOutsideTheBoundsAreOutOfRange} (0, -5, 1e12 and the NaN token in PriceTopologyTest, below); wrong-type and missing tick fields:
 *   {@link #mistypedAndMissingTickFieldsAreMalformed}; ticks from the future, hostile exchange names:
 *   {@link #aTickFromTheFutureIsRejectedAndDoesNotStopTheReferencePrice},
 *   {@link #anExchangeNameWithALoneSurrogateIsMalformedAndThePriceGoesOn},
 *   {@link #hostileExchangeAndPairNamesKeepMetricLabelsAndDeadLettersBounded}.</li>
 * </ul>
 *
 * <p>Covered elsewhere, not repeated here:
 * <ul>
 *   <li>{@code ChainTopologyTest.badInputGoesToTheDeadLetterTopicWithItsReasonAndProcessingGoesOn}: a high hash on
 *   the chain, bits {@code 2000ffff} against the retarget rule ({@code bad_diffbits}), an orphan with a random parent,
 *   a header 3 h ahead of the clock, {@code time_too_old}, {@code bad_version}, {@code height_mismatch},
 *   {@code "{not json"}, {@code "height":"x"}, {@code "header_hex":"abcd"}, network {@code dogecoin} (reasons in
 *   order; bytes, counters and detail asserted for some of them). The cases below are other variants of the same
 *   classes, each with counters, bytes and detail asserted.</li>
 *   <li>{@code ChainTopologyTest.duplicatesAreIgnoredIdempotently} (48 duplicates) and
 *   {@code aBranchWithMoreWorkRewindsToTheForkAndReemitsCorrectedRecords} (a reorg of depth 3).</li>
 *   <li>{@code PriceTopologyTest.absurdAndMalformedTicksAreDeadLettered}: prices 0, -5 and 1e12, pair ETH-USD, the
 *   JSON token {@code NaN} and {@code "{bad"}.</li>
 *   <li>{@code RecordParserFuzzTest}, {@code TopologyFuzzTest}, {@code ExchangeParserFuzzTest}: the same properties
 *   over thousands of seeded mutations.</li>
 * </ul>
 */
class HostileInputTest {
    /** The test clock, seconds: well after the fixture chains' blocks. */
    private static final long NOW = 1_400_000_000L;
    private static final long NOW_MS = NOW * 1000;
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path stateDir;

    private TopologyHarness t;

    @BeforeEach
    void start() {
        t = new TopologyHarness(stateDir, "hostile-input-test", NOW);
    }

    @AfterEach
    void stop() {
        t.close();
    }

    // ---- helpers ----

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(HeaderRecord r) {
        return new String(Json.write(r), StandardCharsets.UTF_8);
    }

    /** {@code json} (an object) with {@code field} set to the raw JSON {@code literal}, or removed when null. */
    private static String withField(String json, String field, String literal) {
        ObjectNode node = (ObjectNode) Json.read(utf8(json), JsonNode.class);
        if (literal == null) {
            node.remove(field);
            return new String(Json.write(node), StandardCharsets.UTF_8);
        }
        node.set(field, TextNode.valueOf("@@placeholder@@"));
        return new String(Json.write(node), StandardCharsets.UTF_8).replace("\"@@placeholder@@\"", literal);
    }

    /** A regtest chain 0..tip sent and its outputs drained. */
    private RegtestChain started(long seed, int tip) {
        RegtestChain chain = RegtestChain.fromGenesis(seed);
        chain.extend(tip);
        t.send(chain.records(0, tip));
        drainAll();
        return chain;
    }

    private void drainAll() {
        t.drain(Topics.BLOCKS);
        t.drain(Topics.HASHRATE);
        t.drain(Topics.DIFFICULTY);
        t.drain(Topics.DIFFICULTY_ADJUSTMENTS);
        t.drain(Topics.HASHPRICE);
        t.drain(Topics.ECONOMICS);
        t.drain(Topics.REORGS);
        t.drain(Topics.REFERENCE_PRICES);
        t.drain(Topics.DEAD_LETTERS);
    }

    /**
     * Asserts the dead letters are exactly the inputs, byte for byte and in order, each with the reason, a detail
     * that says something and is bounded, and the source topic.
     */
    private static void assertDeadLetters(List<TestRecord<String, byte[]>> dead, List<byte[]> inputs,
                                          RejectReason reason, String sourceTopic) {
        assertEquals(inputs.size(), dead.size(), "one dead letter per rejected input");
        for (int i = 0; i < inputs.size(); i++) {
            TestRecord<String, byte[]> d = dead.get(i);
            String what = reason.label() + " #" + i + " (" + show(inputs.get(i)) + ")";
            assertArrayEquals(inputs.get(i), d.value(), "the dead letter is the input byte for byte: " + what);
            assertEquals(reason.label(), reason(d), what + ": " + detail(d));
            assertFalse(detail(d).isBlank(), what);
            assertTrue(detail(d).length() <= DeadLetters.MAX_DETAIL_CHARS + 40, what + ": detail of "
                    + detail(d).length() + " chars");
            assertEquals(sourceTopic, header(d, Topics.REJECT_SOURCE_TOPIC_HEADER), what);
        }
    }

    /** The original length a cut detail reports: "... (N characters)". */
    private static long cutFrom(String detail) {
        Matcher m = Pattern.compile("\\.\\.\\. \\((\\d+) characters\\)$").matcher(detail);
        assertTrue(m.find(), detail);
        return Long.parseLong(m.group(1));
    }

    private static String show(byte[] b) {
        if (b == null) {
            return "null";
        }
        String s = new String(b, StandardCharsets.UTF_8);
        return s.length() <= 80 ? s : s.substring(0, 80) + "...(" + b.length + " bytes)";
    }

    /** Sends each raw value to {@code headers} and asserts each is dead-lettered as malformed. */
    private void assertMalformedHeaders(List<byte[]> inputs) {
        double before = t.rejectedHeaders(RejectReason.MALFORMED);
        inputs.forEach(t::sendHeader);
        assertDeadLetters(t.drain(Topics.DEAD_LETTERS), inputs, RejectReason.MALFORMED, "headers");
        assertEquals(before + inputs.size(), t.rejectedHeaders(RejectReason.MALFORMED));
        assertTrue(t.drain(Topics.BLOCKS).isEmpty());
    }

    /** Sends the next block of {@code chain} and asserts it is connected normally. */
    private void assertNextBlockIsConnected(RegtestChain chain) {
        long h = chain.tipHeight() + 1;
        chain.extend(1);
        double verified = t.counter("hashwatch_headers_verified", "network", "regtest", "verification", "full");
        t.send(chain.record(h));
        List<TestRecord<String, BlockRecord>> blocks = t.drain(Topics.BLOCKS);
        assertEquals(1, blocks.size(), "the next valid block is processed normally");
        assertEquals(chain.at(h).hash(), blocks.get(0).value().hash());
        assertEquals("regtest:" + h, blocks.get(0).key());
        assertEquals(verified + 1, t.counter("hashwatch_headers_verified", "network", "regtest", "verification",
                "full"));
        assertEquals((double) h, t.gauge("hashwatch_tip_height", "network", "regtest"));
        assertTrue(t.drain(Topics.DEAD_LETTERS).isEmpty());
    }

    private static HeaderRecord rec(long height, BlockHeader h) {
        return new HeaderRecord("regtest", height, h.hex(), null, null, "hostile", null);
    }

    // ---- headers: truncated, oversized, invalid JSON, wrong types ----

    @Test
    void everyTruncationOfARecordIsMalformed() {
        RegtestChain chain = started(11, 10);
        chain.extend(1);
        byte[] full = Json.write(new HeaderRecord("regtest", 11, chain.at(11).hex(), 1234L, 7, "hostile",
                1_400_000_000_000L));
        List<byte[]> cut = new ArrayList<>();
        for (int len = 0; len < full.length; len++) {
            cut.add(Arrays.copyOf(full, len));
        }
        // A valid record whose header is short: 79 bytes, an odd number of hex digits, nothing.
        String hex = chain.at(11).hex();
        for (String shortHex : List.of(hex.substring(0, 158), hex.substring(0, 159), "")) {
            cut.add(Json.write(new HeaderRecord("regtest", 11, shortHex, null, null, "hostile", null)));
        }
        cut.add(null);      // a tombstone on the input topic
        assertMalformedHeaders(cut);
        assertEquals(full.length + 4.0, t.rejectedHeaders(RejectReason.MALFORMED));

        // The one intact record is then connected, and the chain goes on.
        t.sendHeader(full);
        assertEquals(chain.at(11).hash(), t.drain(Topics.BLOCKS).get(0).value().hash());
        assertNextBlockIsConnected(chain);
    }

    @Test
    void oversizedRecordsAreMalformedAndTheirDeadLettersStayTheirSize() {
        RegtestChain chain = started(12, 10);
        chain.extend(1);
        String hex = chain.at(11).hex();
        String valid = text(rec(11, chain.at(11)));
        byte[] twoMiBHex = utf8(valid.replace(hex, "0".repeat(2 * MIB)));
        SplittableRandom random = new SplittableRandom(12);
        byte[] twoMiBNoise = new byte[2 * MIB];
        random.nextBytes(twoMiBNoise);
        List<byte[]> inputs = List.of(
                utf8(valid.replace(hex, hex + "00")),                           // 81 bytes
                utf8(valid.replace(hex, hex + hex)),                            // two headers in one
                utf8(valid.replace(hex, hex + "0")),                            // 161 hex digits
                twoMiBHex,
                twoMiBNoise,
                utf8("[" + (valid + ",").repeat(2 * MIB / valid.length()) + valid + "]"));  // 2 MiB of records
        assertMalformedHeaders(inputs);

        // The detail says what was wrong with the header, briefly, even when the input is 2 MiB.
        t.sendHeader(twoMiBHex);
        String d = detail(t.drain(Topics.DEAD_LETTERS).get(0));
        assertTrue(d.contains("160 hex characters, got " + 2 * MIB), d);

        // A 1 MiB network name is quoted in the detail, which is cut: a dead letter must not be twice its input,
        // or it would exceed the producer's max.request.size and stop the app.
        String bigNetwork = "x".repeat(MIB);
        byte[] bigNetworkRecord = utf8(valid.replace("\"regtest\"", "\"" + bigNetwork + "\""));
        t.sendHeader(bigNetworkRecord);
        TestRecord<String, byte[]> dl = t.drain(Topics.DEAD_LETTERS).get(0);
        assertEquals("unknown_network", reason(dl));
        assertArrayEquals(bigNetworkRecord, dl.value());
        assertTrue(detail(dl).length() < 600, "detail of " + detail(dl).length() + " characters");
        assertTrue(detail(dl).startsWith("no header rules for network 'xxx"), detail(dl).substring(0, 40));
        assertTrue(cutFrom(detail(dl)) > MIB, detail(dl).substring(480));
        assertEquals(1, t.rejectedHeaders(RejectReason.UNKNOWN_NETWORK));

        t.send(rec(11, chain.at(11)));
        assertEquals(chain.at(11).hash(), t.drain(Topics.BLOCKS).get(0).value().hash());
        assertNextBlockIsConnected(chain);
    }

    @Test
    void invalidJsonIsMalformed() {
        RegtestChain chain = started(13, 10);
        chain.extend(1);
        String valid = text(rec(11, chain.at(11)));
        List<byte[]> inputs = new ArrayList<>(List.of(
                utf8(valid + valid),                                    // two records back to back
                utf8(valid + " x"),                                     // trailing tokens
                utf8(valid.replace("\"height\":11", "\"height\":NaN")),
                utf8(valid.replace('"', '\'')),
                utf8("/* a comment */" + valid),
                utf8(valid.replace("\"hostile\"", "\"a\u0001b\"")),     // unescaped control character in a string
                utf8("[" + valid + "]"),
                utf8("null"),
                utf8(""),
                utf8(" \n\t "),
                utf8("\"" + valid.replace("\"", "\\\"") + "\""),        // the record as a JSON string
                utf8("[".repeat(100_000)),                              // deeper than Jackson's limit
                utf8("{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000))));
        // Not UTF-8: a lone 0xff, a UTF-16 surrogate encoded in UTF-8, a multi-byte sequence cut short. (Jackson does
        // accept overlong encodings such as C0 AF for '/': harmless here, no decision depends on those bytes.)
        int at = valid.indexOf("hostile");
        byte[] ff = utf8(valid);
        ff[at] = (byte) 0xff;
        inputs.add(ff);
        byte[] surrogate = utf8(valid);
        surrogate[at] = (byte) 0xed;
        surrogate[at + 1] = (byte) 0xa0;
        surrogate[at + 2] = (byte) 0x80;
        inputs.add(surrogate);
        inputs.add(Arrays.copyOf(utf8(valid.replace("hostile", "hostil\u00e9")), at + 7));
        assertMalformedHeaders(inputs);
        t.send(rec(11, chain.at(11)));
        assertEquals(chain.at(11).hash(), t.drain(Topics.BLOCKS).get(0).value().hash());
        assertNextBlockIsConnected(chain);
    }

    @Test
    void wrongTypesAndMissingFieldsAreMalformed() {
        RegtestChain chain = started(14, 10);
        chain.extend(1);
        String valid = text(new HeaderRecord("regtest", 11, chain.at(11).hex(), 1_000L, 2, "hostile", 5L));
        String hex = "\"" + chain.at(11).hex() + "\"";
        Map<String, List<String>> wrong = new LinkedHashMap<>();
        wrong.put("height", Arrays.asList("\"11\"", "11.0", "1.1e1", "true", "null", "[11]", "{\"h\":11}",
                "-1", "99999999999999999999", null));
        wrong.put("header_hex", Arrays.asList("12", "1e3", "true", "[" + hex + "]", "{\"hex\":" + hex + "}",
                "null", null));
        wrong.put("network", Arrays.asList("5", "true", "[\"regtest\"]", "{}", "null", null));
        wrong.put("source", List.of("1", "false", "[]"));
        wrong.put("fees_sat", List.of("\"5\"", "\"\"", "\" \"", "1.5", "true", "{}"));
        wrong.put("tx_count", List.of("3000000000", "\"3\"", "2.0"));
        wrong.put("observed_time_ms", List.of("\"1400000000000\"", "1.4e12"));
        List<byte[]> inputs = new ArrayList<>();
        wrong.forEach((field, literals) -> literals.forEach(l -> inputs.add(utf8(withField(valid, field, l)))));
        inputs.add(utf8("{}"));
        assertMalformedHeaders(inputs);

        // The detail names the problem: the field, or what is missing.
        t.sendHeader(withField(valid, "network", "5"));
        assertTrue(detail(t.drain(Topics.DEAD_LETTERS).get(0)).contains("String"), "a number is not a network");
        t.sendHeader(withField(valid, "header_hex", null));
        assertEquals("network and header_hex are required", detail(t.drain(Topics.DEAD_LETTERS).get(0)));
        t.sendHeader(withField(valid, "height", "-1"));
        assertEquals("height -1 is negative", detail(t.drain(Topics.DEAD_LETTERS).get(0)));

        // Unknown fields are tolerated (producers may add some): this one is accepted.
        t.sendHeader(withField(valid, "confirmations", "[1,{\"a\":null}]"));
        assertEquals(chain.at(11).hash(), t.drain(Topics.BLOCKS).get(0).value().hash());
        assertNextBlockIsConnected(chain);
    }

    // ---- headers: proof of work, bits, links, time ----

    /** The mainnet genesis header, with another nonce: its hash misses the target by far. */
    private static final String MAINNET_GENESIS_HEX = "0100000000000000000000000000000000000000000000000000000000000000"
            + "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";

    @Test
    void badProofOfWorkAndTargetsOutOfRangeAreRejectedOnTheAnchorAndOnTheChain() {
        // The first header of a network is checked for proof of work alone (no history). Mainnet's genesis with its
        // nonce changed misses the target; headers with bits above mainnet's powLimit are out of range.
        byte[] merkle = new byte[32];
        String badNonce = MAINNET_GENESIS_HEX.substring(0, 152) + "1dac2b7d";
        List<byte[]> highHash = List.of(Json.write(new HeaderRecord("mainnet", 0, badNonce, null, null, "x", null)));
        highHash.forEach(t::sendHeader);
        List<TestRecord<String, byte[]>> dead = t.drain(Topics.DEAD_LETTERS);
        assertDeadLetters(dead, highHash, RejectReason.HIGH_HASH, "headers");
        assertTrue(detail(dead.get(0)).contains("above the target of bits 1d00ffff"), detail(dead.get(0)));
        long[] aboveMainnetLimit = {0x1d010000L, 0x1e00ffffL, 0x207fffffL};
        List<byte[]> anchors = new ArrayList<>();
        for (long bits : aboveMainnetLimit) {
            BlockHeader h = BlockHeader.parse(RegtestChain.serialize(1, "00".repeat(32), merkle, 1_231_006_505L, bits,
                    0));
            anchors.add(Json.write(new HeaderRecord("mainnet", 0, h.hex(), null, null, "x", null)));
        }
        anchors.forEach(t::sendHeader);
        dead = t.drain(Topics.DEAD_LETTERS);
        assertDeadLetters(dead, anchors, RejectReason.TARGET_OUT_OF_RANGE, "headers");
        for (int i = 0; i < aboveMainnetLimit.length; i++) {
            assertTrue(detail(dead.get(i)).equals("bits " + CompactTarget.toHex(aboveMainnetLimit[i])
                    + " is not a target within powLimit 1d00ffff"), detail(dead.get(i)));
        }
        assertTrue(t.drain(Topics.BLOCKS).isEmpty(), "no chain state from a rejected anchor");
        t.send(new HeaderRecord("mainnet", 0, MAINNET_GENESIS_HEX, null, null, "hostile", null));
        List<TestRecord<String, BlockRecord>> mainnet = t.drain(Topics.BLOCKS);
        assertEquals("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f", mainnet.get(0).value().hash());
        assertEquals("full", mainnet.get(0).value().verification());

        // On a chain: negative, zero (two ways), overflowing, above powLimit; the range is checked before the hash.
        RegtestChain chain = started(15, 10);
        BlockHeader tip = chain.at(10);
        long[] badBits = {0x04923456L, 0x00000000L, 0x01003456L, 0x20800000L, 0xff123456L, 0x2100ffffL};
        List<byte[]> onChain = new ArrayList<>();
        for (long bits : badBits) {
            BlockHeader h = BlockHeader.parse(RegtestChain.serialize(RegtestChain.VERSION, tip.hash(), merkle,
                    tip.time() + 600, bits, 0));
            onChain.add(Json.write(rec(11, h)));
        }
        onChain.forEach(t::sendHeader);
        dead = t.drain(Topics.DEAD_LETTERS);
        assertDeadLetters(dead, onChain, RejectReason.TARGET_OUT_OF_RANGE, "headers");
        for (int i = 0; i < badBits.length; i++) {
            assertEquals("bits " + CompactTarget.toHex(badBits[i]) + " is not a target within powLimit 207fffff",
                    detail(dead.get(i)));
        }
        assertEquals(aboveMainnetLimit.length + badBits.length, t.rejectedHeaders(RejectReason.TARGET_OUT_OF_RANGE));
        assertEquals(1, t.rejectedHeaders(RejectReason.HIGH_HASH));
        assertNextBlockIsConnected(chain);
    }

    @Test
    void brokenLinksAreRejectedAndTheSameHeaderIsAcceptedOnceItsParentIsThere() {
        RegtestChain chain = started(16, 10);
        chain.extend(2);

        // A gap: 12 before 11. Not remembered as bad: once 11 is there, the same 12 connects.
        HeaderRecord gap = chain.record(12);
        t.send(gap);
        // A child of a rejected header: a rejected header is not known, so neither is its child's parent.
        BlockHeader tip = chain.at(10);
        BlockHeader highHash = null;
        for (long nonce = 0; highHash == null; nonce++) {
            BlockHeader h = BlockHeader.parse(RegtestChain.serialize(RegtestChain.VERSION, tip.hash(), new byte[32],
                    tip.time() + 600, RegtestChain.BITS, nonce));
            if (h.hashValue().compareTo(CompactTarget.decode(RegtestChain.BITS)) > 0) {
                highHash = h;
            }
        }
        t.send(rec(11, highHash));
        BlockHeader childOfRejected = RegtestChain.mine(RegtestChain.VERSION, highHash.hash(), new byte[32],
                tip.time() + 1200, RegtestChain.BITS);
        t.send(rec(12, childOfRejected));
        // A parent of all zeros (a genesis claim) above height 0.
        BlockHeader zeroParent = RegtestChain.mine(RegtestChain.VERSION, "00".repeat(32), new byte[32],
                tip.time() + 600, RegtestChain.BITS);
        t.send(rec(11, zeroParent));

        List<TestRecord<String, byte[]>> dead = t.drain(Topics.DEAD_LETTERS);
        assertEquals(List.of("prev_block_not_found", "high_hash", "prev_block_not_found", "prev_block_not_found"),
                dead.stream().map(TopologyHarness::reason).toList());
        assertDeadLetters(List.of(dead.get(0), dead.get(2), dead.get(3)), List.of(Json.write(gap),
                Json.write(rec(12, childOfRejected)), Json.write(rec(11, zeroParent))),
                RejectReason.PREV_BLOCK_NOT_FOUND, "headers");
        assertTrue(detail(dead.get(0)).contains("parent " + chain.at(11).hash() + " of block " + chain.at(12).hash()
                + " at height 12 is not known; tip is 10"), detail(dead.get(0)));
        assertEquals(3, t.rejectedHeaders(RejectReason.PREV_BLOCK_NOT_FOUND));
        assertTrue(t.drain(Topics.BLOCKS).isEmpty());

        t.send(chain.record(11));
        t.send(gap);
        assertEquals(List.of(chain.at(11).hash(), chain.at(12).hash()),
                t.drain(Topics.BLOCKS).stream().map(r -> r.value().hash()).toList());
        assertNextBlockIsConnected(chain);
    }

    @Test
    void aHeaderMoreThanTwoHoursAheadOfTheClockIsRejectedUntilTheClockCatchesUp() {
        RegtestChain chain = started(17, 10);
        chain.extend(1);
        BlockHeader next = chain.at(11);
        // Core: rejected when time > now + 7200. One second over, then exactly at the limit.
        t.nowSeconds.set(next.time() - 7201);
        t.send(chain.record(11));
        List<TestRecord<String, byte[]>> dead = t.drain(Topics.DEAD_LETTERS);
        assertDeadLetters(dead, List.of(Json.write(chain.record(11))), RejectReason.TIME_TOO_NEW, "headers");
        assertTrue(detail(dead.get(0)).contains(Long.toString(next.time())), detail(dead.get(0)));
        assertTrue(t.drain(Topics.BLOCKS).isEmpty());

        // The largest time a header can hold (2106-02-07), on the right parent with the right bits.
        BlockHeader year2106 = RegtestChain.mine(RegtestChain.VERSION, chain.at(10).hash(), new byte[32], 0xffffffffL,
                RegtestChain.BITS);
        t.send(rec(11, year2106));
        assertDeadLetters(t.drain(Topics.DEAD_LETTERS), List.of(Json.write(rec(11, year2106))),
                RejectReason.TIME_TOO_NEW, "headers");
        assertEquals(2, t.rejectedHeaders(RejectReason.TIME_TOO_NEW));

        t.nowSeconds.set(next.time() - 7200);
        t.send(chain.record(11));
        assertEquals(next.hash(), t.drain(Topics.BLOCKS).get(0).value().hash(), "at the limit it is accepted");
        t.nowSeconds.set(NOW);
        assertNextBlockIsConnected(chain);
        assertEquals(2, t.rejectedHeaders(RejectReason.TIME_TOO_NEW));
    }

    // ---- headers: a deep reorganization, a flood of duplicates ----

    /**
     * A 150-block branch forking 149 blocks below the tip overtakes the best chain: one reorganization of depth 149,
     * every height of the branch re-emitted with its own block, hashrate and difficulty record, the old blocks kept
     * as a side branch; extended past the new tip, the old branch comes back (depth 151).
     */
    @Test
    void aDeepReorganizationRewindsAndReemitsEveryHeightAndCanGoBack() {
        RegtestChain main = started(18, 200);
        RegtestChain branch = main.fork(51);
        branch.extend(151);                                     // heights 52..202
        main.extend(3);                                         // heights 201..203, later

        t.send(branch.records(52, 200));                        // less or equal work: kept aside
        assertTrue(t.drain(Topics.BLOCKS).isEmpty());
        assertTrue(t.drain(Topics.REORGS).isEmpty());
        assertEquals(201 + 149, t.counter("hashwatch_headers_verified", "network", "regtest", "verification", "full"));

        t.send(branch.record(201));                             // more work: the branch becomes best
        List<TestRecord<String, ReorgRecord>> reorgs = t.drain(Topics.REORGS);
        assertEquals(1, reorgs.size());
        ReorgRecord r = reorgs.get(0).value();
        assertEquals(new ReorgRecord("regtest", 51, main.at(51).hash(), 200, main.at(200).hash(), 201,
                branch.at(201).hash(), 149, 150, r.detectedAtMs()), r);
        assertEquals("regtest", reorgs.get(0).key());
        assertReemitted(branch, 52, 201);
        assertEquals(201.0, t.gauge("hashwatch_tip_height", "network", "regtest"));

        t.send(branch.record(202));                             // the new tip extends normally
        assertEquals(branch.at(202).hash(), t.drain(Topics.BLOCKS).get(0).value().hash());
        drainAll();

        // The old branch was kept: two more blocks on it (201 and 202 tie, 203 wins) switch back.
        t.send(main.records(201, 203));
        reorgs = t.drain(Topics.REORGS);
        assertEquals(1, reorgs.size());
        r = reorgs.get(0).value();
        assertEquals(new ReorgRecord("regtest", 51, main.at(51).hash(), 202, branch.at(202).hash(), 203,
                main.at(203).hash(), 151, 152, r.detectedAtMs()), r);
        assertReemitted(main, 52, 203);

        assertEquals(2, t.counter("hashwatch_reorgs", "network", "regtest"));
        DistributionSummary depth = t.registry.find("hashwatch_reorg_depth_blocks").tag("network", "regtest")
                .summary();
        assertEquals(2, depth.count());
        assertEquals(149 + 151, depth.totalAmount());
        assertEquals(151, depth.max());
        assertEquals(201 + 151 + 3, t.counter("hashwatch_headers_verified", "network", "regtest", "verification",
                "full"), "each header verified once, however often it is re-emitted");
        assertEquals(0, t.counterSum("hashwatch_headers_duplicate"));
        assertTrue(t.drain(Topics.DEAD_LETTERS).isEmpty());
        assertNextBlockIsConnected(main);
    }

    /** Exactly heights from..to of {@code chain}, in order, on blocks, hashrate and difficulty; nothing else. */
    private void assertReemitted(RegtestChain chain, long from, long to) {
        List<TestRecord<String, BlockRecord>> blocks = t.drain(Topics.BLOCKS);
        List<TestRecord<String, HashrateRecord>> hashrate = t.drain(Topics.HASHRATE);
        List<TestRecord<String, DifficultyRecord>> difficulty = t.drain(Topics.DIFFICULTY);
        int n = (int) (to - from + 1);
        assertEquals(n, blocks.size());
        assertEquals(n, hashrate.size());
        assertEquals(n, difficulty.size());
        for (int i = 0; i < n; i++) {
            long h = from + i;
            BlockHeader expected = chain.at(h);
            assertEquals("regtest:" + h, blocks.get(i).key());
            assertEquals(expected.hash(), blocks.get(i).value().hash(), "block at " + h);
            assertEquals(chain.at(h - 1).hash(), blocks.get(i).value().prevHash(), "linked at " + h);
            assertEquals(expected.time() * 1000, blocks.get(i).timestamp());
            assertEquals(expected.hash(), hashrate.get(i).value().hash(), "hashrate at " + h);
            assertEquals(expected.hash(), difficulty.get(i).value().hash(), "difficulty at " + h);
            // Every block of the fixture is 600 s after its parent: the 1-day window over the branch is exact.
            if (h >= 200) {
                assertEquals(2.0 / 600, hashrate.get(i).value().hashrate1dHps(), 1e-15);
            }
        }
    }

    @Test
    void tenThousandDuplicatesAreCountedAndEmitNothing() {
        RegtestChain chain = started(19, 99);
        RegtestChain side = chain.fork(95);
        side.extend(2);                                         // 96', 97': less work than the tip at 99
        t.send(side.records(96, 97));
        assertTrue(t.drain(Topics.BLOCKS).isEmpty());

        List<byte[]> known = new ArrayList<>();
        for (HeaderRecord r : chain.records(0, 99)) {
            known.add(Json.write(r));
            // The same header said differently is the same block: other source, fees, spacing, upper-case hex.
            known.add(utf8(" { \"network\" : \"regtest\", \"height\" : " + r.height() + ", \"header_hex\" : \""
                    + r.headerHex().toUpperCase() + "\", \"fees_sat\": 5, \"source\": \"elsewhere\" } "));
        }
        side.records(96, 97).forEach(r -> known.add(Json.write(r)));
        double verified = t.counter("hashwatch_headers_verified", "network", "regtest", "verification", "full");
        for (int i = 0; i < 10_000; i++) {
            t.sendHeader(known.get(i % known.size()));
        }
        assertEquals(10_000, t.counter("hashwatch_headers_duplicate", "network", "regtest"));
        assertEquals(verified, t.counter("hashwatch_headers_verified", "network", "regtest", "verification", "full"));
        for (var topic : List.of(Topics.BLOCKS, Topics.HASHRATE, Topics.DIFFICULTY, Topics.REORGS)) {
            assertTrue(t.drain(topic).isEmpty(), topic.name() + ": a known header emits nothing");
        }
        assertTrue(t.drain(Topics.DEAD_LETTERS).isEmpty(), "a duplicate is not an error");
        assertEquals(0, t.counterSum("hashwatch_headers_rejected"));
        assertEquals(99.0, t.gauge("hashwatch_tip_height", "network", "regtest"));
        assertNextBlockIsConnected(chain);
    }

    // ---- prices ----

    private static PriceTick tick(String exchange, double price, long tradeTimeMs) {
        return new PriceTick(exchange, "BTC-USD", price, 0.1, tradeTimeMs, tradeTimeMs + 50, "1");
    }

    private static String tickJson(String exchange, String priceLiteral, long tradeTimeMs) {
        return new String(Json.write(tick(exchange, 1, tradeTimeMs)), StandardCharsets.UTF_8)
                .replace("\"price\":1.0", "\"price\":" + priceLiteral);
    }

    /** Sends each raw tick and asserts each is dead-lettered with {@code reason}. */
    private void assertRejectedTicks(List<byte[]> inputs, RejectReason reason) {
        double before = t.rejectedPrices(reason);
        double accepted = t.counterSum("hashwatch_prices_accepted");
        inputs.forEach(v -> t.sendPrice(v, NOW_MS));
        assertDeadLetters(t.drain(Topics.DEAD_LETTERS), inputs, reason, "prices");
        assertEquals(before + inputs.size(), t.rejectedPrices(reason));
        assertEquals(accepted, t.counterSum("hashwatch_prices_accepted"));
        assertTrue(t.drain(Topics.REFERENCE_PRICES).isEmpty());
    }

    /** A valid tick after the rejected ones makes its minute's reference price. */
    private void assertAValidTickStillMakesAPrice(long tradeTimeMs, double price) {
        t.send(tick("coinbase", price, tradeTimeMs));
        Map<String, ReferencePrice> latest = new HashMap<>();
        t.drain(Topics.REFERENCE_PRICES).forEach(r -> latest.put(r.key(), r.value()));
        ReferencePrice p = latest.get("BTC-USD:" + tradeTimeMs / 60_000 * 60_000);
        assertEquals(price, p.price(), 0.0, "and the reference price goes on");
        assertTrue(t.drain(Topics.DEAD_LETTERS).isEmpty());
    }

    @Test
    void pricesThatAreNotFiniteOrOutsideTheBoundsAreOutOfRange() {
        List<byte[]> inputs = new ArrayList<>();
        for (String literal : List.of("\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "1e400", "-1e400", "-0.0",
                "1e-400", "4.9e-324", "0.0099", "10000000.01", "-100000")) {
            inputs.add(utf8(tickJson("coinbase", literal, NOW_MS - 1000)));
        }
        assertRejectedTicks(inputs, RejectReason.PRICE_OUT_OF_RANGE);
        t.sendPrice(tickJson("coinbase", "\"NaN\"", NOW_MS), NOW_MS);
        String d = detail(t.drain(Topics.DEAD_LETTERS).get(0));
        assertEquals("price NaN from coinbase is outside [0.01, 1.0E7]", d);

        // The bounds themselves are prices.
        t.sendPrice(tickJson("kraken", "0.01", NOW_MS), NOW_MS);
        t.sendPrice(tickJson("bitstamp", "10000000", NOW_MS), NOW_MS);
        assertEquals(2, t.counterSum("hashwatch_prices_accepted"));
        assertTrue(t.drain(Topics.DEAD_LETTERS).isEmpty());
        assertEquals(12, t.rejectedPrices(RejectReason.PRICE_OUT_OF_RANGE));
        t.nowSeconds.set(NOW + 120);
        assertAValidTickStillMakesAPrice(NOW_MS + 120_000, 100_000);
    }

    @Test
    void mistypedAndMissingTickFieldsAreMalformed() {
        String valid = new String(Json.write(tick("coinbase", 100_000, NOW_MS)), StandardCharsets.UTF_8);
        Map<String, List<String>> wrong = new LinkedHashMap<>();
        wrong.put("price", Arrays.asList("\"100000\"", "\"\"", "true", "[100000]", "{}", "null", null));
        wrong.put("trade_time_ms", Arrays.asList("\"" + NOW_MS + "\"", "1.4e12", "0", "-1", "null", null));
        wrong.put("receive_time_ms", Arrays.asList("\"1\"", "null", null));
        wrong.put("exchange", Arrays.asList("7", "true", "\"\"", "\"  \"", "null", null));
        wrong.put("pair", Arrays.asList("true", "[\"BTC-USD\"]", "null", null));
        wrong.put("size", List.of("\"0.1\"", "\"\"", "false"));
        wrong.put("trade_id", List.of("12", "1.5", "{}"));
        List<byte[]> inputs = new ArrayList<>();
        wrong.forEach((field, literals) -> literals.forEach(l -> inputs.add(utf8(withField(valid, field, l)))));
        inputs.add(utf8("[]"));
        inputs.add(null);
        assertRejectedTicks(inputs, RejectReason.MALFORMED);

        t.sendPrice(withField(valid, "trade_time_ms", "0"), NOW_MS);
        assertEquals("trade_time_ms 0 is not a time", detail(t.drain(Topics.DEAD_LETTERS).get(0)));
        t.sendPrice(withField(valid, "exchange", "\" \""), NOW_MS);
        assertEquals("exchange and pair are required", detail(t.drain(Topics.DEAD_LETTERS).get(0)));
        assertAValidTickStillMakesAPrice(NOW_MS, 100_000);
    }

    /**
     * A tick from the future used to be accepted and re-stamped with its trade time, moving the reference price's
     * stream time ahead: every real tick after it was then "late" and dropped (for good with trade_time_ms near
     * Long.MAX_VALUE, where the lateness bound also overflowed). Now a tick at or beyond the clock plus the grace
     * period is rejected as {@code time_too_new}; one just inside is accepted and cannot close the current minute.
     * (A bound of 2 h, as for headers, let one tick 1 h 59 min ahead make every real tick late for two hours.)
     */
    @Test
    void aTickFromTheFutureIsRejectedAndDoesNotStopTheReferencePrice() {
        long limitMs = (NOW + 60) * 1000;  // the default grace period
        List<byte[]> inputs = new ArrayList<>();
        for (long tradeTime : new long[] {Long.MAX_VALUE, NOW_MS * 1000, NOW_MS + 86_400_000L, NOW_MS + 7_199_000L,
                limitMs}) {
            inputs.add(Json.write(tick("coinbase", 100_000, tradeTime)));
        }
        // (Sent with a sane record timestamp: TopologyTestDriver runs the whole topology as one task, so the input's
        // own timestamp would move the reference price's stream time too; in Kafka they are different tasks.)
        assertRejectedTicks(inputs, RejectReason.TIME_TOO_NEW);
        t.sendPrice(Json.write(tick("coinbase", 100_000, NOW_MS * 1000)), NOW_MS);
        assertEquals("trade_time_ms " + NOW_MS * 1000 + " from coinbase is not before the clock (" + NOW
                + " s) plus the grace period (60 s)", detail(t.drain(Topics.DEAD_LETTERS).get(0)));

        assertAValidTickStillMakesAPrice(NOW_MS, 100_000);
        t.send(tick("kraken", 102_000, limitMs - 1));            // just inside the limit: accepted
        assertEquals(2, t.counterSum("hashwatch_prices_accepted"));
        // ... and it closes no minute a tick of now can belong to.
        assertAValidTickStillMakesAPrice(NOW_MS + 1_000, 101_500);
        assertEquals(0, t.counterSum("hashwatch_prices_late_dropped"));
        assertEquals(6, t.rejectedPrices(RejectReason.TIME_TOO_NEW));
    }

    /**
     * Found by {@code TopologyFuzzTest}: JSON can escape a lone surrogate ({@code "x\\ud800"}) and Jackson reads it
     * into a String. As an exchange name it used to be accepted and kept as a key of the minute's state, which
     * Jackson then writes but cannot read back ("Broken surrogate pair in field name"): every later tick whose
     * lookback held that minute failed, and from the moment the minute fell into the purge range, every new minute
     * did, so the reference price stopped for good (with the production exception handler, each failure is logged
     * and skipped). Now such a name is malformed.
     */
    @Test
    void anExchangeNameWithALoneSurrogateIsMalformedAndThePriceGoesOn() {
        String valid = new String(Json.write(tick("coinbase", 100_000, NOW_MS)), StandardCharsets.UTF_8);
        List<byte[]> inputs = List.of(utf8(valid.replace("\"coinbase\"", "\"x\\ud800\"")),
                utf8(valid.replace("\"coinbase\"", "\"\\udfff\"")),
                utf8(valid.replace("\"coinbase\"", "\"\\udc00\\ud800\"")));     // the pair the wrong way round
        assertRejectedTicks(inputs, RejectReason.MALFORMED);
        t.sendPrice(inputs.get(0), NOW_MS);
        assertEquals("exchange name with a lone surrogate is not text", detail(t.drain(Topics.DEAD_LETTERS).get(0)));

        // A well-formed astral character is text: accepted, and read back from the state like any name.
        t.sendPrice(valid.replace("\"coinbase\"", "\"\\ud83d\\udca9\""), NOW_MS);
        assertTrue(t.drain(Topics.DEAD_LETTERS).isEmpty());
        for (int minute = 0; minute <= 150; minute += 5) {
            t.nowSeconds.set(NOW + minute * 60L);
            assertAValidTickStillMakesAPrice(NOW_MS + minute * 60_000L + 1000, 100_000 + minute);
        }
    }

    @Test
    void hostileExchangeAndPairNamesKeepMetricLabelsAndDeadLettersBounded() {
        // 100 exchanges: every tick counted, under at most 20 label values and "other".
        for (int i = 0; i < 100; i++) {
            t.send(tick("exchange-" + i, 100_000, NOW_MS + i));
        }
        var accepted = t.registry.find("hashwatch_prices_accepted").counters();
        assertEquals(100, accepted.stream().mapToDouble(c -> c.count()).sum());
        assertEquals(EconomicsMetrics.MAX_EXCHANGE_LABELS + 1, accepted.size());
        Set<String> labels = new HashSet<>();
        accepted.forEach(c -> labels.add(c.getId().getTag("exchange")));
        assertTrue(labels.contains("exchange-0") && labels.contains("exchange-19") && labels.contains("other"),
                labels.toString());
        assertEquals(80, t.counter("hashwatch_prices_accepted", "exchange", "other"));
        assertTrue(t.drain(Topics.DEAD_LETTERS).isEmpty());
        drainAll();

        // A name the size of a record would be kept in the minute's state and in every reference price: malformed.
        byte[] bigExchange = Json.write(tick("x".repeat(MIB), 100_000, NOW_MS));
        byte[] longExchange = Json.write(tick("y".repeat(65), 100_000, NOW_MS));
        assertRejectedTicks(List.of(bigExchange, longExchange), RejectReason.MALFORMED);
        t.sendPrice(longExchange, NOW_MS);
        assertEquals("exchange name of 65 characters; at most 64", detail(t.drain(Topics.DEAD_LETTERS).get(0)));
        t.send(tick("z".repeat(64), 100_000, NOW_MS));
        assertEquals(101, t.counterSum("hashwatch_prices_accepted"), "64 characters is a name");

        // A 1 MiB pair is an unknown pair whose dead letter is not twice the input.
        byte[] bigPair = Json.write(new PriceTick("kraken", "P".repeat(MIB), 100_000, null, NOW_MS, NOW_MS, null));
        t.sendPrice(bigPair, NOW_MS);
        List<TestRecord<String, byte[]>> dead = t.drain(Topics.DEAD_LETTERS);
        assertDeadLetters(dead, List.of(bigPair), RejectReason.UNKNOWN_PAIR, "prices");
        assertTrue(cutFrom(detail(dead.get(0))) > MIB, detail(dead.get(0)).substring(480));
        t.nowSeconds.set(NOW + 120);
        assertAValidTickStillMakesAPrice(NOW_MS + 120_000, 100_000);
    }
}
