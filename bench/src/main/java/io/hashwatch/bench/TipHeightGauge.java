package io.hashwatch.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code hashwatch_tip_height} off a Prometheus /metrics page: how far the app has got. */
final class TipHeightGauge {
    private static final Pattern TIP_HEIGHT = Pattern.compile(
            "^hashwatch_tip_height\\{[^}]*network=\"([^\"]+)\"[^}]*} ([0-9.eE+]+)$", Pattern.MULTILINE);

    private TipHeightGauge() {
    }

    /** The highest tip height of {@code network} on the page, or -1 when it shows none. */
    static long of(String metricsPage, String network) {
        long tip = -1;
        Matcher m = TIP_HEIGHT.matcher(metricsPage);
        while (m.find()) {
            if (m.group(1).equals(network)) {
                tip = Math.max(tip, (long) Double.parseDouble(m.group(2)));
            }
        }
        return tip;
    }
}
