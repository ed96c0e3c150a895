package dev.leadconnector.journal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.journal.JournalStore.Event;
import dev.leadconnector.journal.JournalStore.LeadRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A lead's journey as {@code GET /actuator/leads/{id}} answers it: the canonical lead, then one
 * entry per target with where the lead stands there, then every event in order.
 */
@JsonPropertyOrder({"leadId", "receivedAt", "lead", "duplicates", "targets", "events"})
public record Journey(String leadId, Instant receivedAt, JsonNode lead, int duplicates, List<Target> targets,
                      List<Step> events) {

    public static final String DELIVERED = "delivered";
    public static final String WAITING = "waiting";
    public static final String RETRYING = "retrying";
    public static final String PARKED = "parked";
    public static final String NOT_SENT = "not-sent";

    /** Where the lead stands at one target ({@code router} for a lead no target was chosen for). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"target", "state", "reason", "recordId", "link", "attempts"})
    public record Target(String target, String state, String reason, String recordId, String link, List<Attempt> attempts) {}

    /** One failed delivery attempt (a delivered lead's last attempt is its delivery). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Attempt(Instant at, int attempt, String outcome, String error, String next) {}

    /** One event of the journey, as stored. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Step(Instant at, String event, String target, Integer attempt, String recordId, JsonNode detail) {}

    /** The journey told by these events; {@code link} gives the CRM's link to a record (target, record id), or null. */
    static Journey of(LeadRow lead, List<Event> events, ObjectMapper mapper, BiFunction<String, String, String> link) {
        return of(lead, events, 0, mapper, link);
    }

    /**
     * The same, for events the store read bounded ({@link JournalStore#events}): {@code duplicatesCounted}
     * is how often the lead came again, of which {@code events} may list only the first.
     */
    static Journey of(LeadRow lead, List<Event> events, int duplicatesCounted, ObjectMapper mapper,
                      BiFunction<String, String, String> link) {
        Map<String, Target> targets = new LinkedHashMap<>();
        int duplicates = 0;
        List<Step> steps = new ArrayList<>();
        for (Event event : events) {
            JsonNode detail = event.detail() == null ? null : parse(mapper, event.detail());
            steps.add(new Step(event.at(), event.event(), event.target(), event.attempt(), event.recordId(), detail));
            String name = event.target() == null ? "router" : event.target();
            Target now = targets.get(name);
            switch (event.event()) {
                case LeadJournal.DUPLICATE -> duplicates++;
                case LeadJournal.ROUTED -> {
                    detail.path("targets").forEach(t -> targets.put(t.asText(),
                            new Target(t.asText(), WAITING, null, null, null, List.of())));
                    detail.path("notSent").fields().forEachRemaining(e -> targets.putIfAbsent(e.getKey(),
                            new Target(e.getKey(), NOT_SENT, e.getValue().asText(), null, null, List.of())));
                }
                case LeadJournal.ATTEMPT -> {
                    List<Attempt> attempts = new ArrayList<>(now == null ? List.of() : now.attempts());
                    attempts.add(new Attempt(event.at(), event.attempt() == null ? attempts.size() + 1 : event.attempt(),
                            detail.path("outcome").asText(), detail.path("error").asText(null), detail.path("next").asText(null)));
                    boolean breakerOpen = LeadJournal.BREAKER_OPEN.equals(detail.path("outcome").asText());
                    targets.put(name, new Target(name, breakerOpen ? WAITING : RETRYING,
                            breakerOpen ? "circuit breaker open" : null, null, null, attempts));
                }
                case LeadJournal.DELIVERED -> targets.put(name, new Target(name, DELIVERED, null, event.recordId(),
                        event.recordId() == null ? null : link.apply(name, event.recordId()), attempts(now)));
                case LeadJournal.PARKED -> targets.put(name, new Target(name, PARKED,
                        detail.path("reason").asText(null), null, null, attempts(now)));
                case LeadJournal.REPLAYED -> targets.put(name, new Target(name, WAITING, "replayed", null, null,
                        attempts(now)));
                case LeadJournal.BACKFILLED -> targets.put(name, new Target(name, WAITING, "backfilled", null, null,
                        attempts(now)));
                default -> {
                    // received: the lead itself
                }
            }
        }
        return new Journey(lead.leadId(), lead.receivedAt(), parse(mapper, lead.lead()), Math.max(duplicates, duplicatesCounted),
                List.copyOf(targets.values()), steps);
    }

    private static List<Attempt> attempts(Target target) {
        return target == null ? List.of() : target.attempts();
    }

    private static JsonNode parse(ObjectMapper mapper, String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
