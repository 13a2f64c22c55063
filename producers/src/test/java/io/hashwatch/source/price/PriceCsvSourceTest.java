package io.hashwatch.source.price;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.model.PriceTick;
import io.hashwatch.testing.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriceCsvSourceTest {
    private static final String PRICES = "data/prices/";
    private static final String HOURLY = "Bitstamp_BTCUSD_1h_2018-05-15_2022-08-20.cryptodatadownload.original.csv";
    private static final String MINUTE = "btc-perp_1m_2021-12-31_2022-02-01.nautilus.original.csv";

    @TempDir
    Path tmp;

    private static List<String> lines(Path p) throws IOException {
        return Files.readAllLines(p, StandardCharsets.UTF_8);
    }

    private static List<PriceTick> ticks(PriceCsvSource s) {
        List<PriceTick> out = new ArrayList<>();
        s.forEach(out::add);
        return out;
    }

    private static long dayCloseMs(String date) {
        return LocalDate.parse(date).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    private static void assertAscending(List<PriceTick> ticks) {
        for (int i = 1; i < ticks.size(); i++) {
            assertTrue(ticks.get(i).tradeTimeMs() > ticks.get(i - 1).tradeTimeMs(), "tick " + i);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "btcusd_daily_2013-05-01_2021-07-01.cmc_kaggle.csv, cmc",
        "btcusd_daily_2014-11-28_2022-08-20.bitstamp.csv, bitstamp",
        "btcusd_daily_2020-07-12_2026-01-17.cryptocompare.csv, cryptocompare"})
    void dailyFilesGiveOneTickPerDayAtTheNextMidnightWithTheClose(String name, String exchange) throws Exception {
        Path file = SharedData.require(PRICES + name);
        List<String> lines = lines(file);
        assertEquals("date,open,high,low,close,volume", lines.get(0));
        PriceCsvSource source = PriceCsvSource.read(file);
        assertEquals(exchange, source.exchange());
        assertEquals("BTC-USD", source.pair());
        assertEquals(PriceCsvSource.TimeColumn.DAY, source.timeColumn());
        assertEquals(Duration.ofDays(1), source.barLength());
        assertEquals(List.of(), source.problems());
        List<PriceTick> ticks = ticks(source);
        assertEquals(lines.size() - 1, ticks.size());
        assertAscending(ticks);

        String[] first = lines.get(1).split(",", -1);
        String[] last = lines.get(lines.size() - 1).split(",", -1);
        assertEquals(dayCloseMs(first[0]), ticks.get(0).tradeTimeMs(), "bar dated D closes at D+1 00:00 UTC");
        assertEquals(Double.parseDouble(first[4]), ticks.get(0).price());
        assertEquals(dayCloseMs(last[0]), ticks.get(ticks.size() - 1).tradeTimeMs());
        assertEquals(Double.parseDouble(last[4]), ticks.get(ticks.size() - 1).price());
        // Every row, in file order (these files are oldest first).
        for (int i = 0; i < ticks.size(); i++) {
            String[] f = lines.get(i + 1).split(",", -1);
            assertEquals(Double.parseDouble(f[4]), ticks.get(i).price(), "line " + (i + 2));
            assertEquals(exchange, ticks.get(i).exchange());
            assertNull(ticks.get(i).size());
            assertNull(ticks.get(i).tradeId());
        }
    }

    @Test
    void hourlyFileWithABannerAndNewestRowsFirstIsReplayedOldestFirst() throws Exception {
        Path file = SharedData.require(PRICES + HOURLY);
        List<String> lines = lines(file);
        assertTrue(lines.get(0).startsWith("https://"), "the banner line");
        assertTrue(lines.get(1).startsWith("unix,date,symbol,open,high,low,close"), "the header");

        PriceCsvSource source = PriceCsvSource.read(file);
        assertEquals(2, source.headerLine());
        assertEquals("bitstamp", source.exchange());
        assertEquals(PriceCsvSource.TimeColumn.OPEN_TIME, source.timeColumn());
        assertEquals(Duration.ofHours(1), source.barLength(), "detected from consecutive rows");
        assertEquals(List.of(), source.problems());
        List<PriceTick> ticks = ticks(source);
        assertEquals(lines.size() - 2, ticks.size());
        assertAscending(ticks);

        // The file's last line is the oldest bar, its third line the newest; close time = open (unix) + 1 h.
        String[] oldest = lines.get(lines.size() - 1).split(",");
        String[] newest = lines.get(2).split(",");
        assertEquals((Long.parseLong(oldest[0]) + 3600) * 1000, ticks.get(0).tradeTimeMs());
        assertEquals(Double.parseDouble(oldest[6]), ticks.get(0).price());
        assertEquals((Long.parseLong(newest[0]) + 3600) * 1000, ticks.get(ticks.size() - 1).tradeTimeMs());
        assertEquals(Double.parseDouble(newest[6]), ticks.get(ticks.size() - 1).price());
        // Row k of the file (k >= 3) is tick n - (k - 2).
        for (int k = 3; k <= lines.size(); k += 997) {
            String[] f = lines.get(k - 1).split(",");
            PriceTick t = ticks.get(ticks.size() - (k - 2));
            assertEquals((Long.parseLong(f[0]) + 3600) * 1000, t.tradeTimeMs(), "line " + k);
            assertEquals(Double.parseDouble(f[6]), t.price(), "line " + k);
        }
        assertEquals(lines.size(), source.bars().get(0).line(), "bars remember their line");
    }

    @Test
    void nautilusMinuteBarsAreStampedAtTheirClose() throws Exception {
        Path file = SharedData.require(PRICES + MINUTE);
        List<String> lines = lines(file);
        assertEquals("timestamp,open,high,low,close,volume", lines.get(0));
        PriceCsvSource source = PriceCsvSource.read(file);
        assertEquals("nautilus", source.exchange());
        assertEquals(PriceCsvSource.TimeColumn.CLOSE_TIME, source.timeColumn());
        assertEquals(Duration.ofMinutes(1), source.barLength());
        List<PriceTick> ticks = ticks(source);
        assertEquals(lines.size() - 1, ticks.size());
        assertEquals(45_031, ticks.size());
        assertAscending(ticks);
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
        String[] first = lines.get(1).split(",");
        String[] last = lines.get(lines.size() - 1).split(",");
        assertEquals(LocalDateTime.parse(first[0], f).toInstant(ZoneOffset.UTC).toEpochMilli(),
                ticks.get(0).tradeTimeMs());
        assertEquals(Double.parseDouble(first[4]), ticks.get(0).price());
        assertEquals(LocalDateTime.parse(last[0], f).toInstant(ZoneOffset.UTC).toEpochMilli(),
                ticks.get(ticks.size() - 1).tradeTimeMs());
        assertEquals(Double.parseDouble(last[4]), ticks.get(ticks.size() - 1).price());
    }

    @Test
    void closeTimeReadingsOfTheMinuteAndHourlyFilesAgree() {
        // Why the nautilus timestamp is a close time: at each full hour its close matches the Bitstamp hourly bar
        // that closes then far better than the one that opens then.
        Map<Long, Double> hourly = new HashMap<>();
        PriceCsvSource.read(SharedData.require(PRICES + HOURLY)).forEach(t -> hourly.put(t.tradeTimeMs(), t.price()));
        List<Double> asClose = new ArrayList<>();
        List<Double> asOpen = new ArrayList<>();
        for (PriceTick t : PriceCsvSource.read(SharedData.require(PRICES + MINUTE))) {
            Double sameClose = hourly.get(t.tradeTimeMs());
            Double hourLater = hourly.get(t.tradeTimeMs() + 3_600_000);
            if (sameClose != null && hourLater != null) {
                asClose.add(Math.abs(t.price() / sameClose - 1));
                asOpen.add(Math.abs(t.price() / hourLater - 1));
            }
        }
        assertTrue(asClose.size() > 700, "overlapping hours: " + asClose.size());
        double closeMedian = median(asClose);
        double openMedian = median(asOpen);
        assertTrue(closeMedian < 0.001, "median deviation read as close times: " + closeMedian);
        assertTrue(openMedian > 5 * closeMedian, "read as open times: " + openMedian + " vs " + closeMedian);
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    @Test
    void malformedRowsAreSkippedAndReportedWithTheirLineNumbers() throws Exception {
        Path file = tmp.resolve("btcusd_daily_test.sample.csv");
        Files.writeString(file, String.join("\n",
                "date,open,high,low,close,volume",
                "2020-01-01,1,2,0.5,7200.5,10",
                "2020-01-02,1,2,0.5,abc,10",
                "2020-01-03,1,2,0.5,7300",
                "2020-13-01,1,2,0.5,7300,1",
                "",
                "2020-01-05,1,2,0.5,-5,1",
                "2020-01-04,1,2,0.5,7400,1",
                "2020-01-01,1,2,0.5,9999,1",
                "2020-01-06,1,2,0.5,NaN,1") + "\n");
        PriceCsvSource s = PriceCsvSource.read(file);
        assertEquals("sample", s.exchange());
        List<PriceTick> ticks = ticks(s);
        assertEquals(2, ticks.size());
        assertEquals(dayCloseMs("2020-01-01"), ticks.get(0).tradeTimeMs());
        assertEquals(7200.5, ticks.get(0).price());
        assertEquals(dayCloseMs("2020-01-04"), ticks.get(1).tradeTimeMs());
        List<Integer> problemLines = s.problems().stream().map(PriceCsvSource.Problem::line).toList();
        assertEquals(List.of(3, 4, 5, 7, 9, 10), problemLines, s.problems().toString());
        assertTrue(s.problems().get(0).reason().contains("close \"abc\" is not a number"));
        assertTrue(s.problems().get(1).reason().contains("5 fields, the header has 6"));
        assertTrue(s.problems().get(2).reason().contains("unreadable date \"2020-13-01\""));
        assertTrue(s.problems().get(3).reason().contains("not a positive price"));
        assertTrue(s.problems().get(4).reason().contains("already at line 2"));
        assertTrue(s.problems().get(5).reason().contains("close \"NaN\" is not a number"));
    }

    @Test
    void openTimeBarsWithADateTimeColumnAndMillisecondUnixTimes() throws Exception {
        Path four = tmp.resolve("four_hours.csv");
        Files.writeString(four, "date,close\n2022-01-01 08:00:00,102\n2022-01-01 00:00:00,100\n"
                + "2022-01-01 04:00:00,101\n");
        PriceCsvSource s = PriceCsvSource.read(four, "test", "BTC-USD", null);
        assertEquals(PriceCsvSource.TimeColumn.OPEN_TIME, s.timeColumn());
        assertEquals(Duration.ofHours(4), s.barLength());
        List<PriceTick> ticks = ticks(s);
        assertEquals(List.of(100.0, 101.0, 102.0), ticks.stream().map(PriceTick::price).toList());
        assertEquals(LocalDateTime.parse("2022-01-01T04:00:00").toInstant(ZoneOffset.UTC).toEpochMilli(),
                ticks.get(0).tradeTimeMs());

        Path ms = tmp.resolve("Gemini_BTCUSD_1h.csv");
        Files.writeString(ms, "unix,date,symbol,open,high,low,close\n1660953600000,x,BTC/USD,1,1,1,2\n"
                + "1660950000000,x,BTC/USD,1,1,1,3\n");
        PriceCsvSource g = PriceCsvSource.read(ms);
        assertEquals("gemini", g.exchange());
        assertEquals(1_660_953_600_000L, ticks(g).get(0).tradeTimeMs(), "open 1660950000000 + 1 h");

        Path one = tmp.resolve("one.csv");
        Files.writeString(one, "unix,close\n1660953600,5\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PriceCsvSource.read(one));
        assertTrue(e.getMessage().contains("cannot be detected"), e.getMessage());
        assertEquals(1_660_957_200_000L, ticks(PriceCsvSource.read(one, "x", "BTC-USD", Duration.ofHours(1))).get(0)
                .tradeTimeMs());
    }

    @Test
    void unreadableFilesAndFilesWithoutAHeaderAreErrors() throws Exception {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> PriceCsvSource.read(tmp.resolve("nope.csv")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        IllegalArgumentException dir = assertThrows(IllegalArgumentException.class, () -> PriceCsvSource.read(tmp));
        assertTrue(dir.getMessage().contains("not a regular file"), dir.getMessage());

        Path noHeader = tmp.resolve("x.csv");
        Files.writeString(noHeader, "2020-01-01,1,2,3,4,5\n2020-01-02,1,2,3,4,5\n");
        IllegalArgumentException h = assertThrows(IllegalArgumentException.class, () -> PriceCsvSource.read(noHeader));
        assertTrue(h.getMessage().contains("no recognizable header"), h.getMessage());
        assertTrue(h.getMessage().contains("2020-01-01,1,2,3,4,5"), h.getMessage());

        Path empty = tmp.resolve("empty.csv");
        Files.writeString(empty, "");
        assertThrows(IllegalArgumentException.class, () -> PriceCsvSource.read(empty));

        Path onlyBad = tmp.resolve("bad.csv");
        Files.writeString(onlyBad, "date,close\n2020-01-01,zero\n");
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> PriceCsvSource.read(onlyBad));
        assertTrue(b.getMessage().contains("no readable row") && b.getMessage().contains("line 2"), b.getMessage());

        Path binary = tmp.resolve("binary.csv");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0xc3});
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> PriceCsvSource.read(binary));
        assertTrue(u.getMessage().contains("not UTF-8"), u.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "btcusd_daily_2013-05-01_2021-07-01.cmc_kaggle.csv, cmc",
        "btcusd_daily_2014-11-28_2022-08-20.bitstamp.csv, bitstamp",
        "btcusd_daily_2020-07-12_2026-01-17.cryptocompare.csv, cryptocompare",
        "Bitstamp_BTCUSD_1h_2018-05-15_2022-08-20.cryptodatadownload.original.csv, bitstamp",
        "btc-perp_1m_2021-12-31_2022-02-01.nautilus.original.csv, nautilus",
        "prices.csv, prices"})
    void exchangeNamesFromFileNames(String name, String exchange) {
        assertEquals(exchange, PriceCsvSource.exchangeFromFileName(Path.of(name)));
    }
}
