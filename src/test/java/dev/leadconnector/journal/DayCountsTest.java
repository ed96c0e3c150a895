package dev.leadconnector.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.leadconnector.journal.JournalStore.DayCount;
import dev.leadconnector.journal.JournalStore.LeadRow;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The desk's counts per day, action and offer (issue 28), kept by the journal's writer as it inserts leads and
 * read by both charts and today's count instead of the leads: on H2 and PostgreSQL they say what a grouped count
 * of the leads table says; a lead kept already is not counted again; two instances adding to the same row on one
 * PostgreSQL lose nothing; a journal from before is counted once at start; the retention job keeps the charts' days.
 */
class DayCountsTest {

    static final List<String> ACTIONS = java.util.Arrays.asList("INS", "Create", null);
    static final List<String> OFFERS = java.util.Arrays.asList("contoso.analytics", "Partner Hub", null);

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void theChartsSayWhatAGroupedCountOfTheLeadsSays(String kind) {
        DataSource database = JournalDatabases.fresh(kind);
        JournalStore store = new JournalStore(database);
        List<LeadRow> batch = new ArrayList<>();
        for (int i = 0; i < 900; i++) {
            // every hour or so over 31 days (the first before the charts' days), each action and offer, none too
            batch.add(lead(i, Instant.now().minusSeconds(i * 2_970L), ACTIONS.get(i % 3), OFFERS.get(i / 3 % 3)));
            if (batch.size() == 100) { // the writer's batches
                store.addLeads(batch);
                batch.clear();
            }
        }
        store.addLead(lead(1000, Today.here().midnight(), "INS", null)); // midnight: today's

        assertThat(charted(store)).isEqualTo(grouped(database)).isNotEmpty();
        assertThat(store.leadsPerDay(Today.here().chartsStart(), 1000)).extracting(DayCount::day, DayCount::action, DayCount::leads)
                .containsExactlyElementsOf(new JdbcTemplate(database).query("SELECT CAST(received_at AS DATE) AS d, action, COUNT(*) AS n "
                        + "FROM LEAD_JOURNAL_LEAD WHERE received_at >= ? GROUP BY CAST(received_at AS DATE), action "
                        + "ORDER BY d, action NULLS FIRST", (rs, row) -> tuple(rs.getDate("d").toLocalDate(), rs.getString("action"),
                        rs.getLong("n")), Timestamp.from(Today.here().chartsStart())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void aLeadKeptAlreadyIsNotCountedAgain(String kind) {
        DataSource database = JournalDatabases.fresh(kind);
        JournalStore store = new JournalStore(database);
        Instant now = Instant.now();
        store.addLeads(List.of(lead(1, now, "INS", "o"), lead(2, now, "INS", "o")));

        store.addLead(lead(1, now, "INS", "o")); // dispatched again after a crash: kept as it is
        assertThatThrownBy(() -> store.addLeads(List.of(lead(3, now, "INS", "o"), lead(2, now, "INS", "o"))))
                .isInstanceOf(DuplicateKeyException.class);

        assertThat(store.lead("%032x".formatted(3))).as("the refused batch kept nothing").isNull();
        assertThat(todays(store)).containsExactly(tuple("INS", "o", 2L));
        store.addLead(lead(3, now, "INS", "o")); // what the writer does next: each on its own
        assertThat(todays(store)).containsExactly(tuple("INS", "o", 3L));
        assertThat(charted(store)).isEqualTo(grouped(database));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void theLongestActionAndOfferTheJournalKeepsAreCountedUnderTheirStart(String kind) {
        DataSource database = JournalDatabases.fresh(kind);
        JournalStore store = new JournalStore(database);
        // 4 bytes each in UTF-8: as the journal's columns, 3 KB of key, past PostgreSQL's 2,704 bytes for one
        String action = "\uD83D\uDE00".repeat(JournalStore.ACTION_LENGTH / 2);
        String offer = "\uD83D\uDE00".repeat(JournalStore.OFFER_LENGTH / 2);
        Instant now = Instant.now();
        store.addLeads(List.of(lead(1, now, action, offer), lead(2, now, action, offer)));

        assertThat(store.lead("%032x".formatted(2))).as("the leads kept with their count").isNotNull();
        assertThat(todays(store)).containsExactly(tuple(action.substring(0, DayCounts.KEY_ACTION),
                offer.substring(0, DayCounts.KEY_OFFER), 2L));
    }

    @Test
    void twoInstancesAddingToTheSameRowsOnOnePostgresqlLoseNothing() throws Exception {
        DataSource database = JournalDatabases.fresh("postgresql");
        List<JournalStore> instances = List.of(new JournalStore(database), new JournalStore(database));
        int batches = 40;
        int perBatch = 25;
        Instant now = Instant.now();
        AtomicInteger ids = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService writers = Executors.newFixedThreadPool(instances.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (JournalStore instance : instances) {
                done.add(writers.submit(() -> {
                    go.await();
                    for (int b = 0; b < batches; b++) {
                        List<LeadRow> batch = new ArrayList<>();
                        for (int i = 0; i < perBatch; i++) {
                            // the same few rows (today, two actions, two offers), in another order in each instance
                            int n = ids.incrementAndGet();
                            batch.add(lead(n, now, ACTIONS.get(n % 2), OFFERS.get(n / 2 % 2)));
                        }
                        instance.addLeads(batch);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> writer : done) {
                writer.get(60, TimeUnit.SECONDS);
            }
        } finally {
            writers.shutdownNow();
        }

        assertThat(todays(instances.get(0)).stream().mapToLong(row -> (Long) row.toList().get(2)).sum())
                .isEqualTo(2L * batches * perBatch);
        assertThat(charted(instances.get(1))).isEqualTo(grouped(database));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void aJournalFromBeforeIsCountedOnceAtStartOverTheChartsDays(String kind) {
        DataSource database = JournalDatabases.fresh(kind);
        JdbcTemplate jdbc = new JdbcTemplate(database);
        new JournalStore(database);
        jdbc.execute("DROP TABLE " + DayCounts.TABLE); // as the version before left it
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            rows.add(new Object[] {"%032x".formatted(i), Timestamp.from(Instant.now().minusSeconds(i * 9_000L)),
                    ACTIONS.get(i % 3), "{}", OFFERS.get(i / 3 % 3)});
        }
        jdbc.batchUpdate("INSERT INTO LEAD_JOURNAL_LEAD (lead_id, received_at, action, canonical_lead, offer) VALUES (?, ?, ?, ?, ?)", rows);

        JournalStore started = new JournalStore(database);
        new JournalStore(database); // a second start, or a second instance: counts nothing again

        assertThat(charted(started)).isEqualTo(grouped(database)).isNotEmpty();
        assertThat(jdbc.queryForObject("SELECT SUM(leads) FROM " + DayCounts.TABLE, Long.class))
                .as("only the charts' days counted").isEqualTo(jdbc.queryForObject("SELECT COUNT(*) FROM LEAD_JOURNAL_LEAD "
                        + "WHERE received_at >= ?", Long.class, Timestamp.from(Today.here().chartsStart()))).isLessThan(300L);
        started.addLead(lead(1000, Instant.now(), "INS", "o"));
        assertThat(charted(started)).as("and then kept by the writer").isEqualTo(grouped(database));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")
    void theCountsOutliveTheirLeadsForTheChartsDaysOnly(String kind) {
        DataSource database = JournalDatabases.fresh(kind);
        JournalStore store = new JournalStore(database);
        Instant now = Instant.now();
        store.addLeads(List.of(lead(1, now.minusSeconds(40 * 86_400L), "INS", "o"), lead(2, now.minusSeconds(10 * 86_400L), "INS", "o"),
                lead(3, now, "INS", "o")));

        int pruned = store.prune(Timestamp.from(now.minusSeconds(5 * 86_400L))); // a window of 5 days
        store.erase("nobody", List.of("%032x".formatted(3)));

        assertThat(pruned).isEqualTo(2);
        assertThat(new JdbcTemplate(database).queryForList("SELECT lead_day FROM " + DayCounts.TABLE + " ORDER BY lead_day", LocalDate.class))
                .as("aggregates, no one's data: the charts' days stay; the day before them goes with the retention job")
                .containsExactly(DayCounts.dayOf(now.minusSeconds(10 * 86_400L)), DayCounts.dayOf(now));
    }

    private static LeadRow lead(int n, Instant at, String action, String offer) {
        return new LeadRow("%032x".formatted(n), at, null, action, "{}", offer);
    }

    /** Both charts' rows, every offer shown (none folded). */
    private static List<List<Object>> charted(JournalStore store) {
        return store.leadsPerDayByActionAndOffer(Today.here().chartsStart(), 1000, 10_000).stream()
                .map(c -> java.util.Arrays.<Object>asList(c.day(), c.action(), c.offer(), c.leads()))
                .sorted(BY_TEXT).toList();
    }

    /** The same, counted from the leads. */
    private static List<List<Object>> grouped(DataSource database) {
        return new JdbcTemplate(database).query("SELECT CAST(received_at AS DATE) AS d, action, offer, COUNT(*) AS n FROM LEAD_JOURNAL_LEAD "
                        + "WHERE received_at >= ? GROUP BY CAST(received_at AS DATE), action, offer",
                (rs, row) -> java.util.Arrays.<Object>asList(rs.getDate("d").toLocalDate(), rs.getString("action"), rs.getString("offer"),
                        rs.getLong("n")), Timestamp.from(Today.here().chartsStart())).stream().sorted(BY_TEXT).toList();
    }

    private static final java.util.Comparator<List<Object>> BY_TEXT = java.util.Comparator.comparing(Object::toString);

    private static List<org.assertj.core.groups.Tuple> todays(JournalStore store) {
        return store.leadsPerDayByActionAndOffer(Today.here().midnight(), 1000, 10_000).stream()
                .map(c -> tuple(c.action(), c.offer(), c.leads())).toList();
    }
}
