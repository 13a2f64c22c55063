package io.hashwatch.source.price;

import io.hashwatch.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real websocket recordings in {@code ../shared/data/samples/exchange_ws/cryptofeed_recordings}: a first line
 * {@code <uri> <-> <connect time>}, the client's own messages as {@code <uri> <- <time>: <message>}, and every
 * received message as {@code <receive time>: <raw message>}.
 */
final class Recording {
    static final String DIR = "data/samples/exchange_ws/cryptofeed_recordings/";
    static final String FIXTURES = "data/samples/exchange_ws/docs_and_fixtures/";

    private static final Pattern RECEIVED = Pattern.compile("^(\\d+(?:\\.\\d+)?): (.*)$");
    private static final Pattern SENT = Pattern.compile("^wss?://\\S+ <- (\\d+(?:\\.\\d+)?): (.*)$");

    /** One received message: its 1-based line number in the file, receive time, and the raw text. */
    record Line(int number, String receiveSeconds, String raw) {
        long receiveMs() {
            return new BigDecimal(receiveSeconds).movePointRight(3).longValue();
        }
    }

    private Recording() {
    }

    static Path require(String name) {
        return SharedData.require(DIR + name);
    }

    static Path fixture(String name) {
        return SharedData.require(FIXTURES + name);
    }

    static List<Line> received(Path file) {
        List<Line> out = new ArrayList<>();
        List<String> lines = lines(file);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = RECEIVED.matcher(lines.get(i));
            if (m.matches()) {
                out.add(new Line(i + 1, m.group(1), m.group(2)));
            }
        }
        return out;
    }

    /** The messages the recording client sent (its subscriptions). */
    static List<String> sent(Path file) {
        List<String> out = new ArrayList<>();
        for (String l : lines(file)) {
            Matcher m = SENT.matcher(l);
            if (m.matches()) {
                out.add(m.group(2));
            }
        }
        return out;
    }

    static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first group of {@code pattern} in {@code text}; fails when absent. */
    static String group(String text, String pattern) {
        Matcher m = Pattern.compile(pattern).matcher(text);
        if (!m.find()) {
            throw new AssertionError("no " + pattern + " in " + text);
        }
        return m.group(1);
    }

    /** Garbage a feed must reject without throwing. */
    static final List<String> GARBAGE = List.of(
            "",
            "   ",
            "this is not json {",
            "{\"type\":",
            "null",
            "42",
            "\"a string\"",
            "[]",
            "{}",
            "{\"type\":\"match\"} trailing",
            "\u0000\u0001binary-ish\uFFFD");
}
