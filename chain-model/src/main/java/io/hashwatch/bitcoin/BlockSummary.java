package io.hashwatch.bitcoin;

import java.math.BigInteger;

/**
 * What the derivations need of an accepted block. {@code chainwork} is cumulative work since the first header this
 * chain state saw (absolute only when that was the genesis block); only differences of it are ever published.
 */
public record BlockSummary(long height, String hash, long time, long bits, BigInteger chainwork) {
}
