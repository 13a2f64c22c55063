package io.hashwatch.bitcoin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The address encoder against the test vectors of BIP173 and BIP350, and two well-known base58 addresses. */
class AddressesTest {

    /** BIP350 "valid segwit addresses" (which include BIP173's, re-checksummed for v1+), with their scriptPubKey. */
    private static final String[][] SEGWIT = {
            {"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"},
            {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
                    "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"},
            {"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
                    "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"},
            {"BC1SW50QGDZ25J", "6002751e"},
            {"bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323"},
            {"tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
                    "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
            {"tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
                    "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
    };

    @Test
    void segwitAddressesOfTheBip350Vectors() {
        for (String[] v : SEGWIT) {
            String address = v[0].toLowerCase(Locale.ROOT);
            byte[] script = HexFormat.of().parseHex(v[1]);
            int version = script[0] == 0 ? 0 : (script[0] & 0xff) - 0x50;
            byte[] program = java.util.Arrays.copyOfRange(script, 2, script.length);
            String hrp = address.substring(0, address.lastIndexOf('1'));
            assertEquals(address, Addresses.segwit(hrp, version, program), v[0]);
            if (hrp.equals("bc")) {
                assertEquals(Optional.of(address), Addresses.ofScript(v[1]), v[1]);
            }
        }
    }

    @Test
    void checksumsOfTheBip173AndBip350Strings() {
        String[] bech32 = {"A12UEL5L", "a12uel5l",
                "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
                "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
                "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
                "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl"};
        String[] bech32m = {"A1LQFN3A", "a1lqfn3a",
                "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
                "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
                "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
                "split1checkupstagehandshakeupstreamerranterredcaperredlc445v", "?1v759aa"};
        for (String s : bech32) {
            assertTrue(Addresses.checksumValid(s, Addresses.bech32Const()), s);
            assertFalse(Addresses.checksumValid(s, Addresses.bech32mConst()), s);
        }
        for (String s : bech32m) {
            assertTrue(Addresses.checksumValid(s, Addresses.bech32mConst()), s);
            assertFalse(Addresses.checksumValid(s, Addresses.bech32Const()), s);
        }
    }

    @Test
    void taprootIsNotEncodedWithTheBech32Checksum() {
        // BIP350 lists the v1 program with a bech32 checksum (…7grplx) as invalid: what a pre-BIP350 encoder made.
        String script = "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6";
        assertFalse(Addresses.ofScript(script).orElseThrow().endsWith("7grplx"));
    }

    @Test
    void base58OfWellKnownScripts() {
        // The genesis block's public key hashes to 62e907b1…, Satoshi's well-known 1A1zP1… address.
        assertEquals(Optional.of("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
                Addresses.ofScript("76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac"));
        // The Bitcoin wiki's "technical background of version 1 addresses" example.
        assertEquals(Optional.of("16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM"),
                Addresses.ofScript("76a914010966776006953d5567439e5e39f86a0d273bee88ac"));
        assertEquals(Optional.of("31nVrspaydBz8aMpxH9WkS2DuhgqS1fCuG"),
                Addresses.ofScript("a914010966776006953d5567439e5e39f86a0d273bee87"));
    }

    @Test
    void scriptsWithoutAnAddress() {
        assertEquals(Optional.empty(), Addresses.ofScript("6a24aa21a9ed93bbaa9811f4ac5527dcd50345b7b15a3d319778bf43ea"
                + "027337d6fd660826fe")); // the witness commitment, OP_RETURN
        assertEquals(Optional.empty(), Addresses.ofScript("4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1"
                + "f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac")); // bare public key
        assertEquals(Optional.empty(), Addresses.ofScript("0015751e76e8199196d454941c45d1b3a323f1433bd6aa"));
        assertEquals(Optional.empty(), Addresses.ofScript(""));
        assertEquals(Optional.empty(), Addresses.ofScript("zz"));
    }
}
