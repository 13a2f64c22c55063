package io.hashwatch.pools;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.bitcoin.Addresses;
import io.hashwatch.bitcoin.TxOutput;
import io.hashwatch.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The mining-pools list (mempool/mining-pools {@code pools-v2.json}: an array of {@code {id, name, addresses, tags,
 * link}}) and the attribution of a coinbase by it. A payout address among the coinbase's outputs of value &gt; 0
 * wins (the first pool, in file order, listing one of them); failing that, the first pool in file order with a tag
 * that matches the scriptSig read as text; else {@link Pool#UNKNOWN}.
 * <p>The scriptSig is read one character per byte (ISO-8859-1), as mempool.space's hex2ascii does, so that a tag
 * matches the same bytes it matches there; tags are regular expressions, matched case-insensitively anywhere.
 */
public final class PoolList {
    /** The list bundled with hashwatch (see the NOTICE beside it for its origin and licence). */
    public static final String BUNDLED_RESOURCE = "/io/hashwatch/pools/pools-v2.json";
    /** Where the bundled list comes from, for logs and docs: repository and commit. */
    public static final String BUNDLED_ORIGIN = "mempool/mining-pools pools-v2.json @ 6abbdc8 (2026-02-24)";

    private static final HexFormat HEX = HexFormat.of();

    private final List<Pool> pools;
    private final String origin;
    /** What identifies the list's content: a changed file at the same path is another list. */
    private final String digest;
    private final Map<String, Pool> byAddress = new HashMap<>();
    private final Map<Integer, Pool> byId = new HashMap<>();
    /** Position of each pool (by id) in the file. */
    private final Map<Integer, Integer> order = new HashMap<>();
    private final List<Pattern> tagPatterns = new ArrayList<>();
    private final List<Pool> tagPools = new ArrayList<>();
    private final List<String> tagTexts = new ArrayList<>();

    private PoolList(List<Pool> pools, String origin, String digest) {
        this.pools = List.copyOf(pools);
        this.origin = origin;
        this.digest = digest;
        for (Pool p : pools) {
            if (byId.putIfAbsent(p.id(), p) != null) {
                throw new IllegalArgumentException("pool list " + origin + ": id " + p.id() + " appears twice");
            }
            order.put(p.id(), order.size());
            for (String a : p.addresses()) {
                byAddress.putIfAbsent(a, p); // the first pool in file order listing it wins
            }
            for (String t : p.tags()) {
                try {
                    tagPatterns.add(Pattern.compile(t, Pattern.CASE_INSENSITIVE));
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("pool list " + origin + ": tag '" + t + "' of pool "
                            + p.name() + " is not a regular expression: " + e.getDescription());
                }
                tagPools.add(p);
                tagTexts.add(t);
            }
        }
    }

    /** The list bundled as a resource. */
    public static PoolList bundled() {
        try (InputStream in = PoolList.class.getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + BUNDLED_RESOURCE + " is missing");
            }
            return parse(in.readAllBytes(), BUNDLED_ORIGIN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A list from a file of the same format ({@code --pools FILE}); errors name the file and what is wrong. */
    public static PoolList fromFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read pool list " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file.toString());
    }

    /** Parses the list's JSON: an array of entries with a numeric id, a name, and arrays of addresses and tags. */
    public static PoolList parse(byte[] json, String origin) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("pool list " + origin + " is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("pool list " + origin + " is not a JSON array of pools");
        }
        List<Pool> pools = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode p = root.get(i);
            JsonNode id = p.get("id");
            JsonNode name = p.get("name");
            if (id == null || !id.canConvertToInt() || !id.isIntegralNumber() || name == null || !name.isTextual()
                    || name.asText().isBlank()) {
                throw new IllegalArgumentException("pool list " + origin + ": entry " + i
                        + " needs a numeric id and a name");
            }
            if (id.asInt() <= 0) {
                throw new IllegalArgumentException("pool list " + origin + ": entry " + i + " has id " + id.asInt()
                        + "; 0 is Unknown's");
            }
            JsonNode link = p.get("link");
            pools.add(new Pool(id.asInt(), name.asText(), Pool.slugOf(name.asText()), strings(p, "addresses", origin, i),
                    strings(p, "tags", origin, i), link != null && link.isTextual() ? link.asText() : null));
        }
        return new PoolList(pools, origin, digest(json));
    }

    private static List<String> strings(JsonNode pool, String field, String origin, int i) {
        JsonNode a = pool.get(field);
        if (a == null || a.isNull()) {
            return List.of();
        }
        if (!a.isArray()) {
            throw new IllegalArgumentException("pool list " + origin + ": " + field + " of entry " + i
                    + " is not an array");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : a) {
            if (!s.isTextual()) {
                throw new IllegalArgumentException("pool list " + origin + ": " + field + " of entry " + i
                        + " has a non-string element");
            }
            out.add(s.asText());
        }
        return out;
    }

    public List<Pool> pools() {
        return pools;
    }

    public String origin() {
        return origin;
    }

    /** The first 16 hex digits of the SHA-256 of the list's bytes: which list attributed a stored block. */
    public String digest() {
        return digest;
    }

    private static String digest(byte[] json) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(json);
            return HEX.formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /** The pool with this id, {@link Pool#UNKNOWN} for 0, empty for an id the list does not have. */
    public Optional<Pool> byId(int id) {
        return id == 0 ? Optional.of(Pool.UNKNOWN) : Optional.ofNullable(byId.get(id));
    }

    /** The position of the pool with this id in the list, -1 when the list has no such pool. */
    public int indexOf(int id) {
        Integer i = order.get(id);
        return i == null ? -1 : i;
    }

    /** Attributes a coinbase by its scriptSig (hex) and outputs. */
    public Attribution attribute(String scriptSigHex, List<TxOutput> outputs) {
        return attributeByAddresses(scriptSigHex, paidAddresses(outputs));
    }

    /** The addresses of the outputs of value &gt; 0 that have one, in output order. */
    public static List<String> paidAddresses(List<TxOutput> outputs) {
        List<String> out = new ArrayList<>();
        for (TxOutput o : outputs) {
            if (o.valueSat() > 0) {
                Addresses.ofScript(o.scriptHex()).ifPresent(out::add);
            }
        }
        return out;
    }

    /** Attributes a coinbase by its scriptSig (hex) and the addresses its outputs of value &gt; 0 pay. */
    public Attribution attributeByAddresses(String scriptSigHex, List<String> paidAddresses) {
        // Of the pools whose addresses are paid, the first in file order (not the first output's pool).
        Pool best = null;
        String bestAddress = null;
        int bestIndex = Integer.MAX_VALUE;
        for (String address : paidAddresses) {
            Pool p = byAddress.get(address);
            if (p != null && order.get(p.id()) < bestIndex) {
                best = p;
                bestAddress = address;
                bestIndex = order.get(p.id());
            }
        }
        if (best != null) {
            return new Attribution(best, Attribution.Match.ADDRESS, bestAddress);
        }
        String text = scriptSigText(scriptSigHex);
        for (int i = 0; i < tagPatterns.size(); i++) {
            if (tagPatterns.get(i).matcher(text).find()) {
                return new Attribution(tagPools.get(i), Attribution.Match.TAG, tagTexts.get(i));
            }
        }
        return new Attribution(Pool.UNKNOWN, Attribution.Match.NONE, null);
    }

    /** The scriptSig as text, one character per byte, as the list's tags are written against. */
    public static String scriptSigText(String scriptSigHex) {
        return new String(HEX.parseHex(scriptSigHex), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
