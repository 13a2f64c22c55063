package io.hashwatch.source.chain;

import io.hashwatch.bitcoin.Network;
import java.util.Locale;
import java.util.Map;

/**
 * Which {@link Network} a source's chain is: from Bitcoin Core's {@code getblockchaininfo.chain} name or from the
 * hash of the genesis block (Esplora has no chain name). Networks the verifier has no rules for yet are refused with
 * {@link SourceException.Kind#UNSUPPORTED_NETWORK}.
 */
final class KnownChains {
    static final String MAINNET_GENESIS = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
    static final String REGTEST_GENESIS = "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206";
    private static final Map<String, String> UNSUPPORTED_GENESIS = Map.of(
            "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943", "testnet3",
            "00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043", "testnet4",
            "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6", "signet");

    private KnownChains() {
    }

    /** Bitcoin Core's chain name: main, regtest; test, testnet4, signet are refused. */
    static Network byCoreChainName(String chain, String where) throws SourceException {
        if (chain == null || chain.isBlank()) {
            throw new SourceException(SourceException.Kind.MALFORMED, where + ": getblockchaininfo has no chain name");
        }
        String c = chain.toLowerCase(Locale.ROOT);
        if (c.equals("main")) {
            return Network.MAINNET;
        }
        if (c.equals("regtest")) {
            return Network.REGTEST;
        }
        String name = c.equals("test") ? "testnet3" : c;
        throw unsupported(where, name);
    }

    /** The network whose genesis block has this hash. */
    static Network byGenesis(String hash, String where) throws SourceException {
        if (MAINNET_GENESIS.equals(hash)) {
            return Network.MAINNET;
        }
        if (REGTEST_GENESIS.equals(hash)) {
            return Network.REGTEST;
        }
        String name = UNSUPPORTED_GENESIS.get(hash);
        if (name != null) {
            throw unsupported(where, name);
        }
        throw new SourceException(SourceException.Kind.WRONG_CHAIN, where + " serves a chain whose genesis block "
                + hash + " is not Bitcoin's (mainnet " + MAINNET_GENESIS + ", regtest " + REGTEST_GENESIS + ")");
    }

    private static SourceException unsupported(String where, String name) {
        return new SourceException(SourceException.Kind.UNSUPPORTED_NETWORK, where + " is on " + name
                + ": network not supported by the verifier yet (its minimum-difficulty or signet rules are not"
                + " implemented); use a mainnet or regtest source");
    }
}
