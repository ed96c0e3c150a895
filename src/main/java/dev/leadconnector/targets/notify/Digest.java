package dev.leadconnector.targets.notify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One message's leads: the first {@code digest-max} listed in full, the rest counted (by what they did)
 * and named by lead id, so every lead of a burst is in a message, however short.
 *
 * @param listed the leads shown in full
 * @param rest the leads shown by their id only
 */
public record Digest(List<Notification> listed, List<Notification> rest) {

    public static Digest of(List<Notification> leads, int max) {
        int listed = Math.min(Math.max(1, max), leads.size());
        return new Digest(List.copyOf(leads.subList(0, listed)), List.copyOf(leads.subList(listed, leads.size())));
    }

    public int size() {
        return listed.size() + rest.size();
    }

    /** "New marketplace lead", "[TEST] ...", or "12 new marketplace leads". */
    public String title() {
        if (size() == 1) {
            return (listed.get(0).test() ? "[TEST] " : "") + "New marketplace lead";
        }
        return size() + " new marketplace leads";
    }

    /** "and 480 more: 300 clicked Get it now, 180 started a test drive", or null when every lead is listed. */
    public String restSummary() {
        if (rest.isEmpty()) {
            return null;
        }
        Map<String, Long> byDeed = rest.stream().collect(Collectors.groupingBy(
                n -> n.did() == null ? "sent a lead" : n.did(), LinkedHashMap::new, Collectors.counting()));
        List<String> counts = new ArrayList<>();
        byDeed.forEach((did, count) -> counts.add(count + " " + did));
        return "and " + rest.size() + " more: " + String.join(", ", counts);
    }

    /** The lead ids of the rest, in order. */
    public List<String> restIds() {
        return rest.stream().map(Notification::leadId).toList();
    }
}
