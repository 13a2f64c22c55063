package io.hashwatch.bitcoin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.hashwatch.testing.SharedData;
import io.hashwatch.testing.SharedData.HeaderRow;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Compact targets against Bitcoin Core's own vectors (src/test/arith_uint256_tests.cpp, bignum_SetCompact). */
class CompactTargetTest {

    private static BigInteger hex(String h) {
        return new BigInteger(h, 16);
    }

    private static void assertDecodes(long bits, String targetHex, long reencoded) {
        BigInteger t = CompactTarget.decode(bits);
        assertEquals(hex(targetHex), t, "decode " + CompactTarget.toHex(bits));
        assertEquals(CompactTarget.toHex(reencoded), CompactTarget.toHex(CompactTarget.encode(t)),
                "GetCompact of " + CompactTarget.toHex(bits));
    }

    @Test
    void coreSetCompactVectors() {
        assertDecodes(0x00000000L, "0", 0);
        assertDecodes(0x00123456L, "0", 0);
        assertDecodes(0x01003456L, "0", 0);
        assertDecodes(0x02000056L, "0", 0);
        assertDecodes(0x03000000L, "0", 0);
        assertDecodes(0x04000000L, "0", 0);
        // The sign bit is ignored when the shifted mantissa is zero (Core tests it on nWord after the shift).
        assertDecodes(0x00923456L, "0", 0);
        assertDecodes(0x01803456L, "0", 0);
        assertDecodes(0x02800056L, "0", 0);
        assertDecodes(0x03800000L, "0", 0);
        assertDecodes(0x04800000L, "0", 0);
        assertDecodes(0x01123456L, "12", 0x01120000L);
        assertDecodes(0x02123456L, "1234", 0x02123400L);
        assertDecodes(0x03123456L, "123456", 0x03123456L);
        assertDecodes(0x04123456L, "12345600", 0x04123456L);
        assertDecodes(0x05009234L, "92340000", 0x05009234L);
        assertDecodes(0x20123456L, "1234560000000000000000000000000000000000000000000000000000000000", 0x20123456L);
    }

    @Test
    void coreNegativeAndOverflowVectorsAreRejected() {
        assertNull(CompactTarget.decode(0x01fedcbaL), "negative");
        assertNull(CompactTarget.decode(0x04923456L), "negative");
        assertNull(CompactTarget.decode(0xff123456L), "overflow");
    }

    @Test
    void encodeNeverSetsTheSignBit() {
        // Core: "Make sure that we don't generate compacts with the 0x00800000 bit set": num = 0x80 -> 0x02008000.
        assertEquals(0x02008000L, CompactTarget.encode(BigInteger.valueOf(0x80)));
        assertEquals(BigInteger.valueOf(0x80), CompactTarget.decode(0x02008000L));
    }

    @Test
    void mainnetPowLimit() {
        assertEquals(BigInteger.valueOf(0xffff).shiftLeft(208), CompactTarget.decode(0x1d00ffffL));
        assertEquals(CompactTarget.decode(0x1d00ffffL), Network.MAINNET.powLimit());
        assertEquals(BigInteger.valueOf(0x7fffff).shiftLeft(232), Network.REGTEST.powLimit());
    }

    @Test
    void realBitsRoundTrip() {
        List<HeaderRow> rows = new ArrayList<>(
                SharedData.readHeaderCsv(SharedData.requireHeaders("epoch_boundaries_0-832608.ckb.csv")));
        rows.addAll(SharedData.readHeaderCsv(SharedData.requireHeaders("bitcoinj_checkpoints_2016-878976.decoded.csv")));
        for (HeaderRow r : rows) {
            BigInteger target = CompactTarget.decode(r.bits());
            assertEquals(CompactTarget.toHex(r.bits()), CompactTarget.toHex(CompactTarget.encode(target)),
                    "round trip at height " + r.height());
            // The block's hash meets its own target.
            assertEquals(-1, r.header().hashValue().compareTo(target.add(BigInteger.ONE)), "PoW at " + r.height());
        }
        assertEquals(827 + 436, rows.size());
    }
}
