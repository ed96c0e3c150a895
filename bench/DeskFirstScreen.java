import dev.leadconnector.journal.JournalStore;
import dev.leadconnector.journal.JournalStore.Event;
import dev.leadconnector.journal.JournalStore.LeadFilter;
import dev.leadconnector.journal.JournalStore.LeadRow;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The lead desk's first screen against a journal of N leads (default 100,000), on H2 (a file, as the
 * connector keeps it) and on PostgreSQL (the tests' embedded one): the queries GET /desk makes, in its
 * order (per-target counts since midnight, 30 days per day, action and offer for both charts and today's count, a page of
 * 25 leads, then each one's journey: lead, bounded events, duplicate count), timed as a whole, unfiltered
 * and with the filters of {@link #SCREENS}; median and worst of 15 after 5 warm-ups. Not the HTTP stack, not
 * the dead-letter directory (the parked count).
 *   mvn -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 *   java -cp target/classes:$(cat /tmp/cp.txt) bench/DeskFirstScreen.java [leads] [h2|postgresql]
 */
public class DeskFirstScreen {

    static final String[] ACTIONS = {"INS", "Create", "PLT", "StartTestDrive"};
    static final String[] OFFERS = {"contoso.contoso-analytics-suite", "fabrikam.partner-hub", "northwind.crm-connector"};
    static final List<String> TARGETS = List.of("archive", "salesforce");

    /**
     * The first screens timed: the desk as it opens, and filtered (issue 28): one offer (its own index), the
     * leads parked at salesforce (1 in 50: a page within the newest 1,250), and those retrying there (none:
     * the whole bounded look of 5,000 leads, the worst a state filter does).
     */
    static final Map<String, LeadFilter> SCREENS = new LinkedHashMap<>();
    static {
        SCREENS.put("unfiltered", new LeadFilter(null, null, null));
        SCREENS.put("offer", new LeadFilter(OFFERS[1], null, null));
        SCREENS.put("salesforce parked", new LeadFilter(null, "salesforce", "parked"));
        SCREENS.put("salesforce retrying (none)", new LeadFilter(null, "salesforce", "retrying"));
    }

    public static void main(String[] args) throws Exception {
        int leads = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = Files.createTempDirectory("desk-bench");
        JdbcDataSource h2 = new JdbcDataSource();
        // no query cache: H2 answers a query repeated on an unchanged table from it, which a running desk never
        // sees (new leads and events change the tables between its refreshes), and which the screens timed here
        // repeat 20 times each
        h2.setURL("jdbc:h2:file:" + dir.resolve("dedup") + ";QUERY_CACHE_SIZE=0");
        if (args.length < 2 || args[1].equals("h2")) {
            run("H2 (file)", h2, leads);
        }
        if (args.length > 1 && !args[1].equals("postgresql")) {
            return;
        }
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            run("PostgreSQL", postgres.getPostgresDatabase(), leads);
        }
    }

    static void run(String name, DataSource unpooled, int leads) {
        // pooled, as the connector's (Hikari): a connection opened per query would be what is measured
        com.zaxxer.hikari.HikariDataSource database = new com.zaxxer.hikari.HikariDataSource();
        database.setDataSource(unpooled);
        database.setMaximumPoolSize(4);
        JournalStore store = new JournalStore(database);
        long fill = System.nanoTime();
        fill(store, leads);
        // statistics, as a running connector's database has them (PostgreSQL's autovacuum, H2's ANALYZE_AUTO analyze
        // a table after that many changed rows): without, PostgreSQL read the whole events table for today's counts
        new org.springframework.jdbc.core.JdbcTemplate(database).execute("ANALYZE");
        System.out.printf("%s: %,d leads, %,d events written in %.1f s%n", name, leads, leads * 5L,
                (System.nanoTime() - fill) / 1e9);
        for (Map.Entry<String, LeadFilter> screen : SCREENS.entrySet()) {
            for (int i = 0; i < 5; i++) {
                firstScreen(store, screen.getValue());
            }
            long[] took = new long[15];
            int listed = 0;
            for (int i = 0; i < took.length; i++) {
                long start = System.nanoTime();
                listed = firstScreen(store, screen.getValue());
                took[i] = System.nanoTime() - start;
            }
            Arrays.sort(took);
            System.out.printf("%s, %s: first screen median %.1f ms, worst %.1f ms (of %d), %d leads listed%n", name, screen.getKey(),
                    took[took.length / 2] / 1e6, took[took.length - 1] / 1e6, took.length, listed);
            System.out.printf("%s, %s: last one: today %.1f ms, per target %.1f ms, 30 days (both charts) %.1f ms, (by offer apart %.1f ms), "
                    + "the page %.1f ms, its journeys %.1f ms%n", name, screen.getKey(), PARTS[0] / 1e6, PARTS[1] / 1e6,
                    PARTS[2] / 1e6, PARTS[3] / 1e6, PARTS[4] / 1e6, PARTS[5] / 1e6);
        }
        database.close();
    }

    /** Nanoseconds per part of the last first screen, for where the time goes. */
    static final long[] PARTS = new long[6];

    /** The queries GET /desk makes with this filter, in its order; how many leads it listed. */
    static int firstScreen(JournalStore store, LeadFilter filter) {
        ZoneId zone = ZoneId.systemDefault();
        LocalDate today = LocalDate.now(zone);
        Instant midnight = today.atStartOfDay(zone).toInstant();
        long t0 = System.nanoTime();
        long t1 = t0; // today's count: the desk sums it from the 30 days' rows below
        store.targetEventsSince(midnight, 1000);
        long t2 = System.nanoTime();
        Instant days = today.minusDays(29).atStartOfDay(zone).toInstant();
        // both charts, the offer filter and today's count from one statement (issue 28: three before)
        store.leadsPerDayByActionAndOffer(days, 50, 30 * 8 * 52);
        long t3 = System.nanoTime();
        long t4 = t3;
        List<LeadRow> page = store.leads(filter, null, 25, TARGETS).leads();
        long t5 = System.nanoTime();
        for (LeadRow row : page) {
            store.lead(row.leadId());
            store.events(row.leadId(), 1000);
            store.duplicates(row.leadId());
        }
        long t6 = System.nanoTime();
        PARTS[0] = t1 - t0;
        PARTS[1] = t2 - t1;
        PARTS[2] = t3 - t2;
        PARTS[3] = t4 - t3;
        PARTS[4] = t5 - t4;
        PARTS[5] = t6 - t5;
        return page.size();
    }

    /**
     * N leads spread over the last 30 days, each with five events (received, routed, delivered twice, one more),
     * written as the journal's writer writes them: {@link JournalStore#addLeads} (the leads and their day counts,
     * which the charts read, in one transaction), a batch at a time.
     */
    static void fill(JournalStore store, int leads) {
        Instant now = Instant.now();
        long span = 30L * 86_400;
        List<Event> events = new ArrayList<>();
        List<LeadRow> rows = new ArrayList<>();
        for (int i = 0; i < leads; i++) {
            String id = "%032x".formatted(i);
            Instant at = now.minusSeconds(span - span * i / leads);
            String action = ACTIONS[i % ACTIONS.length];
            String offer = OFFERS[i % OFFERS.length];
            rows.add(new LeadRow(id, at, "%064x".formatted(i % 50_000), action, lead(id, at, action, i, offer), offer));
            events.add(new Event(id, at, "received", null, null, null, "{\"action\":\"" + action + "\"}"));
            events.add(new Event(id, at, "routed", null, null, null, "{\"targets\":[\"archive\",\"salesforce\"],\"notSent\":{}}"));
            events.add(new Event(id, at.plusMillis(5), "delivered", "archive", null, "data/leads/" + id + ".json", null));
            events.add(i % 10 == 0
                    ? new Event(id, at.plusMillis(50), "attempt", "salesforce", 1, null, "{\"outcome\":\"failed\",\"error\":\"503\",\"next\":\"in 1 s\"}")
                    : new Event(id, at.plusMillis(50), "duplicate", null, null, null, null));
            events.add(i % 50 == 0
                    ? new Event(id, at.plusSeconds(2), "parked", "salesforce", null, null, "{\"reason\":\"refused\"}")
                    : new Event(id, at.plusSeconds(2), "delivered", "salesforce", null, "00Q" + i, null));
            if (rows.size() >= 500) { // the writer's batch
                store.addLeads(rows);
                store.addEvents(events);
                rows.clear();
                events.clear();
            }
        }
        store.addLeads(rows);
        store.addEvents(events);
    }

    static String lead(String id, Instant at, String action, int i, String offer) {
        return "{\"id\":\"" + id + "\",\"receivedAt\":\"" + at + "\",\"source\":\"AzureMarketplace\",\"action\":\"" + action
                + "\",\"stage\":\"initial-interest\",\"offer\":{\"id\":\"" + offer + "\",\"title\":\"Contoso Analytics Suite\"},\"customer\":{\"firstName\":\"Avery\","
                + "\"lastName\":\"Quinn " + i + "\",\"email\":\"avery" + i + "@fabrikam.example\",\"company\":\"Fabrikam\"},"
                + "\"test\":false,\"original\":{\"UserDetails\":{\"FirstName\":\"Avery\",\"Email\":\"avery" + i + "@fabrikam.example\"}}}";
    }
}
