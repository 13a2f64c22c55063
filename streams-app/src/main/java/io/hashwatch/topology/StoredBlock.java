package io.hashwatch.topology;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.bitcoin.BlockSummary;
import io.hashwatch.bitcoin.Work;
import io.hashwatch.model.BlockRecord;
import io.hashwatch.bitcoin.CompactTarget;
import java.math.BigInteger;

/**
 * A block as the chain stores keep it: the raw header plus what the source said of it and what verification
 * derived (cumulative work, whether every rule could be checked).
 */
record StoredBlock(String network, long height, String headerHex, String chainworkHex, boolean partial,
                   Long feesSat, Integer txCount, String source) {

    static StoredBlock of(String network, long height, BlockHeader header, BigInteger chainwork, boolean partial,
                          Long feesSat, Integer txCount, String source) {
        return new StoredBlock(network, height, header.hex(), chainwork.toString(16), partial, feesSat, txCount,
                source);
    }

    BlockHeader header() {
        return BlockHeader.fromHex(headerHex);
    }

    BigInteger chainwork() {
        return new BigInteger(chainworkHex, 16);
    }

    BlockSummary summary() {
        BlockHeader h = header();
        return new BlockSummary(height, h.hash(), h.time(), h.bits(), chainwork());
    }

    BlockRecord toRecord() {
        BlockHeader h = header();
        return new BlockRecord(network, height, h.hash(), h.prevHash(), h.time(), CompactTarget.toHex(h.bits()),
                h.version(), h.nonce(), Work.difficulty(h.bits()), partial ? "partial" : "full", feesSat, txCount,
                source);
    }
}
