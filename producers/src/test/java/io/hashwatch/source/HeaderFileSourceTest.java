package io.hashwatch.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeaderFileSourceTest {
    private static final String REAL = "mainnet_80001-100000.btcrelay.bin";

    @TempDir
    Path tmp;

    @Test
    void readsRealHeadersWithHeightsInOrder() throws Exception {
        List<byte[]> all = SharedData.readHeaders(SharedData.requireHeaders(REAL));
        // A small file of the first 25 real headers (80001..80025), built here; the data is not copied into the repo.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 25; i++) {
            out.write(all.get(i));
        }
        Path file = tmp.resolve("headers_80001-80025.bin");
        Files.write(file, out.toByteArray());

        HeaderFileSource source = new HeaderFileSource(file, 80001, "main", () -> 1234L);
        assertEquals("mainnet", source.network());
        assertEquals(25, source.count());
        assertEquals(80001, source.startHeight());
        assertEquals(80025, source.lastHeight());
        assertEquals("file:headers_80001-80025.bin", source.sourceName());

        List<HeaderRecord> records = new ArrayList<>();
        source.forEach(records::add);
        assertEquals(25, records.size());
        String prevHash = null;
        for (int i = 0; i < records.size(); i++) {
            HeaderRecord r = records.get(i);
            assertEquals("mainnet", r.network());
            assertEquals(80001 + i, r.height());
            assertEquals(HexFormat.of().formatHex(all.get(i)), r.headerHex());
            assertNull(r.feesSat());
            assertNull(r.txCount());
            assertEquals("file:headers_80001-80025.bin", r.source());
            assertEquals(1234L, r.observedTimeMs());
            BlockHeader h = BlockHeader.fromHex(r.headerHex());
            if (prevHash != null) {
                assertEquals(prevHash, h.prevHash(), "header " + r.height() + " links to its parent");
            }
            prevHash = h.hash();
        }
        // Iterable: a second pass reads the file again.
        assertEquals(25, countOf(source));
    }

    @Test
    void resumesAfterAHeightAndNamesTheHashAtOne() throws Exception {
        List<byte[]> all = SharedData.readHeaders(SharedData.requireHeaders(REAL));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 10; i++) {
            out.write(all.get(i));
        }
        Path file = tmp.resolve("headers_80001-80010.bin");
        Files.write(file, out.toByteArray());
        HeaderFileSource source = new HeaderFileSource(file, 80001, "mainnet");

        List<Long> heights = new ArrayList<>();
        source.after(80004).forEach(r -> heights.add(r.height()));
        assertEquals(List.of(80005L, 80006L, 80007L, 80008L, 80009L, 80010L), heights);
        assertEquals(HexFormat.of().formatHex(all.get(4)), source.after(80004).iterator().next().headerHex());
        assertEquals(10, countOf(source.after(12)), "below the file: all of it");
        assertEquals(0, countOf(source.after(80010)), "its last height: nothing");
        assertEquals(0, countOf(source.after(90000)));

        for (int i : new int[] {0, 6, 9}) {
            assertEquals(BlockHeader.parse(all.get(i)).hash(), source.hashAt(80001 + i));
        }
        assertThrows(IllegalArgumentException.class, () -> source.hashAt(80000));
        assertThrows(IllegalArgumentException.class, () -> source.hashAt(80011));
    }

    @Test
    void fileNotAMultipleOf80IsAClearError() throws Exception {
        Path file = tmp.resolve("bad.bin");
        Files.write(file, new byte[2 * 80 + 7]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HeaderFileSource(file, 0, "mainnet"));
        assertTrue(e.getMessage().contains("bad.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("167 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("not a multiple of 80"), e.getMessage());
    }

    @Test
    void missingFileUnknownNetworkAndNegativeHeightAreClearErrors() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new HeaderFileSource(tmp.resolve("nope.bin"), 0, "mainnet"));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());

        IllegalArgumentException dir = assertThrows(IllegalArgumentException.class,
                () -> new HeaderFileSource(tmp, 0, "mainnet"));
        assertTrue(dir.getMessage().contains("not a regular file"), dir.getMessage());

        Path empty = tmp.resolve("empty.bin");
        assertDoesNotThrowIo(empty);
        IllegalArgumentException network = assertThrows(IllegalArgumentException.class,
                () -> new HeaderFileSource(empty, 0, "dogecoin"));
        assertTrue(network.getMessage().contains("unknown network 'dogecoin'"), network.getMessage());
        assertTrue(network.getMessage().contains("mainnet"), network.getMessage());

        IllegalArgumentException height = assertThrows(IllegalArgumentException.class,
                () -> new HeaderFileSource(empty, -1, "mainnet"));
        assertTrue(height.getMessage().contains("start height"), height.getMessage());
    }

    @Test
    void emptyFileHasNoHeaders() throws Exception {
        Path empty = tmp.resolve("empty.bin");
        Files.write(empty, new byte[0]);
        HeaderFileSource source = new HeaderFileSource(empty, 5, "regtest");
        assertEquals(0, source.count());
        assertEquals(4, source.lastHeight());
        assertFalse(source.iterator().hasNext());
    }

    private static void assertDoesNotThrowIo(Path p) {
        try {
            Files.write(p, new byte[0]);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int countOf(Iterable<?> it) {
        int n = 0;
        for (Object ignored : it) {
            n++;
        }
        return n;
    }
}
