import dev.leadconnector.journal.JournalStore;
import dev.leadconnector.journal.JournalStore.Event;
import dev.leadconnector.journal.JournalStore.LeadRow;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The lead desk's first screen against a journal of N leads (default 100,000), on H2 (a file, as the
 * connector keeps it) and on PostgreSQL (the tests' embedded one): the queries GET /desk makes, in its
 * order (today's count, per-target counts since midnight, 30 days per day and action, the 25 newest
 * leads, then each one's journey: lead, bounded events, duplicate count), timed as a whole; median and
 * worst of 15 after 5 warm-ups. Not the HTTP stack, not the dead-letter directory (the parked count).
 *   mvn -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 *   java -cp target/classes:$(cat /tmp/cp.txt) bench/DeskFirstScreen.java [leads]
 */
public class DeskFirstScreen {

    static final String[] ACTIONS = {"INS", "Create", "PLT", "StartTestDrive"};

    public static void main(String[] args) throws Exception {
        int leads = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = Files.createTempDirectory("desk-bench");
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("dedup"));
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
        fill(store, new org.springframework.jdbc.core.JdbcTemplate(database), leads);
        System.out.printf("%s: %,d leads, %,d events written in %.1f s%n", name, leads, leads * 5L,
                (System.nanoTime() - fill) / 1e9);
        for (int i = 0; i < 5; i++) {
            firstScreen(store);
        }
        long[] took = new long[15];
        for (int i = 0; i < took.length; i++) {
            long start = System.nanoTime();
            firstScreen(store);
            took[i] = System.nanoTime() - start;
        }
        Arrays.sort(took);
        System.out.printf("%s: first screen median %.1f ms, worst %.1f ms (of %d)%n", name, took[took.length / 2] / 1e6,
                took[took.length - 1] / 1e6, took.length);
        System.out.printf("%s: last one: today %.1f ms, per target %.1f ms, 30 days %.1f ms, newest 25 %.1f ms, 25 journeys %.1f ms%n",
                name, PARTS[0] / 1e6, PARTS[1] / 1e6, PARTS[2] / 1e6, PARTS[3] / 1e6, PARTS[4] / 1e6);
        database.close();
    }

    /** Nanoseconds per part of the last first screen, for where the time goes. */
    static final long[] PARTS = new long[5];

    static void firstScreen(JournalStore store) {
        ZoneId zone = ZoneId.systemDefault();
        LocalDate today = LocalDate.now(zone);
        Instant midnight = today.atStartOfDay(zone).toInstant();
        long t0 = System.nanoTime();
        store.leadsPerDay(midnight, 1000);
        long t1 = System.nanoTime();
        store.targetEventsSince(midnight, 1000);
        long t2 = System.nanoTime();
        store.leadsPerDay(today.minusDays(29).atStartOfDay(zone).toInstant(), 30 * 64);
        long t3 = System.nanoTime();
        List<LeadRow> newest = store.leads(new JournalStore.LeadFilter(null, null, null), null, 25, List.of()).leads();
        long t4 = System.nanoTime();
        for (LeadRow row : newest) {
            store.lead(row.leadId());
            store.events(row.leadId(), 1000);
            store.duplicates(row.leadId());
        }
        long t5 = System.nanoTime();
        PARTS[0] = t1 - t0;
        PARTS[1] = t2 - t1;
        PARTS[2] = t3 - t2;
        PARTS[3] = t4 - t3;
        PARTS[4] = t5 - t4;
    }

    /** N leads spread over the last 30 days, each with five events (received, routed, delivered twice, one more). */
    static void fill(JournalStore store, org.springframework.jdbc.core.JdbcTemplate jdbc, int leads) {
        Instant now = Instant.now();
        long span = 30L * 86_400;
        List<Event> events = new ArrayList<>();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < leads; i++) {
            String id = "%032x".formatted(i);
            Instant at = now.minusSeconds(span - span * i / leads);
            String action = ACTIONS[i % ACTIONS.length];
            // the rows addLead writes, in batches (one INSERT and commit per lead takes an hour here)
            rows.add(new Object[] {id, java.sql.Timestamp.from(at), "%064x".formatted(i % 50_000), action, lead(id, at, action, i)});
            events.add(new Event(id, at, "received", null, null, null, "{\"action\":\"" + action + "\"}"));
            events.add(new Event(id, at, "routed", null, null, null, "{\"targets\":[\"archive\",\"salesforce\"],\"notSent\":{}}"));
            events.add(new Event(id, at.plusMillis(5), "delivered", "archive", null, "data/leads/" + id + ".json", null));
            events.add(i % 10 == 0
                    ? new Event(id, at.plusMillis(50), "attempt", "salesforce", 1, null, "{\"outcome\":\"failed\",\"error\":\"503\",\"next\":\"in 1 s\"}")
                    : new Event(id, at.plusMillis(50), "duplicate", null, null, null, null));
            events.add(i % 50 == 0
                    ? new Event(id, at.plusSeconds(2), "parked", "salesforce", null, null, "{\"reason\":\"refused\"}")
                    : new Event(id, at.plusSeconds(2), "delivered", "salesforce", null, "00Q" + i, null));
            if (rows.size() >= 1000) {
                insert(jdbc, rows);
                store.addEvents(events);
                events.clear();
            }
        }
        insert(jdbc, rows);
        store.addEvents(events);
    }

    static void insert(org.springframework.jdbc.core.JdbcTemplate jdbc, List<Object[]> rows) {
        jdbc.batchUpdate("INSERT INTO LEAD_JOURNAL_LEAD (lead_id, received_at, email_hash, action, canonical_lead) "
                + "VALUES (?, ?, ?, ?, ?)", rows);
        rows.clear();
    }

    static String lead(String id, Instant at, String action, int i) {
        return "{\"id\":\"" + id + "\",\"receivedAt\":\"" + at + "\",\"source\":\"AzureMarketplace\",\"action\":\"" + action
                + "\",\"stage\":\"initial-interest\",\"offer\":{\"title\":\"Contoso Analytics Suite\"},\"customer\":{\"firstName\":\"Avery\","
                + "\"lastName\":\"Quinn " + i + "\",\"email\":\"avery" + i + "@fabrikam.example\",\"company\":\"Fabrikam\"},"
                + "\"test\":false,\"original\":{\"UserDetails\":{\"FirstName\":\"Avery\",\"Email\":\"avery" + i + "@fabrikam.example\"}}}";
    }
}
