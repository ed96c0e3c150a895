package dev.leadconnector.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.leadconnector.journal.JournalBoundsTest.Counting;
import dev.leadconnector.journal.JournalStore.DayCount;
import dev.leadconnector.journal.JournalStore.Event;
import dev.leadconnector.journal.JournalStore.LeadRow;
import dev.leadconnector.journal.JournalStore.Cursor;
import dev.leadconnector.journal.JournalStore.LeadFilter;
import dev.leadconnector.journal.JournalStore.LeadPage;
import dev.leadconnector.journal.JournalStore.DayActionOfferCount;
import dev.leadconnector.journal.JournalStore.TargetCount;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the lead desk asks the journal (issue 28): leads per day by action and by offer, the newest leads a
 * page at a time (keyset: no OFFSET), of one offer, in one state at a target, per target how many leads had
 * each event since a time; each one statement with a LIMIT, on H2 and PostgreSQL, read off the indexes; the
 * offer column added in place to a table made before.
 */
class DeskQueriesTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void leadsPerDayCountsEachDayAndActionSinceTheStart(String kind) {
        Counting counting = new Counting(JournalDatabases.fresh(kind));
        JournalStore store = new JournalStore(counting.dataSource());
        Today today = Today.here();
        Instant noon = today.noon();
        int n = 0;
        for (Instant at : List.of(noon, noon, today.noonDaysAgo(1), today.noonDaysAgo(40))) {
            store.addLead(new LeadRow("%032x".formatted(n++), at, null, "INS", "{}"));
        }
        store.addLead(new LeadRow("%032x".formatted(n), noon, null, "UPGRADE", "{}"));
        counting.reset();

        List<DayCount> days = store.leadsPerDay(today.chartsStart(), 100);

        assertThat(days).extracting(DayCount::day, DayCount::action, DayCount::leads).containsExactly(
                tuple(today.date().minusDays(1), "INS", 1L), tuple(today.date(), "INS", 2L), tuple(today.date(), "UPGRADE", 1L));
        assertThat(counting.statements).singleElement().asString().contains("LIMIT ?");
        assertThat(store.leadsPerDay(today.chartsStart(), 1)).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void oneStatementCountsEachDayActionAndOfferForBothCharts(String kind) {
        Counting counting = new Counting(JournalDatabases.fresh(kind));
        JournalStore store = new JournalStore(counting.dataSource());
        Today today = Today.here();
        Instant noon = today.noon();
        int n = 0;
        for (Instant at : List.of(noon, noon, today.noonDaysAgo(1))) {
            store.addLead(new LeadRow("%032x".formatted(n++), at, null, "INS", "{}", "contoso.analytics"));
        }
        store.addLead(new LeadRow("%032x".formatted(n++), noon, null, "INS", "{}", null));
        store.addLead(new LeadRow("%032x".formatted(n++), noon, null, "UPGRADE", "{}", "Partner Hub"));
        store.addLead(new LeadRow("%032x".formatted(n), today.noonDaysAgo(40), null, "INS", "{}", "contoso.analytics"));
        counting.reset();

        List<DayActionOfferCount> days = store.leadsPerDayByActionAndOffer(today.chartsStart(), 50, 100);

        assertThat(days).extracting(DayActionOfferCount::day, DayActionOfferCount::action, DayActionOfferCount::offer,
                DayActionOfferCount::otherOffers, DayActionOfferCount::leads).containsExactly(
                tuple(today.date().minusDays(1), "INS", "contoso.analytics", false, 1L),
                tuple(today.date(), "INS", null, false, 1L), tuple(today.date(), "INS", "contoso.analytics", false, 2L),
                tuple(today.date(), "UPGRADE", "Partner Hub", false, 1L));
        assertThat(counting.statements).singleElement().asString().contains("LIMIT ?");
        assertThat(store.leadsPerDayByActionAndOffer(today.chartsStart(), 50, 1))
                .as("cut: the newest day's first row, not the oldest day's").extracting(DayActionOfferCount::day)
                .containsExactly(today.date());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void theOffersBeyondTheMostReadAreFoldedSoTheRowsStayFewHoweverManyOffers(String kind) {
        DataSource database = JournalDatabases.fresh(kind);
        JournalStore store = new JournalStore(database);
        Today today = Today.here();
        List<LeadRow> rows = new java.util.ArrayList<>();
        int n = 0;
        // 500 offers over 3 days and 2 actions; "big" has most leads, "second" the next most
        for (int day = 0; day < 3; day++) {
            Instant at = today.noonDaysAgo(day);
            for (int offer = 0; offer < 500; offer++) {
                for (String action : List.of("INS", "Create")) {
                    rows.add(new LeadRow("%032x".formatted(n++), at, null, action, "{}", "offer-%03d".formatted(offer)));
                }
            }
            for (int i = 0; i < 5; i++) {
                rows.add(new LeadRow("%032x".formatted(n++), at, null, "INS", "{}", "big"));
            }
            for (int i = 0; i < 3; i++) {
                rows.add(new LeadRow("%032x".formatted(n++), at, null, "INS", "{}", "second"));
            }
        }
        store.addLeads(rows); // as the writer keeps them: with their day counts, which the charts read

        List<DayActionOfferCount> days = store.leadsPerDayByActionAndOffer(today.chartsStart(), 2, 1000);

        assertThat(days).as("3 days: INS by big, second and the other offers; Create by the other offers").hasSize(3 * 4);
        assertThat(days).filteredOn(DayActionOfferCount::otherOffers).extracting(DayActionOfferCount::offer).containsOnlyNulls();
        assertThat(days).filteredOn(c -> c.day().equals(today.date())).extracting(DayActionOfferCount::action, DayActionOfferCount::offer,
                DayActionOfferCount::otherOffers, DayActionOfferCount::leads).containsExactly(
                tuple("Create", null, true, 500L), tuple("INS", "big", false, 5L), tuple("INS", "second", false, 3L),
                tuple("INS", null, true, 500L));
        assertThat(days.stream().mapToLong(DayActionOfferCount::leads).sum()).as("every lead counted once").isEqualTo(n);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void theNewestLeadsComeAPageAtATimeNewestFirstAcrossEqualTimes(String kind) {
        Counting counting = new Counting(JournalDatabases.fresh(kind));
        JournalStore store = new JournalStore(counting.dataSource());
        Instant start = Instant.parse("2026-12-01T00:00:00.123456Z");
        for (int i = 0; i < 60; i++) {
            // three leads a second: the page boundaries (25, 50) fall inside a second
            store.addLead(new LeadRow("%032x".formatted(i), start.plusSeconds(i / 3), "h" + i, "INS", "{}"));
        }
        counting.reset();

        LeadPage first = store.leads(NONE, null, 25, List.of());
        LeadPage second = store.leads(NONE, first.older(), 25, List.of());
        LeadPage third = store.leads(NONE, second.older(), 25, List.of());

        List<String> newestFirst = IntStream.iterate(59, i -> i >= 0, i -> i - 1).mapToObj("%032x"::formatted).toList();
        assertThat(first.leads()).extracting(LeadRow::leadId).containsExactlyElementsOf(newestFirst.subList(0, 25));
        assertThat(first.older()).isEqualTo(new Cursor(start.plusSeconds(11), "%032x".formatted(35)));
        assertThat(second.leads()).extracting(LeadRow::leadId).containsExactlyElementsOf(newestFirst.subList(25, 50));
        assertThat(third.leads()).extracting(LeadRow::leadId).containsExactlyElementsOf(newestFirst.subList(50, 60));
        assertThat(third.older()).as("the last page").isNull();
        assertThat(counting.statements).hasSize(3).allSatisfy(sql -> assertThat(sql).contains("LIMIT ?").doesNotContain("OFFSET"));
        assertThat(counting.rowsRead.get()).as("rows the database handed over: a page and one to know there is more")
                .isEqualTo(26 + 26 + 10);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void theLeadsOfOneOfferComeOffTheirOwnIndexAPageAtATime(String kind) {
        DataSource database = JournalDatabases.fresh(kind);
        JournalStore store = new JournalStore(database);
        Instant start = Instant.parse("2026-12-01T00:00:00Z");
        for (int i = 0; i < 40; i++) {
            store.addLead(new LeadRow("%032x".formatted(i), start.plusSeconds(i / 2), null, "INS", "{}",
                    i % 2 == 0 ? "contoso.analytics" : i % 4 == 1 ? "Partner Hub" : null));
        }

        LeadPage first = store.leads(new LeadFilter("contoso.analytics", null, null), null, 15, List.of());
        LeadPage second = store.leads(new LeadFilter("contoso.analytics", null, null), first.older(), 15, List.of());

        assertThat(first.leads()).extracting(LeadRow::offer).containsOnly("contoso.analytics").hasSize(15);
        assertThat(second.leads()).extracting(LeadRow::leadId).containsExactly("%032x".formatted(8), "%032x".formatted(6),
                "%032x".formatted(4), "%032x".formatted(2), "%032x".formatted(0));
        assertThat(second.older()).isNull();
        assertThat(store.leads(new LeadFilter("Partner Hub", null, null), null, 25, List.of()).leads()).hasSize(10);
        if (kind.equals("h2")) {
            assertThat(new JdbcTemplate(database).queryForList("EXPLAIN SELECT * FROM LEAD_JOURNAL_LEAD WHERE offer = 'x' "
                    + "ORDER BY received_at DESC, lead_id DESC LIMIT 26").toString()).containsIgnoringCase("LEAD_JOURNAL_LEAD_OFFER_NEWEST");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void theStateFilterTellsEachTargetsStateFromTheLeadsEvents(String kind) {
        JournalStore store = new JournalStore(JournalDatabases.fresh(kind));
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        String routed = "{\"targets\":[\"archive\",\"crm\"],\"notSent\":{\"mail_x\":\"does not take offer \\\"crm\\\":\"}}";
        String delivered = lead(store, 1, t);
        String parked = lead(store, 2, t);
        String retrying = lead(store, 3, t);
        String breaker = lead(store, 4, t);
        String replayed = lead(store, 5, t);
        String waiting = lead(store, 6, t);
        String dnc = lead(store, 7, t);
        for (String id : List.of(delivered, parked, retrying, breaker, replayed, waiting)) {
            store.addEvents(List.of(new Event(id, t, LeadJournal.ROUTED, null, null, null, routed),
                    new Event(id, t.plusMillis(1), LeadJournal.DELIVERED, "archive", null, "a", null)));
        }
        store.addEvents(List.of(new Event(dnc, t, LeadJournal.ROUTED, null, null, null,
                "{\"targets\":[\"archive\"],\"notSent\":{\"crm\":\"DNC\"}}")));
        store.addEvents(List.of(
                new Event(delivered, t.plusSeconds(1), LeadJournal.ATTEMPT, "crm", 1, null, "{\"outcome\":\"failed\"}"),
                new Event(delivered, t.plusSeconds(2), LeadJournal.DELIVERED, "crm", null, "r", null),
                new Event(parked, t.plusSeconds(1), LeadJournal.DELIVERED, "crm", null, "r", null),
                new Event(parked, t.plusSeconds(1), LeadJournal.PARKED, "crm", null, null, "{\"reason\":\"x\"}"), // same time: seq decides
                new Event(retrying, t.plusSeconds(1), LeadJournal.ATTEMPT, "crm", 1, null, "{\"outcome\":\"failed\"}"),
                new Event(breaker, t.plusSeconds(1), LeadJournal.ATTEMPT, "crm", 1, null, "{\"outcome\":\"breaker-open\"}"),
                new Event(replayed, t.plusSeconds(1), LeadJournal.PARKED, "crm", null, null, "{\"reason\":\"x\"}"),
                new Event(replayed, t.plusSeconds(2), LeadJournal.REPLAYED, "crm", null, null, null)));
        List<String> targets = List.of("archive", "crm", "mail_x");

        assertThat(ids(store, "crm", Journey.DELIVERED, targets)).containsExactly(delivered);
        assertThat(ids(store, "crm", Journey.PARKED, targets)).containsExactly(parked);
        assertThat(ids(store, "crm", Journey.RETRYING, targets)).containsExactly(retrying);
        assertThat(ids(store, "crm", Journey.WAITING, targets)).containsExactly(waiting, replayed, breaker);
        assertThat(ids(store, "crm", Journey.NOT_SENT, targets)).containsExactly(dnc);
        assertThat(ids(store, "mail_x", Journey.NOT_SENT, targets)).hasSize(6);
        assertThat(ids(store, "crm", null, targets)).as("sent to crm, whatever became of it").hasSize(6).doesNotContain(dnc);
        assertThat(ids(store, null, Journey.PARKED, targets)).as("parked anywhere").containsExactly(parked);
        assertThat(ids(store, "archive", Journey.DELIVERED, targets)).hasSize(6);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void aStateFilterLooksAtABoundedNumberOfLeadsAndGoesOnFromThere(String kind) {
        DataSource database = JournalDatabases.fresh(kind);
        JournalStore store = new JournalStore(database);
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        List<Object[]> rows = new java.util.ArrayList<>();
        for (int i = 0; i < JournalStore.MOST_EXAMINED + 10; i++) {
            rows.add(new Object[] {"%032x".formatted(i), java.sql.Timestamp.from(t.plusSeconds(i)), "INS", "{}"});
        }
        JdbcTemplate jdbc = new JdbcTemplate(database);
        jdbc.batchUpdate("INSERT INTO LEAD_JOURNAL_LEAD (lead_id, received_at, action, canonical_lead) VALUES (?, ?, ?, ?)", rows);
        String oldest = "%032x".formatted(3);
        store.addEvents(List.of(new Event(oldest, t, LeadJournal.PARKED, "crm", null, null, "{}")));
        LeadFilter parked = new LeadFilter(null, "crm", Journey.PARKED);

        LeadPage first = store.leads(parked, null, 25, List.of("crm"));
        LeadPage next = store.leads(parked, first.older(), 25, List.of("crm"));

        assertThat(first.leads()).as("the newest %d leads have none parked", JournalStore.MOST_EXAMINED).isEmpty();
        assertThat(first.older()).isEqualTo(new Cursor(t.plusSeconds(10), "%032x".formatted(10)));
        assertThat(first.stoppedLooking()).as("the page says it stopped looking, not that there are no more").isTrue();
        assertThat(next.leads()).extracting(LeadRow::leadId).containsExactly(oldest);
        assertThat(next.older()).isNull();
        assertThat(next.stoppedLooking()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void aTableMadeBeforeGetsTheOfferColumnInPlace(String kind) {
        DataSource database = JournalDatabases.fresh(kind);
        JdbcTemplate jdbc = new JdbcTemplate(database);
        jdbc.execute("CREATE TABLE LEAD_JOURNAL_LEAD (lead_id VARCHAR(32) PRIMARY KEY, received_at TIMESTAMP NOT NULL, "
                + "email_hash VARCHAR(64), action VARCHAR(256), canonical_lead VARCHAR(1000000) NOT NULL)");
        Instant recently = Instant.now().minusSeconds(5 * 86_400L); // within the charts' days: counted once at start
        jdbc.update("INSERT INTO LEAD_JOURNAL_LEAD VALUES ('%032x', ?, NULL, 'INS', '{}')".formatted(1), java.sql.Timestamp.from(recently));

        new JournalStore(database);
        JournalStore again = new JournalStore(database); // a second start, or a second instance

        String longest = "O".repeat(JournalStore.OFFER_LENGTH);
        again.addLead(new LeadRow("%032x".formatted(2), recently.plusSeconds(86_400), null, "INS", "{}", longest));
        assertThat(again.lead("%032x".formatted(2)).offer()).isEqualTo(longest);
        assertThat(again.lead("%032x".formatted(1)).offer()).as("a row from before: no offer").isNull();
        assertThat(again.leads(new LeadFilter(longest, null, null), null, 25, List.of()).leads()).hasSize(1);
        assertThat(again.leadsPerDayByActionAndOffer(recently.minusSeconds(86_400), 50, 100))
                .extracting(DayActionOfferCount::offer, DayActionOfferCount::leads)
                .as("the longest offer charted under its start (DayCounts.KEY_OFFER)")
                .containsExactly(tuple(null, 1L), tuple(longest.substring(0, DayCounts.KEY_OFFER), 1L));
    }

    @Test
    void theJournalFilesALeadUnderItsOfferIdElseItsTitle() {
        assertThat(JournalStore.offerOf("contoso.analytics", "Contoso Analytics")).isEqualTo("contoso.analytics");
        assertThat(JournalStore.offerOf(null, "Contoso Analytics")).isEqualTo("Contoso Analytics");
        assertThat(JournalStore.offerOf(" ", null)).isNull();

        JournalStore store = new JournalStore(JournalDatabases.fresh("h2"));
        LeadJournal journal = new LeadJournal(store, JournalBoundsTest.MAPPER, "key",
                new dev.leadconnector.security.SecretValues(new org.springframework.core.env.StandardEnvironment()),
                java.time.Clock.systemUTC());
        String byId = "%032x".formatted(1);
        String byTitle = "%032x".formatted(2);
        String none = "%032x".formatted(3);
        journal.received("{\"id\":\"" + byId + "\",\"action\":\"INS\",\"offer\":{\"id\":\"contoso.analytics\",\"title\":\"Contoso Analytics\"}}");
        journal.received("{\"id\":\"" + byTitle + "\",\"action\":\"INS\",\"offer\":{\"title\":\"Contoso Analytics\"}}");
        journal.received("{\"id\":\"" + none + "\",\"action\":\"INS\"}");
        journal.start();
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> store.lead(none) != null);
        } finally {
            journal.stop();
        }
        assertThat(store.lead(byId).offer()).isEqualTo("contoso.analytics");
        assertThat(store.lead(byTitle).offer()).isEqualTo("Contoso Analytics");
        assertThat(store.lead(none).offer()).isNull();
    }

    static final LeadFilter NONE = new LeadFilter(null, null, null);

    private static String lead(JournalStore store, int n, Instant at) {
        String id = "%032x".formatted(n);
        store.addLead(new LeadRow(id, at.plusSeconds(n), null, "INS", "{}"));
        return id;
    }

    private static List<String> ids(JournalStore store, String target, String status, List<String> targets) {
        return store.leads(new LeadFilter(null, target, status), null, 25, targets).leads().stream().map(LeadRow::leadId).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void perTargetItCountsLeadsNotEventsSinceTheTime(String kind) {
        JournalStore store = new JournalStore(JournalDatabases.fresh(kind));
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
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void aLeadsEventsHaveAnIndexByLeadIdOnBothDatabases(String kind) {
        DataSource database = JournalDatabases.fresh(kind);
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void indexesAWiderOneLeadsWithAreDroppedFromAJournalMadeBefore(String kind) {
        DataSource database = JournalDatabases.fresh(kind);
        JdbcTemplate jdbc = new JdbcTemplate(database);
        new JournalStore(database);
        // as an earlier version made them (on PostgreSQL the events' one could not be: the leads table has its name)
        jdbc.execute("CREATE INDEX LEAD_JOURNAL_LEAD_EMAIL ON LEAD_JOURNAL_LEAD (email_hash)");
        if (kind.equals("h2")) {
            jdbc.execute("CREATE INDEX LEAD_JOURNAL_LEAD ON LEAD_JOURNAL (lead_id)");
        }
        new JournalStore(database);
        List<String> indexes = (kind.equals("h2")
                ? jdbc.queryForList("SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_NAME IN ('LEAD_JOURNAL', 'LEAD_JOURNAL_LEAD')", String.class)
                : jdbc.queryForList("SELECT indexname FROM pg_indexes WHERE tablename IN ('lead_journal', 'lead_journal_lead')", String.class))
                .stream().map(name -> name.toUpperCase(java.util.Locale.ROOT)).toList();
        assertThat(indexes).doesNotContain("LEAD_JOURNAL_LEAD_EMAIL", "LEAD_JOURNAL_LEAD")
                .contains("LEAD_JOURNAL_LEAD_EMAIL_TIME", "LEAD_JOURNAL_BY_LEAD");
    }

    @Test
    void theDesksQueriesReadOffTheTimeIndexes() {
        JdbcTemplate jdbc = new JdbcTemplate(JournalDatabases.fresh("h2"));
        new JournalStore(jdbc.getDataSource());
        assertThat(jdbc.queryForList("EXPLAIN SELECT * FROM LEAD_JOURNAL_LEAD WHERE received_at <= TIMESTAMP '2026-11-01 00:00:00' "
                + "AND (received_at < TIMESTAMP '2026-11-01 00:00:00' OR lead_id < 'x') ORDER BY received_at DESC, lead_id DESC LIMIT 26")
                .toString()).containsIgnoringCase("lead_journal_lead_newest");
        // the one-time count of a journal from before (DayCounts) groups the charts' days of leads
        assertThat(jdbc.queryForList("EXPLAIN SELECT CAST(received_at AS DATE), action, COUNT(*) FROM LEAD_JOURNAL_LEAD "
                + "WHERE received_at >= TIMESTAMP '2026-11-01 00:00:00' GROUP BY CAST(received_at AS DATE), action LIMIT 100")
                .toString()).containsIgnoringCase("lead_journal_lead_newest");
        // the charts' one statement reads the day counts the writer keeps, not the leads (issue 28)
        Counting counting = new Counting(jdbc.getDataSource());
        JournalStore store = new JournalStore(counting.dataSource());
        counting.reset();
        store.leadsPerDayByActionAndOffer(Instant.parse("2026-11-01T00:00:00Z"), 50, 100);
        assertThat(counting.statements).singleElement().asString().contains(DayCounts.TABLE).doesNotContain("LEAD_JOURNAL_LEAD ");
        assertThat(jdbc.queryForList("EXPLAIN SELECT target, event, COUNT(DISTINCT lead_id) FROM LEAD_JOURNAL "
                + "WHERE happened_at >= TIMESTAMP '2026-11-01 00:00:00' AND target IS NOT NULL GROUP BY target, event LIMIT 100")
                .toString()).containsIgnoringCase("lead_journal_time_target");
    }
}
