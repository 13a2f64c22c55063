package io.hashwatch.source.price;

import io.hashwatch.model.PriceTick;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a CSV file of OHLC price bars as {@link PriceTick}s: ONE tick per bar, at the bar's close time, with the
 * bar's close as the price (nothing interpolated; {@code size} and {@code tradeId} null), in ascending time order
 * whatever the order of the file.
 *
 * <p>The header is found by name within the first {@value #HEADER_SEARCH_LINES} lines (lines before it, such as a
 * "https://www.CryptoDataDownload.com" banner, are skipped); it must have a {@code close} column and one time
 * column, which decides what the time means:
 * <ul>
 *   <li>{@code unix} (CryptoDataDownload): the bar's <em>open</em> time in seconds (or ms when above 10^11); close
 *   time = open + bar length.</li>
 *   <li>{@code date} with a date only ({@code 2013-05-01}): a UTC day bar; the bar dated D closes at D+1 00:00:00
 *   UTC. With a date and time ({@code 2022-08-19 23:00:00}): the open time, UTC; close time = open + bar
 *   length.</li>
 *   <li>{@code timestamp} (Nautilus Trader bar exports): the bar's <em>close</em> time, UTC, taken as is. Nautilus
 *   stamps a bar when it closes; in the 1-minute file of the shared data the first bar is stamped 23:01:00, and its
 *   closes at full hours match Bitstamp's hourly bars that close at that hour (median 0.03% apart), not those that
 *   open then (0.36%).</li>
 * </ul>
 * The bar length is the most common step between consecutive bar times (one day for date-only files), or given.
 *
 * <p>Rows that cannot be read (wrong number of fields, unreadable time, a close that is not a positive number, a
 * time already seen) are skipped and reported with their line number in {@link #problems()}; blank lines are
 * ignored. A file that cannot be read, has no recognizable header, or has no readable row is an error
 * ({@link IllegalArgumentException} saying what to fix).
 */
public final class PriceCsvSource implements Iterable<PriceTick> {
    private static final Logger log = LoggerFactory.getLogger(PriceCsvSource.class);
    /** How many leading lines may hold banners before the header. */
    public static final int HEADER_SEARCH_LINES = 10;
    public static final String DEFAULT_PAIR = "BTC-USD";

    private static final Pattern CRYPTODATADOWNLOAD_NAME = Pattern.compile("^([A-Za-z]+)_[A-Z0-9]{5,}_");
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral(' ').optionalEnd()
            .optionalStart().appendLiteral('T').optionalEnd()
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2).optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendLiteral('Z').optionalEnd()
            .toFormatter(Locale.ROOT);

    /** What the time column means. */
    public enum TimeColumn {
        /** {@code date} holding a date only: a UTC day bar, closing at the next midnight. */
        DAY,
        /** {@code unix} or {@code date} with a time: the bar's open time. */
        OPEN_TIME,
        /** {@code timestamp}: the bar's close time. */
        CLOSE_TIME
    }

    /** One bar as read: its close time, close price and the line it came from (1-based). */
    public record Bar(long closeTimeMs, double close, int line) {
    }

    /** A row that was skipped, with its 1-based line number. */
    public record Problem(int line, String reason) {
        @Override
        public String toString() {
            return "line " + line + ": " + reason;
        }
    }

    private final Path file;
    private final String exchange;
    private final String pair;
    private final TimeColumn timeColumn;
    private final Duration barLength;
    private final int headerLine;
    private final List<Bar> bars;
    private final List<Problem> problems;
    private final LongSupplier clockMs;

    /** Reads {@code file}; the exchange is derived from the file name ({@link #exchangeFromFileName}). */
    public static PriceCsvSource read(Path file) {
        return read(file, null, DEFAULT_PAIR, null);
    }

    /**
     * @param exchange  the ticks' exchange, or null to derive it from the file name
     * @param pair      the ticks' pair (BTC-USD)
     * @param barLength the bar length, or null to detect it (needed only for open-time files)
     */
    public static PriceCsvSource read(Path file, String exchange, String pair, Duration barLength) {
        return new PriceCsvSource(file, exchange, pair, barLength, System::currentTimeMillis);
    }

    PriceCsvSource(Path file, String exchange, String pair, Duration barLength, LongSupplier clockMs) {
        this.file = file;
        this.exchange = exchange == null || exchange.isBlank() ? exchangeFromFileName(file) : exchange;
        this.pair = pair == null ? DEFAULT_PAIR : pair;
        this.clockMs = clockMs;
        if (barLength != null && (barLength.isNegative() || barLength.isZero())) {
            throw new IllegalArgumentException("bar length must be positive, got " + barLength);
        }
        List<String> lines = readLines(file);

        int header = -1;
        String[] columns = null;
        for (int i = 0; i < Math.min(HEADER_SEARCH_LINES, lines.size()); i++) {
            String[] c = lines.get(i).split(",", -1);
            for (int j = 0; j < c.length; j++) {
                c[j] = c[j].strip().toLowerCase(Locale.ROOT);
            }
            List<String> names = Arrays.asList(c);
            if (names.contains("close") && (names.contains("unix") || names.contains("date")
                    || names.contains("timestamp"))) {
                header = i;
                columns = c;
                break;
            }
        }
        if (header < 0) {
            throw new IllegalArgumentException("price file " + file + " has no recognizable header in its first "
                    + HEADER_SEARCH_LINES + " lines: expected a 'close' column and a time column ('date', 'unix' or"
                    + " 'timestamp'); first line: \"" + JsonFeedParser.snippet(lines.isEmpty() ? "" : lines.get(0))
                    + "\"");
        }
        this.headerLine = header + 1;
        List<String> names = Arrays.asList(columns);
        int closeCol = names.indexOf("close");
        String timeName = names.contains("unix") ? "unix" : names.contains("timestamp") ? "timestamp" : "date";
        int timeCol = names.indexOf(timeName);

        List<Problem> problems = new ArrayList<>();
        List<long[]> rows = new ArrayList<>(); // {time ms, line}
        List<Double> closes = new ArrayList<>();
        TimeColumn kind = "unix".equals(timeName) ? TimeColumn.OPEN_TIME
                : "timestamp".equals(timeName) ? TimeColumn.CLOSE_TIME : null;
        for (int i = header + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            int lineNo = i + 1;
            String[] f = line.split(",", -1);
            if (f.length != columns.length) {
                problems.add(new Problem(lineNo, f.length + " fields, the header has " + columns.length));
                continue;
            }
            String t = f[timeCol].strip();
            long timeMs;
            try {
                if ("unix".equals(timeName)) {
                    long v = Long.parseLong(t);
                    timeMs = v > 100_000_000_000L ? v : v * 1000;
                } else if (kind == null) {
                    // A date file: the first readable row decides between day bars and timed bars.
                    if (t.length() == 10) {
                        timeMs = LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
                        kind = TimeColumn.DAY;
                    } else {
                        timeMs = dateTimeMs(t);
                        kind = TimeColumn.OPEN_TIME;
                    }
                } else if (kind == TimeColumn.DAY) {
                    timeMs = LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
                } else {
                    timeMs = dateTimeMs(t);
                }
            } catch (NumberFormatException | DateTimeParseException e) {
                problems.add(new Problem(lineNo, "unreadable " + timeName + " \"" + t + "\""));
                continue;
            }
            String c = f[closeCol].strip();
            double close;
            try {
                close = new BigDecimal(c).doubleValue();
            } catch (NumberFormatException e) {
                problems.add(new Problem(lineNo, "close \"" + c + "\" is not a number"));
                continue;
            }
            if (!(close > 0) || Double.isInfinite(close)) {
                problems.add(new Problem(lineNo, "close " + c + " is not a positive price"));
                continue;
            }
            rows.add(new long[] {timeMs, lineNo});
            closes.add(close);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("price file " + file + " has no readable row after its header (line "
                    + headerLine + ")" + (problems.isEmpty() ? "" : "; first problem: " + problems.get(0)));
        }
        this.timeColumn = kind;

        // Ascending time; a time seen twice keeps the row that comes first in the file.
        List<Integer> order = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingLong(i -> rows.get(i)[0]).thenComparingLong(i -> rows.get(i)[1]));
        List<Integer> kept = new ArrayList<>(order.size());
        Map<Long, Integer> firstLine = new HashMap<>();
        for (int i : order) {
            long time = rows.get(i)[0];
            Integer seen = firstLine.putIfAbsent(time, (int) rows.get(i)[1]);
            if (seen != null) {
                problems.add(new Problem((int) rows.get(i)[1], "bar time " + timeName + " already at line " + seen));
            } else {
                kept.add(i);
            }
        }
        problems.sort(Comparator.comparingInt(Problem::line));
        this.problems = Collections.unmodifiableList(problems);

        if (kind == TimeColumn.DAY) {
            this.barLength = Duration.ofDays(1);
        } else if (barLength != null) {
            this.barLength = barLength;
        } else {
            Optional<Long> step = commonStep(kept, rows);
            if (step.isEmpty()) {
                if (kind == TimeColumn.OPEN_TIME) {
                    throw new IllegalArgumentException("price file " + file + " has one bar: its length cannot be"
                            + " detected from consecutive rows, give it");
                }
                this.barLength = null;
            } else {
                this.barLength = Duration.ofMillis(step.get());
            }
        }
        long shift = kind == TimeColumn.CLOSE_TIME ? 0 : this.barLength.toMillis();
        List<Bar> out = new ArrayList<>(kept.size());
        for (int i : kept) {
            out.add(new Bar(rows.get(i)[0] + shift, closes.get(i), (int) rows.get(i)[1]));
        }
        this.bars = Collections.unmodifiableList(out);
        if (!problems.isEmpty()) {
            log.warn("price file {}: {} row(s) skipped, first {}", file.getFileName(), problems.size(),
                    problems.subList(0, Math.min(5, problems.size())));
        }
    }

    private static List<String> readLines(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("price file " + file + (Files.exists(file) ? " is not a regular file"
                    : " does not exist"));
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException("price file " + file + " is not UTF-8 text", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read price file " + file + ": " + e, e);
        }
        if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) {
            lines.set(0, lines.get(0).substring(1));
        }
        return lines;
    }

    private static long dateTimeMs(String t) {
        return LocalDateTime.parse(t, DATE_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /** The most common positive step between consecutive (sorted) bar times, the smaller one on a tie. */
    private static Optional<Long> commonStep(List<Integer> sorted, List<long[]> rows) {
        TreeMap<Long, Integer> counts = new TreeMap<>();
        for (int k = 1; k < sorted.size(); k++) {
            long d = rows.get(sorted.get(k))[0] - rows.get(sorted.get(k - 1))[0];
            counts.merge(d, 1, Integer::sum);
        }
        return counts.entrySet().stream()
                .max(Comparator.<Map.Entry<Long, Integer>>comparingInt(Map.Entry::getValue)
                        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                .map(Map.Entry::getKey);
    }

    /**
     * The exchange named by a price file's name: CryptoDataDownload's {@code Bitstamp_BTCUSD_1h_...} is
     * "bitstamp"; otherwise the first word of the source suffix, {@code btcusd_daily_..._2021-07-01.cmc_kaggle.csv}
     * is "cmc", {@code ...cryptocompare.csv} "cryptocompare", {@code btc-perp_1m_...nautilus.original.csv}
     * "nautilus"; a name without a suffix is used whole.
     */
    public static String exchangeFromFileName(Path file) {
        String name = file.getFileName().toString();
        String base = name.replaceFirst("(?i)\\.csv$", "").replaceFirst("(?i)\\.original$", "");
        Matcher cdd = CRYPTODATADOWNLOAD_NAME.matcher(base);
        String id;
        if (cdd.find()) {
            id = cdd.group(1);
        } else {
            int dot = base.lastIndexOf('.');
            String suffix = dot >= 0 ? base.substring(dot + 1) : base;
            id = suffix.split("_", 2)[0];
        }
        id = id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("cannot derive an exchange name from the file name " + name
                    + ": give one");
        }
        return id;
    }

    public Path file() {
        return file;
    }

    public String exchange() {
        return exchange;
    }

    public String pair() {
        return pair;
    }

    public TimeColumn timeColumn() {
        return timeColumn;
    }

    /** The bar length (detected or given); null for a one-bar close-time file. */
    public Duration barLength() {
        return barLength;
    }

    /** 1-based line number of the header. */
    public int headerLine() {
        return headerLine;
    }

    /** The bars, ascending by close time. */
    public List<Bar> bars() {
        return bars;
    }

    /** The skipped rows, by line number. */
    public List<Problem> problems() {
        return problems;
    }

    public int size() {
        return bars.size();
    }

    /** Ticks ascending by close time; {@code receiveTimeMs} is the clock when each tick is produced. */
    @Override
    public Iterator<PriceTick> iterator() {
        Iterator<Bar> it = bars.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public PriceTick next() {
                Bar b = it.next();
                return new PriceTick(exchange, pair, b.close(), null, b.closeTimeMs(), clockMs.getAsLong(), null);
            }
        };
    }

    @Override
    public String toString() {
        return "PriceCsvSource[" + file.getFileName() + ", " + exchange + " " + pair + ", " + bars.size() + " bars of "
                + barLength + " (" + timeColumn + "), " + problems.size() + " rows skipped]";
    }
}
