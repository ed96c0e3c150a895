package dev.leadconnector.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadconnector.journal.JournalStore.Event;
import dev.leadconnector.journal.JournalStore.LeadRow;
import dev.leadconnector.security.SecretValues;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The journal's reads ask the database for a page, not for everything (issue 25, item 5), and what it
 * writes fits its columns, on H2 and on PostgreSQL, also in tables an earlier version made narrower.
 */
class JournalBoundsTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void theEmailLookupReadsOnePageNewestFirstFromTheDatabase(String kind) {
        Counting counting = new Counting(JournalDatabases.fresh(kind));
        JournalStore store = new JournalStore(counting.dataSource());
        Instant start = Instant.parse("2026-12-01T00:00:00Z");
        for (int i = 0; i < 60; i++) {
            store.addLead(new LeadRow("%032x".formatted(i), start.plusSeconds(i), "same-hash", "INS", "{}"));
        }
        store.addLead(new LeadRow("%032x".formatted(1000), start.plusSeconds(99), "another-hash", "INS", "{}"));
        counting.reset();

        List<LeadRow> page = store.leadsByEmailHash("same-hash", 50);

        assertThat(page).extracting(LeadRow::leadId).containsExactlyElementsOf(
                IntStream.iterate(59, i -> i >= 10, i -> i - 1).mapToObj("%032x"::formatted).toList());
        assertThat(counting.statements).singleElement().asString().contains("LIMIT ?");
        assertThat(counting.rowsRead.get()).as("rows the database handed over").isEqualTo(50);
        // and the plan finds them by the e-mail hash's index, newest first
        assertThat(new JdbcTemplate(counting.dataSource()).queryForList(
                "EXPLAIN SELECT * FROM LEAD_JOURNAL_LEAD WHERE email_hash = 'same-hash' ORDER BY received_at DESC, lead_id LIMIT 50")
                .toString()).containsIgnoringCase("lead_journal_lead_email");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void aJourneyReadsABoundedNumberOfEventsWhateverTheDuplicates(String kind) {
        Counting counting = new Counting(JournalDatabases.fresh(kind));
        JournalStore store = new JournalStore(counting.dataSource());
        String id = "%032x".formatted(7);
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        store.addEvents(List.of(new Event(id, t, LeadJournal.RECEIVED, null, null, null, "{}"),
                new Event(id, t.plusSeconds(1), LeadJournal.ROUTED, null, null, null, "{\"targets\":[\"archive\"]}")));
        store.addEvents(IntStream.range(0, 30).mapToObj(i -> new Event(id, t.plusSeconds(2 + i), LeadJournal.DUPLICATE,
                null, null, null, null)).toList());
        store.addEvents(List.of(new Event(id, t.plusSeconds(60), LeadJournal.DELIVERED, "archive", null, "x.json", null)));
        counting.reset();

        List<Event> events = store.events(id, 10);

        assertThat(counting.statements).singleElement().asString().contains("LIMIT ?");
        assertThat(counting.rowsRead.get()).isEqualTo(13); // 3 that tell the story, 10 of the 30 duplicates
        assertThat(events).extracting(Event::event).startsWith(LeadJournal.RECEIVED, LeadJournal.ROUTED)
                .endsWith(LeadJournal.DELIVERED);
        Journey journey = Journey.of(new LeadRow(id, t, null, "INS", "{}"), events, store.duplicates(id), MAPPER,
                (target, record) -> null);
        assertThat(journey.duplicates()).isEqualTo(30);
        assertThat(journey.targets()).singleElement().extracting(Journey.Target::state).isEqualTo(Journey.DELIVERED);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void aTableWithTheOldNarrowActionColumnIsWidenedAndAStartAgainChangesNothing(String kind) {
        DataSource database = JournalDatabases.fresh(kind);
        JdbcTemplate jdbc = new JdbcTemplate(database);
        jdbc.execute("CREATE TABLE LEAD_JOURNAL_LEAD (lead_id VARCHAR(32) PRIMARY KEY, received_at TIMESTAMP NOT NULL, "
                + "email_hash VARCHAR(64), action VARCHAR(64), canonical_lead VARCHAR(1000000) NOT NULL)");
        jdbc.update("INSERT INTO LEAD_JOURNAL_LEAD VALUES ('%032x', CURRENT_TIMESTAMP, NULL, 'INS', '{}')".formatted(1));

        new JournalStore(database);
        JournalStore again = new JournalStore(database); // a second start, or a second instance

        String longest = "A".repeat(JournalStore.ACTION_LENGTH);
        again.addLead(new LeadRow("%032x".formatted(2), Instant.now(), null, longest, "{}"));
        assertThat(again.lead("%032x".formatted(2)).action()).isEqualTo(longest);
        assertThat(again.lead("%032x".formatted(1)).action()).as("the rows already there").isEqualTo("INS");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void whatTheJournalWritesFitsItsColumnsCutWhereItMustAndMarked(String kind) throws Exception {
        JournalStore store = new JournalStore(JournalDatabases.fresh(kind));
        LeadJournal journal = new LeadJournal(store, MAPPER, "key", new SecretValues(new StandardEnvironment()),
                Clock.systemUTC());
        journal.start();
        String id = "%032x".formatted(3);
        ObjectNode lead = MAPPER.createObjectNode().put("id", id).put("receivedAt", "2026-12-01T00:00:00Z")
                .put("source", "S".repeat(256)).put("action", "\uD83D\uDE00".repeat(200)); // 400 chars, 200 code points
        lead.putObject("customer").put("email", "a@b.example");
        lead.putObject("original").put("Unknown", "x".repeat(1_200_000)); // max-body-bytes set to a few MB
        try {
            journal.received(lead.toString());
            journal.routed(id, List.of("archive"), IntStreamMap.reasons(12, "does not take offer " + "O".repeat(512)));
            journal.attempt(id, "salesforce", 1, LeadJournal.FAILED, "E".repeat(10_000), "retry");
            journal.parked(id, "salesforce", "R".repeat(5000), "E".repeat(10_000));
            journal.delivered(id, "archive", "data/leads/" + id + ".json");
            await().atMost(Duration.ofSeconds(10)).until(() -> store.events(id, 100).size() == 5);
        } finally {
            journal.stop();
        }

        LeadRow row = store.lead(id);
        assertThat(row).as("the lead is kept").isNotNull();
        assertThat(row.lead().length()).isLessThanOrEqualTo(JournalStore.LEAD_LENGTH);
        JsonNode kept = MAPPER.readTree(row.lead());
        assertThat(kept.path("source").asText()).hasSize(256);
        assertThat(kept.path("original").asText()).startsWith(LeadJournal.CUT);
        assertThat(row.action()).endsWith(LeadJournal.CUT).hasSizeLessThanOrEqualTo(JournalStore.ACTION_LENGTH);
        for (Event event : store.events(id, 100)) {
            if (event.detail() != null) {
                assertThat(event.detail().length()).as(event.event()).isLessThanOrEqualTo(JournalStore.DETAIL_LENGTH);
                MAPPER.readTree(event.detail()); // still JSON
            }
        }
        Journey journey = Journey.of(row, store.events(id, 100), store.duplicates(id), MAPPER, (t, r) -> null);
        assertThat(journey.targets()).extracting(Journey.Target::target, Journey.Target::state).contains(
                org.assertj.core.groups.Tuple.tuple("archive", Journey.DELIVERED),
                org.assertj.core.groups.Tuple.tuple("salesforce", Journey.PARKED));
        assertThat(journey.targets().stream().filter(t -> t.target().equals("salesforce")).findFirst().orElseThrow()
                .reason()).startsWith("RRR").endsWith(LeadJournal.CUT);
    }

    @Test
    void aRowTheDatabaseRefusesLosesItselfNotTheOtherLeadsOfItsBatch() {
        JournalStore store = new JournalStore(JournalDatabases.fresh("h2"));
        LeadJournal journal = new LeadJournal(store, MAPPER, "key", new SecretValues(new StandardEnvironment()),
                Clock.systemUTC());
        String good = "%032x".formatted(5);
        // queued before the writer starts: one batch, the refused row first
        journal.received("{\"id\":\"" + "f".repeat(40) + "\",\"action\":\"INS\"}"); // no lead id: too long for its column
        journal.received("{\"id\":\"" + good + "\",\"action\":\"INS\"}");
        journal.delivered(good, "archive", "x.json");
        journal.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> store.events(good, 10).size() == 2);
        } finally {
            journal.stop();
        }
        assertThat(store.lead(good)).isNotNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void aBatchOfLeadsWithOneKeptAlreadyKeepsTheOthersAndEveryEvent(String kind) {
        JournalStore store = new JournalStore(JournalDatabases.fresh(kind));
        String again = "%032x".formatted(6);
        store.addLead(new LeadRow(again, Instant.parse("2026-12-01T00:00:00Z"), null, "INS", "{\"id\":\"" + again + "\"}"));
        LeadJournal journal = new LeadJournal(store, MAPPER, "key", new SecretValues(new StandardEnvironment()),
                Clock.systemUTC());
        List<String> ids = List.of("%032x".formatted(7), again, "%032x".formatted(8));
        // queued before the writer starts: one batch of three leads (dispatched again after a crash: the second)
        for (String id : ids) {
            journal.received("{\"id\":\"" + id + "\",\"action\":\"INS\",\"receivedAt\":\"2026-12-02T00:00:00Z\"}");
        }
        journal.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> ids.stream().allMatch(id -> store.events(id, 10).size() == 1));
        } finally {
            journal.stop();
        }
        assertThat(ids).allSatisfy(id -> assertThat(store.lead(id)).as(id).isNotNull());
        assertThat(store.lead(again).receivedAt()).as("the row kept first stays as it was").isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    }

    @Test
    void aCutNeverSplitsACharacter() {
        String cut = LeadJournal.cut("a" + "\uD83D\uDE00".repeat(10), 10);
        assertThat(cut).endsWith(LeadJournal.CUT);
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - LeadJournal.CUT.length() - 1))).isFalse();
    }

    /** Reasons for many targets, as the router gives them. */
    static final class IntStreamMap {
        static Map<String, String> reasons(int targets, String reason) {
            Map<String, String> reasons = new java.util.TreeMap<>();
            IntStream.range(0, targets).forEach(i -> reasons.put("target" + i, reason));
            return reasons;
        }
    }

    /** A DataSource that notes every query's SQL and counts the rows its result sets hand over. */
    static final class Counting {
        final List<String> statements = new CopyOnWriteArrayList<>();
        final AtomicInteger rowsRead = new AtomicInteger();
        private final DataSource target;

        Counting(DataSource target) {
            this.target = target;
        }

        void reset() {
            statements.clear();
            rowsRead.set(0);
        }

        DataSource dataSource() {
            return proxy(DataSource.class, target, (name, args, result) -> result instanceof Connection c
                    ? proxy(Connection.class, c, (n, a, r) -> r instanceof PreparedStatement p && n.equals("prepareStatement")
                    ? statement(p, (String) a[0]) : r) : result);
        }

        private PreparedStatement statement(PreparedStatement statement, String sql) {
            return proxy(PreparedStatement.class, statement, (name, args, result) -> {
                if (result instanceof ResultSet rows) {
                    statements.add(sql);
                    return proxy(ResultSet.class, rows, (n, a, r) -> {
                        if (n.equals("next") && Boolean.TRUE.equals(r)) {
                            rowsRead.incrementAndGet();
                        }
                        return r;
                    });
                }
                return result;
            });
        }

        interface After {
            Object apply(String method, Object[] args, Object result) throws Exception;
        }

        @SuppressWarnings("unchecked")
        private static <T> T proxy(Class<T> type, T target, After after) {
            return (T) Proxy.newProxyInstance(JournalBoundsTest.class.getClassLoader(), new Class<?>[] {type},
                    (self, method, args) -> {
                        Object result;
                        try {
                            result = method.invoke(target, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        return after.apply(method.getName(), args, result);
                    });
        }
    }
}
