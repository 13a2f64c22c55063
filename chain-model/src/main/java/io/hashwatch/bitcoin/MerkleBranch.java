package io.hashwatch.bitcoin;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A transaction's merkle branch (the sibling hashes from its leaf up to the root), as Electrum's
 * {@code blockchain.transaction.id_from_pos} and {@code blockchain.transaction.get_merkle} give it. Hashes are in
 * display (RPC) order, as txids are shown: each is reversed before hashing, and the root comes back reversed.
 */
public final class MerkleBranch {
    private static final HexFormat HEX = HexFormat.of();

    private MerkleBranch() {
    }

    /**
     * The merkle root that {@code txid} at position {@code pos} leads to through {@code branch}, display order.
     * An empty branch leaves the txid itself: a block of one transaction.
     *
     * @throws MalformedBitcoinDataException when a hash is not 64 hex characters or the position does not fit
     */
    public static String root(String txid, List<String> branch, long pos) {
        if (pos < 0 || (branch.size() < 63 && pos >> branch.size() != 0)) {
            throw new MalformedBitcoinDataException("position " + pos + " does not fit a branch of " + branch.size()
                    + " hashes");
        }
        byte[] h = internal(txid, "txid");
        MessageDigest sha = Transactions.sha256();
        long at = pos;
        for (int i = 0; i < branch.size(); i++) {
            byte[] sibling = internal(branch.get(i), "branch hash " + i);
            if ((at & 1) == 0) {
                sha.update(h);
                sha.update(sibling);
            } else {
                sha.update(sibling);
                sha.update(h);
            }
            h = sha.digest(sha.digest());
            at >>= 1;
        }
        return Transactions.display(h);
    }

    /** The branch of the transaction at {@code pos} among {@code txids} (display order), as a server computes it. */
    public static List<String> of(List<String> txids, int pos) {
        if (pos < 0 || pos >= txids.size()) {
            throw new IllegalArgumentException("position " + pos + " outside 0.." + (txids.size() - 1));
        }
        List<byte[]> level = new ArrayList<>(txids.size());
        for (int i = 0; i < txids.size(); i++) {
            level.add(internal(txids.get(i), "txid " + i));
        }
        MessageDigest sha = Transactions.sha256();
        List<String> branch = new ArrayList<>();
        int at = pos;
        while (level.size() > 1) {
            int sibling = (at ^ 1) < level.size() ? at ^ 1 : at; // an odd level pairs its last hash with itself
            branch.add(Transactions.display(level.get(sibling)));
            List<byte[]> next = new ArrayList<>((level.size() + 1) / 2);
            for (int i = 0; i < level.size(); i += 2) {
                sha.update(level.get(i));
                sha.update(i + 1 < level.size() ? level.get(i + 1) : level.get(i));
                next.add(sha.digest(sha.digest()));
            }
            level = next;
            at >>= 1;
        }
        return branch;
    }

    private static byte[] internal(String displayHex, String what) {
        if (displayHex == null || displayHex.length() != 64) {
            throw new MalformedBitcoinDataException(what + " is not 64 hex characters: " + displayHex);
        }
        byte[] b;
        try {
            b = HEX.parseHex(displayHex);
        } catch (IllegalArgumentException e) {
            throw new MalformedBitcoinDataException(what + " is not hex: " + e.getMessage());
        }
        for (int i = 0, j = b.length - 1; i < j; i++, j--) {
            byte t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
        return b;
    }
}
