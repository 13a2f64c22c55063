package io.hashwatch.bitcoin;

import java.util.HexFormat;

/**
 * One transaction output: its value in satoshis and its locking script (hex).
 *
 * @param valueSat  the value, 0..21,000,000 BTC in satoshis
 * @param scriptHex the scriptPubKey, lower-case hex (possibly empty)
 */
public record TxOutput(long valueSat, String scriptHex) {
    public TxOutput {
        if (valueSat < 0 || valueSat > Coinbase.MAX_MONEY_SAT) {
            throw new MalformedBitcoinDataException("output value " + valueSat + " sat is outside 0.."
                    + Coinbase.MAX_MONEY_SAT);
        }
        if (scriptHex == null || scriptHex.length() % 2 != 0 || !scriptHex.matches("[0-9a-f]*")) {
            throw new MalformedBitcoinDataException("output script is not lower-case hex");
        }
    }

    /** Whether the script is an OP_RETURN (null data: the witness commitment, merged-mining tags). */
    public boolean isOpReturn() {
        return scriptHex.startsWith("6a");
    }

    public byte[] script() {
        return HexFormat.of().parseHex(scriptHex);
    }
}
