package io.hashwatch.source.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hashwatch.model.Json;
import io.hashwatch.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The real reply layouts in {@code ../shared/data/samples}: Bitcoin Core RPC replies and mempool.space / Esplora
 * API samples. The fake servers fill these layouts with the values of the chain they play. Without {@code ../shared}
 * the fakes fall back to the few fields the clients read ({@link #available()} says which), so the regtest tests
 * still run; tests of the sample replies themselves {@code require} the files.
 */
final class Samples {
    static final String CORE = "data/samples/bitcoin_core_rpc/bitcoin_core_rpc_samples.json";
    static final String MEMPOOL_DOCS = "data/samples/mempool_esplora/mempool_space_api_docs_mainnet_samples.json";
    static final String WS_BLOCKS = "data/samples/mempool_esplora/mempool_cypress_tx01_ws_blocks_01.json";
    static final String WS_BLOCK = "data/samples/mempool_esplora/mempool_cypress_tx02_ws_block.json";
    static final String CORE_791846 = "bitcoin_core_rpc_mainnet_791846__from_bitcoin-network-logger_bd26333";

    private Samples() {
    }

    static boolean available() {
        return SharedData.find(CORE).isPresent() && SharedData.find(MEMPOOL_DOCS).isPresent();
    }

    static JsonNode read(Path p) {
        try {
            return Json.MAPPER.readTree(Files.readString(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode core() {
        return read(SharedData.require(CORE));
    }

    /** The reply of a call in the mainnet 791846 node log: "getblockchaininfo", "getblockstats 791846" ... */
    static JsonNode coreReply(String call) {
        return core().get(CORE_791846).get(call);
    }

    /** The in3 getblockheader samples: request params and result. */
    static JsonNode coreHeaderSamples() {
        return core().get("in3_getblockheader");
    }

    /** A mempool.space API documentation sample's reply, parsed (only the ones that are strict JSON). */
    static JsonNode mempoolDoc(String fragment) {
        for (JsonNode n : read(SharedData.require(MEMPOOL_DOCS))) {
            if (fragment.equals(n.path("fragment").asText())) {
                try {
                    return Json.MAPPER.readTree(n.get("response_mainnet").asText());
                } catch (IOException e) {
                    throw new IllegalStateException("sample " + fragment + " is not strict JSON", e);
                }
            }
        }
        throw new IllegalArgumentException("no sample " + fragment);
    }

    /** getblockchaininfo's layout: the real reply, or the fields the client reads. */
    static ObjectNode blockchainInfoTemplate() {
        if (SharedData.find(CORE).isPresent()) {
            return coreReply("getblockchaininfo").deepCopy();
        }
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("chain", "main").put("blocks", 0).put("headers", 0).put("bestblockhash", "0".repeat(64))
                .put("initialblockdownload", false).put("pruned", false);
        return n;
    }

    /** getblockstats' full layout (all stats), or the two the client asks for. */
    static ObjectNode blockStatsTemplate() {
        if (SharedData.find(CORE).isPresent()) {
            return coreReply("getblockstats 791846").deepCopy();
        }
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("totalfee", 0).put("txs", 1);
        return n;
    }

    /** mempool.space's GET /v1/block/:hash layout (with extras), or the fields the client reads. */
    static ObjectNode blockV1Template() {
        Optional<Path> p = SharedData.find(MEMPOOL_DOCS);
        if (p.isPresent()) {
            return mempoolDoc("get-block-v1").deepCopy();
        }
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", "").put("height", 0).put("version", 1).put("timestamp", 0).put("bits", 0).put("nonce", 0)
                .put("merkle_root", "").put("tx_count", 1).put("previousblockhash", "");
        n.putObject("extras").put("totalFees", 0).put("header", "");
        return n;
    }

    /** Esplora's GET /block/:hash layout (no extras). */
    static ObjectNode blockTemplate() {
        Optional<Path> p = SharedData.find(MEMPOOL_DOCS);
        if (p.isPresent()) {
            return mempoolDoc("get-block").deepCopy();
        }
        ObjectNode n = blockV1Template();
        n.remove("extras");
        return n;
    }
}
