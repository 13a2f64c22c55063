package io.hashwatch.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.model.HeaderRecord;
import io.hashwatch.testing.SharedData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The raw-block replay on the real blocks of {@code ../shared/data/blocks/raw/} (gzipped and not). */
class BlockFileSourceTest {
    @TempDir
    Path dir;

    /** Claimed fees of 840,002..840,007 (coinbase outputs minus 3.125 BTC), from block_fees_points.csv. */
    private static final long[] FEES = {699_004_535L, 1_606_802_573L, 2_400_782_680L, 2_982_120_140L,
        2_315_610_064L, 1_768_468_048L};

    @Test
    void sixConsecutiveBlocksGzippedWithTheirHeightFromTheCoinbase() {
        Path gz = SharedData.require("data/blocks/raw/mainnet_840002-840007.blocks.gz");
        BlockFileSource src = new BlockFileSource(gz, null, "mainnet");
        assertEquals(840_002, src.startHeight());
        assertEquals(840_007, src.lastHeight());
        List<HeaderRecord> records = new ArrayList<>();
        src.forEach(records::add);
        assertEquals(6, records.size());
        for (int i = 0; i < 6; i++) {
            HeaderRecord r = records.get(i);
            assertEquals(840_002 + i, r.height());
            assertEquals("mainnet", r.network());
            assertEquals(FEES[i], r.feesClaimedSat(), "claimed fees at " + r.height());
            assertNull(r.feesSat(), "the total fees need the spent outputs: unknown");
            assertTrue(r.coinbaseHex().startsWith("01000000") || r.coinbaseHex().startsWith("02000000"));
            assertEquals("blocks:mainnet_840002-840007.blocks.gz", r.source());
        }
        assertEquals("00000000000000000002c0cc73626b56fb3ee1ce605b0ce125cc4fb58775a0a9", src.hashAt(840_002));
        assertEquals(2, iterableSize(src.after(840_005)));
    }

    @Test
    void aBlockBeforeBip34NeedsItsStartHeightAndAnUncompressedFileReadsToo() throws IOException {
        Path gz = SharedData.require("data/blocks/raw/mainnet_0169482.block.gz");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BlockFileSource(gz, null, "mainnet"));
        assertTrue(e.getMessage().contains("give --start-height"), e.getMessage());
        Path plain = dir.resolve("169482.block");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            Files.write(plain, in.readAllBytes());
        }
        HeaderRecord r = new BlockFileSource(plain, 169_482L, "mainnet").iterator().next();
        assertEquals(1_750_000L, r.feesClaimedSat());
        assertEquals(14, r.txCount());
    }

    @Test
    void aWrongStartHeightKeepsTheCoinbaseForThePipelineToDeadLetter() {
        Path gz = SharedData.require("data/blocks/raw/mainnet_0840672.block.gz");
        HeaderRecord r = new BlockFileSource(gz, 840_673L, "mainnet").iterator().next();
        assertEquals(840_673, r.height());
        assertTrue(r.coinbaseHex() != null);
        assertNull(r.feesClaimedSat(), "its BIP34 height is 840,672: not this block's claim");
    }

    @Test
    void bytesThatAreNotBlocksRefuseTheFileWithWhereItWentWrong() throws IOException {
        Path gz = SharedData.require("data/blocks/raw/mainnet_0300025.block.gz");
        byte[] block;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            block = in.readAllBytes();
        }
        Path cut = dir.resolve("cut.block");
        Files.write(cut, java.util.Arrays.copyOf(block, block.length - 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BlockFileSource(cut, 300_025L, "mainnet"));
        assertTrue(e.getMessage().contains("not concatenated serialized blocks") && e.getMessage().contains("truncated"),
                e.getMessage());
        Path hex = dir.resolve("hex.txt");
        Files.writeString(hex, java.util.HexFormat.of().formatHex(block));
        assertThrows(IllegalArgumentException.class, () -> new BlockFileSource(hex, 300_025L, "mainnet"));
        assertThrows(IllegalArgumentException.class, () -> new BlockFileSource(dir.resolve("missing"), 1L,
                "mainnet"));
    }

    private static int iterableSize(Iterable<?> it) {
        int n = 0;
        for (Object ignored : it) {
            n++;
        }
        return n;
    }
}
