package io.hashwatch.source.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.Network;
import org.junit.jupiter.api.Test;

/** Bitcoin Core's chain names and the genesis hashes of its chainparams.cpp, mapped to the verifier's networks. */
class KnownChainsTest {
    private static final String WHERE = "node";

    @Test
    void coresChainNames() throws SourceException {
        assertEquals(Network.MAINNET, KnownChains.byCoreChainName("main", WHERE));
        assertEquals(Network.TESTNET4, KnownChains.byCoreChainName("testnet4", WHERE));
        assertEquals(Network.SIGNET, KnownChains.byCoreChainName("signet", WHERE));
        assertEquals(Network.REGTEST, KnownChains.byCoreChainName("regtest", WHERE));
        SourceException e = assertThrows(SourceException.class, () -> KnownChains.byCoreChainName("test", WHERE));
        assertEquals(SourceException.Kind.UNSUPPORTED_NETWORK, e.kind());
        assertTrue(e.getMessage().startsWith("node is on testnet3: network not supported by the verifier"
                + " (testnet3's minimum-difficulty rules without BIP94 are not implemented); use a mainnet,"
                + " regtest, testnet4, signet source"), e.getMessage());
        SourceException other = assertThrows(SourceException.class,
                () -> KnownChains.byCoreChainName("liquidv1", WHERE));
        assertEquals(SourceException.Kind.UNSUPPORTED_NETWORK, other.kind());
        assertEquals(SourceException.Kind.MALFORMED,
                assertThrows(SourceException.class, () -> KnownChains.byCoreChainName(" ", WHERE)).kind());
    }

    @Test
    void genesisHashes() throws SourceException {
        assertEquals(Network.MAINNET,
                KnownChains.byGenesis("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f", WHERE));
        assertEquals(Network.TESTNET4,
                KnownChains.byGenesis("00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043", WHERE));
        assertEquals(Network.SIGNET,
                KnownChains.byGenesis("00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6", WHERE));
        assertEquals(Network.REGTEST,
                KnownChains.byGenesis("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206", WHERE));
        SourceException t3 = assertThrows(SourceException.class, () -> KnownChains.byGenesis(
                "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943", WHERE));
        assertEquals(SourceException.Kind.UNSUPPORTED_NETWORK, t3.kind());
        assertTrue(t3.getMessage().contains("testnet3"), t3.getMessage());
        SourceException alien = assertThrows(SourceException.class, () -> KnownChains.byGenesis("ab".repeat(32),
                WHERE));
        assertEquals(SourceException.Kind.WRONG_CHAIN, alien.kind());
        assertTrue(alien.getMessage().contains("is not Bitcoin's (mainnet 000000000019d6"), alien.getMessage());
    }
}
