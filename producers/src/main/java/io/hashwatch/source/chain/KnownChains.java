package io.hashwatch.source.chain;

import io.hashwatch.bitcoin.Network;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which {@link Network} a source's chain is: from Bitcoin Core's {@code getblockchaininfo.chain} name or from the
 * hash of the genesis block (Esplora has no chain name). Testnet3, whose rules the verifier does not implement, is
 * refused with {@link SourceException.Kind#UNSUPPORTED_NETWORK}.
 */
final class KnownChains {
    static final String MAINNET_GENESIS = Network.MAINNET.genesisHash();
    static final String REGTEST_GENESIS = Network.REGTEST.genesisHash();
    static final String TESTNET3_GENESIS = "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943";

    private KnownChains() {
    }

    /** Bitcoin Core's chain name: main, testnet4, signet, regtest; test (testnet3) is refused. */
    static Network byCoreChainName(String chain, String where) throws SourceException {
        if (chain == null || chain.isBlank()) {
            throw new SourceException(SourceException.Kind.MALFORMED, where + ": getblockchaininfo has no chain name");
        }
        String c = chain.toLowerCase(Locale.ROOT);
        if (c.equals("test") || c.equals("testnet3")) {
            throw testnet3(where);
        }
        // Core's names are the ids, but for "main".
        return Network.byName(c).orElseThrow(() -> new SourceException(SourceException.Kind.UNSUPPORTED_NETWORK,
                where + " is on '" + chain + "', a chain the verifier has no rules for; use a " + names() + " source"));
    }

    /** The network whose genesis block has this hash. */
    static Network byGenesis(String hash, String where) throws SourceException {
        if (TESTNET3_GENESIS.equals(hash)) {
            throw testnet3(where);
        }
        return Network.byGenesisHash(hash).orElseThrow(() -> new SourceException(SourceException.Kind.WRONG_CHAIN,
                where + " serves a chain whose genesis block " + hash + " is not Bitcoin's ("
                        + Arrays.stream(Network.values()).map(n -> n.id() + " " + n.genesisHash())
                        .collect(Collectors.joining(", ")) + ")"));
    }

    private static SourceException testnet3(String where) {
        return new SourceException(SourceException.Kind.UNSUPPORTED_NETWORK, where + " is on testnet3: network not"
                + " supported by the verifier (testnet3's minimum-difficulty rules without BIP94 are not"
                + " implemented); use a " + names() + " source (testnet4 is testnet3's successor)");
    }

    private static String names() {
        return Arrays.stream(Network.values()).map(Network::id).collect(Collectors.joining(", "));
    }
}
