package io.hashwatch.bitcoin;

import java.math.BigInteger;

/** Expected hashes per block and the Core conversions of big integers to doubles. */
public final class Work {
    private static final BigInteger TWO_256 = BigInteger.ONE.shiftLeft(256);

    private Work() {
    }

    /** Core's GetBlockProof: floor(2^256 / (target + 1)). */
    public static BigInteger blockProof(BigInteger target) {
        return TWO_256.divide(target.add(BigInteger.ONE));
    }

    /**
     * Core's arith_uint256::getdouble(): the 32-bit limbs summed from the least significant up. Replicated rather
     * than BigInteger.doubleValue() so that hashrates equal getnetworkhashps to the last bit.
     */
    public static double coreDouble(BigInteger value) {
        // The 32-bit limbs, least significant first, read from one big-endian copy (shifting the BigInteger for
        // each limb allocated eight numbers per call, four calls per block).
        byte[] bigEndian = value.toByteArray();
        double ret = 0.0;
        double fact = 1.0;
        for (int i = 0; i < 8; i++) {
            long limb = 0;
            for (int b = 3; b >= 0; b--) {
                int index = bigEndian.length - 1 - (4 * i + b);
                limb = (limb << 8) | (index >= 0 ? bigEndian[index] & 0xff : 0);
            }
            ret += fact * limb;
            fact *= 4294967296.0;
        }
        return ret;
    }

    /** Core's GetDifficulty: target(0x1d00ffff) / target(bits), in Core's own double arithmetic. */
    public static double difficulty(long bits) {
        int shift = (int) (bits >>> 24) & 0xff;
        double diff = (double) 0x0000ffff / (double) (bits & 0x00ffffff);
        while (shift < 29) {
            diff *= 256.0;
            shift++;
        }
        while (shift > 29) {
            diff /= 256.0;
            shift--;
        }
        return diff;
    }
}
