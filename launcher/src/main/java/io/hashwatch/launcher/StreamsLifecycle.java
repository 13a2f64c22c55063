package io.hashwatch.launcher;

import java.util.HashMap;
import java.util.Map;

/** Client settings the launcher adds for the embedded single-node broker. */
final class StreamsLifecycle {
    private StreamsLifecycle() {
    }

    /**
     * A 10 s consumer session (instead of 45 s), so that a restart after a crash (no clean leave of the group)
     * waits less for the dead member to expire. The user's settings win.
     */
    static Map<String, String> embeddedDefaults(Map<String, String> user) {
        Map<String, String> m = new HashMap<>();
        m.put("session.timeout.ms", "10000");
        m.put("heartbeat.interval.ms", "3000");
        m.putAll(user);
        return m;
    }
}
