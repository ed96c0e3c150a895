package dev.leadconnector.targets.batch;

import java.util.HashMap;
import java.util.Map;

/** What a batch's lookup found: each customer's record by key (a lower-case e-mail, by default); the first wins. */
public final class Found {

    /** A record the CRM has: its id and its current funnel status (null when it has none). */
    public record Record(String id, String status) {}

    private final Map<String, Record> byKey = new HashMap<>();

    public void add(String key, String id, String status) {
        if (key != null) {
            byKey.putIfAbsent(key, new Record(id, status == null || status.isBlank() ? null : status));
        }
    }

    Record of(String key) {
        return key == null ? null : byKey.get(key);
    }
}
