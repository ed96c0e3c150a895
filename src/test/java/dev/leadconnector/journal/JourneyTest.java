package dev.leadconnector.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.journal.Journey.Target;
import dev.leadconnector.journal.JournalStore.Event;
import dev.leadconnector.journal.JournalStore.LeadRow;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The states a lead is in while it is still on its way, told from the journal's events alone (the
 * end-to-end test sees only the states a finished journey ends in): a target not answered yet is
 * waiting, one that failed and will be tried again is retrying, one whose breaker is open is waiting
 * and says why, and a replayed lead waits again.
 */
class JourneyTest {

    static final String ID = "0123456789abcdef0123456789abcdef";
    static final Instant T = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void aLeadOnItsWayIsWaitingRetryingOrWaitingForAnOpenBreakerAtEachTarget() {
        List<Event> events = List.of(
                event(0, LeadJournal.RECEIVED, null, null, null),
                event(1, LeadJournal.ROUTED, null, null,
                        "{\"targets\":[\"salesforce\",\"marketo\",\"https\",\"archive\"],\"notSent\":{\"dynamics\":\"DNC\"}}"),
                event(2, LeadJournal.ATTEMPT, "salesforce", 1,
                        "{\"outcome\":\"failed\",\"error\":\"salesforce answered 503\",\"next\":\"2026-12-02T10:00:04Z\"}"),
                event(3, LeadJournal.ATTEMPT, "marketo", 1, "{\"outcome\":\"breaker-open\"}"),
                event(4, LeadJournal.PARKED, "https", null, "{\"reason\":\"https answered 422\"}"),
                event(5, LeadJournal.REPLAYED, "https", null, null),
                delivered(6, "archive", "data/leads/" + ID + ".json"));

        Journey journey = Journey.of(new LeadRow(ID, T, null, "INS", "{\"id\":\"" + ID + "\"}"), events,
                new ObjectMapper(), (target, record) -> null);

        assertThat(journey.targets()).extracting(Target::target, Target::state, Target::reason).containsExactly(
                tuple("salesforce", Journey.RETRYING, null),
                tuple("marketo", Journey.WAITING, "circuit breaker open"),
                tuple("https", Journey.WAITING, "replayed"),
                tuple("archive", Journey.DELIVERED, null),
                tuple("dynamics", Journey.NOT_SENT, "DNC"));
        Target salesforce = journey.targets().get(0);
        assertThat(salesforce.attempts()).singleElement().satisfies(attempt -> {
            assertThat(attempt.error()).isEqualTo("salesforce answered 503");
            assertThat(attempt.next()).isEqualTo("2026-12-02T10:00:04Z");
        });
        assertThat(journey.targets().get(3).recordId()).isEqualTo("data/leads/" + ID + ".json");
        assertThat(journey.events()).hasSize(7);
    }

    @Test
    void aTargetRoutedButNotAnsweredYetIsWaiting() {
        Journey journey = Journey.of(new LeadRow(ID, T, null, "INS", "{}"), List.of(
                        event(0, LeadJournal.RECEIVED, null, null, null),
                        event(1, LeadJournal.ROUTED, null, null, "{\"targets\":[\"hubspot\"]}")),
                new ObjectMapper(), (target, record) -> null);

        assertThat(journey.targets()).extracting(Target::target, Target::state).containsExactly(tuple("hubspot", Journey.WAITING));
    }

    /** A target connected after the lead came: backfilled, it waits there, then is delivered like any other. */
    @Test
    void aBackfilledLeadWaitsAtItsNewTargetUntilDelivered() {
        List<Event> events = List.of(
                event(0, LeadJournal.RECEIVED, null, null, null),
                event(1, LeadJournal.ROUTED, null, null, "{\"targets\":[\"archive\"]}"),
                delivered(2, "archive", "data/leads/" + ID + ".json"),
                event(3, LeadJournal.DUPLICATE, null, null, null),
                event(4, LeadJournal.BACKFILLED, "hubspot", null, null));
        LeadRow lead = new LeadRow(ID, T, null, "INS", "{}");

        Journey waiting = Journey.of(lead, events, new ObjectMapper(), (target, record) -> null);
        assertThat(waiting.targets()).extracting(Target::target, Target::state, Target::reason).containsExactly(
                tuple("archive", Journey.DELIVERED, null),
                tuple("hubspot", Journey.WAITING, "backfilled"));
        assertThat(waiting.duplicates()).isEqualTo(1);

        Journey delivered = Journey.of(lead, Stream.concat(events.stream(), Stream.of(delivered(5, "hubspot", "90001"))).toList(),
                new ObjectMapper(), (target, record) -> null);
        assertThat(delivered.targets()).extracting(Target::target, Target::state, Target::recordId).containsExactly(
                tuple("archive", Journey.DELIVERED, "data/leads/" + ID + ".json"),
                tuple("hubspot", Journey.DELIVERED, "90001"));
    }

    private static Event event(int second, String event, String target, Integer attempt, String detail) {
        return new Event(ID, T.plusSeconds(second), event, target, attempt, null, detail);
    }

    private static Event delivered(int second, String target, String recordId) {
        return new Event(ID, T.plusSeconds(second), LeadJournal.DELIVERED, target, null, recordId, null);
    }
}
