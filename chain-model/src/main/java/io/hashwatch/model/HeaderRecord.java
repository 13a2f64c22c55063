package io.hashwatch.model;

/**
 * A block header as a source saw it: the input of the chain pipeline (topic {@code headers}, key: network).
 * The raw 80-byte header is the authority; height is the source's claim and is checked against the parent.
 *
 * @param network        network name: mainnet, regtest
 * @param height         block height
 * @param headerHex      the 80-byte wire-format header, 160 hex characters
 * @param feesSat        total fees of the block in satoshis, when the source knows them
 * @param txCount        number of transactions, when known
 * @param source         where the header came from (file, bitcoind, esplora)
 * @param observedTimeMs when the source saw it, ms since the epoch
 */
public record HeaderRecord(String network, long height, String headerHex, Long feesSat, Integer txCount,
                           String source, Long observedTimeMs) {
}
