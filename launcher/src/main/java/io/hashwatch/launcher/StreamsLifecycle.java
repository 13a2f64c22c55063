package io.hashwatch.launcher;

import java.util.HashMap;
import java.util.Map;

/** Client settings the launcher adds: for the embedded single-node broker, and for an external cluster. */
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

    /**
     * On an external cluster more than one streams instance may run: one standby replica of every task (its
     * state kept warm on another instance, so a failover restores almost nothing), a 6 s session (the brokers'
     * least) so that a crashed instance's tasks move within seconds, and a 6 s transaction timeout: a crashed
     * instance's open transaction holds back what read_committed consumers see of its output partitions until it
     * times out (its successor cannot fence it: exactly-once v2 names producers by thread, not by task), and Kafka
     * Streams' 10 s default would make that the failover's floor. Transactions last a commit interval (100 ms).
     * A lone instance pays nothing for the standby (none is assigned). The user's settings ({@code kafka.*} keys of
     * the config file) win.
     */
    static Map<String, String> clusterDefaults(Map<String, String> user) {
        Map<String, String> m = new HashMap<>();
        m.put("num.standby.replicas", "1");
        m.put("session.timeout.ms", "6000");
        m.put("heartbeat.interval.ms", "2000");
        m.put("producer.transaction.timeout.ms", "6000");
        m.putAll(user);
        return m;
    }
}
