package dev.leadconnector.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.leadconnector.journal.JournalBoundsTest.Counting;
import dev.leadconnector.journal.JournalStore.DayCount;
import dev.leadconnector.journal.JournalStore.Event;
import dev.leadconnector.journal.JournalStore.LeadRow;
import dev.leadconnector.journal.JournalStore.TargetCount;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the lead desk asks the journal (issue 28): leads per day and action, the newest leads a page at
 * a time, per target how many leads had each event since a time; each one statement with a LIMIT, on
 * H2 and PostgreSQL, read off the time indexes.
 */
class DeskQueriesTest {

    static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    static java.util.stream.Stream<String> databases() {
        return java.util.stream.Stream.of("h2", "postgresql");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void leadsPerDayCountsEachDayAndActionSinceTheStart(String kind) {
        Counting counting = new Counting(JournalBoundsTest.fresh(postgres, kind));
        JournalStore store = new JournalStore(counting.dataSource());
        ZoneId zone = ZoneId.systemDefault();
        LocalDate today = LocalDate.now(zone);
        Instant noon = today.atTime(12, 0).atZone(zone).toInstant();
        Instant yesterday = noon.minusSeconds(86_400);
        Instant longAgo = noon.minusSeconds(40 * 86_400L);
        int n = 0;
        for (Instant at : List.of(noon, noon, yesterday, longAgo)) {
            store.addLead(new LeadRow("%032x".formatted(n++), at, null, "INS", "{}"));
        }
        store.addLead(new LeadRow("%032x".formatted(n), noon, null, "UPGRADE", "{}"));
        counting.reset();

        List<DayCount> days = store.leadsPerDay(today.minusDays(29).atStartOfDay(zone).toInstant(), 100);

        assertThat(days).extracting(DayCount::day, DayCount::action, DayCount::leads).containsExactly(
                tuple(today.minusDays(1), "INS", 1L), tuple(today, "INS", 2L), tuple(today, "UPGRADE", 1L));
        assertThat(counting.statements).singleElement().asString().contains("LIMIT ?");
        assertThat(store.leadsPerDay(today.minusDays(29).atStartOfDay(zone).toInstant(), 1)).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theNewestLeadsComeAPageAtATimeNewestFirst(String kind) {
        Counting counting = new Counting(JournalBoundsTest.fresh(postgres, kind));
        JournalStore store = new JournalStore(counting.dataSource());
        Instant start = Instant.parse("2026-12-01T00:00:00Z");
        for (int i = 0; i < 60; i++) {
            store.addLead(new LeadRow("%032x".formatted(i), start.plusSeconds(i), "h" + i, "INS", "{}"));
        }
        counting.reset();

        List<LeadRow> second = store.newestLeads(25, 25);

        assertThat(second).extracting(LeadRow::leadId).containsExactlyElementsOf(
                IntStream.iterate(34, i -> i >= 10, i -> i - 1).mapToObj("%032x"::formatted).toList());
        assertThat(counting.statements).singleElement().asString().contains("LIMIT ?");
        assertThat(counting.rowsRead.get()).as("rows the database handed over").isEqualTo(25);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void perTargetItCountsLeadsNotEventsSinceTheTime(String kind) {
        JournalStore store = new JournalStore(JournalBoundsTest.fresh(postgres, kind));
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        String a = "%032x".formatted(1);
        String b = "%032x".formatted(2);
        store.addEvents(List.of(
                new Event(a, t.minusSeconds(3600), LeadJournal.DELIVERED, "crm", null, "old", null),
                new Event(a, t.plusSeconds(1), LeadJournal.ATTEMPT, "crm", 1, null, "{}"),
                new Event(a, t.plusSeconds(2), LeadJournal.ATTEMPT, "crm", 2, null, "{}"),
                new Event(a, t.plusSeconds(3), LeadJournal.DELIVERED, "crm", null, "r1", null),
                new Event(b, t.plusSeconds(4), LeadJournal.DELIVERED, "crm", null, "r2", null),
                new Event(b, t.plusSeconds(5), LeadJournal.PARKED, "archive", null, null, "{}"),
                new Event(b, t.plusSeconds(6), LeadJournal.ROUTED, null, null, null, "{}")));

        assertThat(store.targetEventsSince(t, 100)).extracting(TargetCount::target, TargetCount::event, TargetCount::leads)
                .containsExactly(tuple("archive", "parked", 1L), tuple("crm", "attempt", 1L), tuple("crm", "delivered", 2L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aLeadsEventsHaveAnIndexByLeadIdOnBothDatabases(String kind) {
        DataSource database = JournalBoundsTest.fresh(postgres, kind);
        new JournalStore(database);
        // PostgreSQL keeps index and table names in one namespace: LEAD_JOURNAL_LEAD (the index by lead
        // id on the events) was never made there, the leads table having that name; the desk reads a
        // journey for each lead it lists
        String indexes = kind.equals("h2")
                ? new JdbcTemplate(database).queryForList("SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES "
                        + "WHERE TABLE_NAME = 'LEAD_JOURNAL'", String.class).toString()
                : new JdbcTemplate(database).queryForList("SELECT indexdef FROM pg_indexes WHERE tablename = 'lead_journal'",
                        String.class).toString();
        assertThat(indexes).containsIgnoringCase(kind.equals("h2") ? "LEAD_JOURNAL_BY_LEAD" : "(lead_id, happened_at)");
    }

    @Test
    void theDesksQueriesReadOffTheTimeIndexes() {
        JdbcTemplate jdbc = new JdbcTemplate(JournalBoundsTest.fresh(postgres, "h2"));
        new JournalStore(jdbc.getDataSource());
        assertThat(jdbc.queryForList("EXPLAIN SELECT * FROM LEAD_JOURNAL_LEAD ORDER BY received_at DESC, lead_id LIMIT 25 OFFSET 0")
                .toString()).containsIgnoringCase("lead_journal_lead_time");
        assertThat(jdbc.queryForList("EXPLAIN SELECT CAST(received_at AS DATE), action, COUNT(*) FROM LEAD_JOURNAL_LEAD "
                + "WHERE received_at >= TIMESTAMP '2026-11-01 00:00:00' GROUP BY CAST(received_at AS DATE), action LIMIT 100")
                .toString()).containsIgnoringCase("lead_journal_lead_time");
        assertThat(jdbc.queryForList("EXPLAIN SELECT target, event, COUNT(DISTINCT lead_id) FROM LEAD_JOURNAL "
                + "WHERE happened_at >= TIMESTAMP '2026-11-01 00:00:00' AND target IS NOT NULL GROUP BY target, event LIMIT 100")
                .toString()).containsIgnoringCase("lead_journal_time");
    }
}
