package io.hashwatch.model;

import java.util.Map;

/**
 * One alert of an Alertmanager notification (topic {@code alerts}, key {@code fingerprint:starts_at:status}, so
 * a notification Alertmanager sends again lands on the same key and compaction keeps it once).
 *
 * @param status       firing or resolved
 * @param fingerprint  Alertmanager's fingerprint of the alert's labels
 * @param startsAt     RFC 3339, as Alertmanager sends it
 * @param endsAt       RFC 3339; Alertmanager's zero time while firing
 * @param receiver     the Alertmanager receiver that sent it
 * @param receivedAtMs when hashwatch received the notification
 */
public record AlertRecord(String status, String fingerprint, String alertname, String severity,
                          Map<String, String> labels, Map<String, String> annotations, String startsAt,
                          String endsAt, String generatorUrl, String receiver, long receivedAtMs) {

    public String key() {
        return fingerprint + ":" + startsAt + ":" + status;
    }
}
