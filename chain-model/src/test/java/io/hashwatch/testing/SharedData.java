package io.hashwatch.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.hashwatch.bitcoin.BlockHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate and readers for the real Bitcoin data in {@code ../shared} (see {@code ../shared/data/README.md}). The data
 * is never copied into this repository: a test that needs it calls {@link #require(String)}, which returns the file,
 * or skips the test (locally) or fails it (when {@code CI=true}) if it is missing.
 *
 * <p>The directory is looked up, in order, at the system property {@code hashwatch.shared.dir} (Surefire sets it to
 * {@code ${maven.multiModuleProjectDirectory}/../shared}), then {@code ../shared} and {@code ../../shared} relative
 * to the working directory (the project root or a module directory).
 */
public final class SharedData {
    /** System property naming the shared directory. */
    public static final String DIR_PROPERTY = "hashwatch.shared.dir";
    /** How the notice of a test skipped for want of ../shared starts (counted by {@link RealDataSkips}). */
    public static final String SKIP_NOTICE = "SKIPPED: real-data test needs ../shared/";
    /** Where the header files and CSVs live, relative to the shared directory. */
    public static final String HEADERS = "data/headers/";

    private static final Pattern HEIGHT_RANGE = Pattern.compile("_(\\d+)-(\\d+)\\.");

    private SharedData() {
    }

    /** The candidate shared directories, most specific first (they need not exist). */
    public static List<Path> candidates() {
        Set<Path> out = new LinkedHashSet<>();
        String prop = System.getProperty(DIR_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            out.add(Paths.get(prop).toAbsolutePath().normalize());
        }
        Path cwd = Paths.get("").toAbsolutePath();
        out.add(cwd.resolve("../shared").normalize());
        out.add(cwd.resolve("../../shared").normalize());
        return new ArrayList<>(out);
    }

    /** The file at {@code relativePath} under the shared directory, if it is there. */
    public static Optional<Path> find(String relativePath) {
        for (Path dir : candidates()) {
            Path p = dir.resolve(relativePath);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * The real-data file at {@code relativePath} (e.g. {@code "data/headers/mainnet_0-10236.floresta.bin"}). When it
     * is missing: fails the test if the environment has {@code CI=true}, else prints a notice to stderr and aborts
     * the test (reported as skipped).
     */
    public static Path require(String relativePath) {
        Optional<Path> found = find(relativePath);
        if (found.isPresent()) {
            return found.get();
        }
        String where = "looked in " + candidates();
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("real-data test needs ../shared/" + relativePath + ": ../shared is required in CI (" + where + ")");
        }
        String notice = SKIP_NOTICE + relativePath + "; " + where
                + " (set -D" + DIR_PROPERTY + "=<dir> to point elsewhere)";
        System.err.println(notice);
        Assumptions.assumeTrue(false, notice);
        throw new IllegalStateException("unreachable");
    }

    /** {@link #require(String)} of a file under {@code data/headers/}. */
    public static Path requireHeaders(String fileName) {
        return require(HEADERS + fileName);
    }

    /** Splits a file of concatenated 80-byte wire-format headers; its length must be a multiple of 80. */
    public static List<byte[]> readHeaders(Path binFile) {
        byte[] all;
        try {
            all = Files.readAllBytes(binFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (all.length % BlockHeader.SIZE != 0) {
            throw new IllegalArgumentException(binFile + " is " + all.length + " bytes, not a multiple of "
                    + BlockHeader.SIZE);
        }
        List<byte[]> out = new ArrayList<>(all.length / BlockHeader.SIZE);
        for (int off = 0; off < all.length; off += BlockHeader.SIZE) {
            out.add(Arrays.copyOfRange(all, off, off + BlockHeader.SIZE));
        }
        return out;
    }

    /** {@link #readHeaders(Path)}, parsed. */
    public static List<BlockHeader> readParsedHeaders(Path binFile) {
        List<byte[]> raw = readHeaders(binFile);
        List<BlockHeader> out = new ArrayList<>(raw.size());
        for (byte[] r : raw) {
            out.add(BlockHeader.parse(r));
        }
        return out;
    }

    /** First height in a data file name such as {@code mainnet_80001-100000.btcrelay.bin}. */
    public static long firstHeight(Path file) {
        return heightRange(file)[0];
    }

    /** Last height (inclusive) in a data file name. */
    public static long lastHeight(Path file) {
        return heightRange(file)[1];
    }

    private static long[] heightRange(Path file) {
        Matcher m = HEIGHT_RANGE.matcher(file.getFileName().toString());
        if (!m.find()) {
            throw new IllegalArgumentException("no height range in the name of " + file);
        }
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    /**
     * One row of the header CSVs ({@code epoch_boundaries_0-832608.ckb.csv},
     * {@code bitcoinj_checkpoints_2016-878976.decoded.csv}). Hashes are in display byte order; {@code difficulty}
     * is kept as written (4 decimals); {@code chainwork} is the absolute chainwork from genesis.
     */
    public record HeaderRow(long height, String hash, int version, String prevHash, String merkleRoot, long time,
                            String timeIso, long bits, long nonce, BigDecimal difficulty, BigInteger chainwork,
                            String headerHex) {
        public BlockHeader header() {
            return BlockHeader.fromHex(headerHex);
        }
    }

    private static final List<String> COLUMNS = List.of("height", "hash", "version", "prev_hash", "merkle_root",
            "time", "time_iso", "bits", "nonce", "difficulty", "chainwork_hex", "header_hex");

    /** Reads a header CSV (columns found by name, all of {@code height..header_hex} required), in file order. */
    public static List<HeaderRow> readHeaderCsv(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(csv + " is empty");
        }
        String[] head = lines.get(0).trim().split(",", -1);
        Map<String, Integer> col = new HashMap<>();
        for (int i = 0; i < head.length; i++) {
            col.put(head[i].trim(), i);
        }
        for (String c : COLUMNS) {
            if (!col.containsKey(c)) {
                throw new IllegalArgumentException(csv + " has no column " + c + " (has " + Arrays.toString(head) + ")");
            }
        }
        List<HeaderRow> rows = new ArrayList<>(lines.size() - 1);
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != head.length) {
                throw new IllegalArgumentException(csv + " line " + (n + 1) + " has " + f.length + " fields, expected "
                        + head.length);
            }
            rows.add(new HeaderRow(
                    Long.parseLong(f[col.get("height")]),
                    f[col.get("hash")],
                    (int) Long.parseLong(f[col.get("version")]),
                    f[col.get("prev_hash")],
                    f[col.get("merkle_root")],
                    Long.parseLong(f[col.get("time")]),
                    f[col.get("time_iso")],
                    Long.parseLong(f[col.get("bits")], 16),
                    Long.parseLong(f[col.get("nonce")]),
                    new BigDecimal(f[col.get("difficulty")]),
                    new BigInteger(f[col.get("chainwork_hex")], 16),
                    f[col.get("header_hex")]));
        }
        return rows;
    }

    /** A minimal CSV reader for the quoted fields of the pools and blocks CSVs: rows by column name. */
    public static List<Map<String, String>> readCsv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<String> head = fields(lines.get(0));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> f = fields(line);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < head.size(); i++) {
                row.put(head.get(i), i < f.size() ? f.get(i) : "");
            }
            rows.add(row);
        }
        return rows;
    }

    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
