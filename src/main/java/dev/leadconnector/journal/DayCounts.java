package dev.leadconnector.journal;

import dev.leadconnector.dedup.SharedSchema;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * How many leads the journal took per day, action and offer (issue 28): what the desk's 30-day charts and
 * its "Leads received" today read, at most days &times; actions &times; offers rows, where grouping the
 * 30 days' leads themselves took most of the desk's first screen on H2.
 * <p>
 * Kept by the journal's writer: {@link JournalStore#addLeads} adds a batch's counts in the transaction that
 * inserts its leads, so a lead counts once, when its row is inserted (a lead kept already fails its batch,
 * which then counts nothing). Each count is added to the stored one, never written over it, so instances
 * sharing a PostgreSQL journal lose none ({@code INSERT ... ON CONFLICT DO UPDATE}); H2 is one instance's
 * own file, written by its journal's one thread ({@code MERGE ... USING}).
 * <p>
 * A day is the database's day of {@code received_at} (the server's time zone), the day the grouped leads
 * were counted by before. No action or no offer is kept as '' (a key column cannot be null) and read back
 * as null.
 * <p>
 * The counts are aggregates without personal data: they stay when their leads leave the journal (pruned
 * after {@code leads.dedup.window}, or erased), so the charts keep their 30 days; {@link #prune} forgets
 * only the days both before the retention cutoff and before the charts' 30 days.
 */
final class DayCounts {

    static final String TABLE = "LEAD_JOURNAL_DAY_COUNT";
    /** The days the desk charts (today and the 29 before): what a journal from before is counted over, and kept at least. */
    static final int DAYS = 30;
    private static final String NONE = "";
    /**
     * The longest action and offer a count is kept under, in characters: the key of a PostgreSQL index is at most
     * 2,704 bytes, and the journal's own (256 and 512 characters, up to 4 bytes each) would pass it, failing the
     * batch of leads the count goes with. Real ones are far shorter; a longer one is counted under its start.
     */
    static final int KEY_ACTION = 100;
    static final int KEY_OFFER = 200;
    /** The same keys of a stored lead, in SQL both databases read (LEFT counts characters in both). */
    private static final String ACTION_KEY = "LEFT(COALESCE(action, ''), " + KEY_ACTION + ")";
    private static final String OFFER_KEY = "LEFT(COALESCE(offer, ''), " + KEY_OFFER + ")";

    /** The row a lead is counted in: its day, action and offer ({@link #NONE} for none). */
    record Key(LocalDate day, String action, String offer) {}

    private static final Comparator<Key> ORDER = Comparator.comparing(Key::day).thenComparing(Key::action)
            .thenComparing(Key::offer);

    private final JdbcTemplate jdbc;
    private final String upsert;

    DayCounts(JdbcTemplate jdbc, boolean postgres) {
        this.jdbc = jdbc;
        SharedSchema.create(jdbc, "CREATE TABLE IF NOT EXISTS " + TABLE + " (lead_day DATE NOT NULL, "
                + "action VARCHAR(" + KEY_ACTION + ") NOT NULL, offer VARCHAR(" + KEY_OFFER
                + ") NOT NULL, leads BIGINT NOT NULL, PRIMARY KEY (lead_day, action, offer))");
        this.upsert = postgres
                ? "INSERT INTO " + TABLE + " AS t (lead_day, action, offer, leads) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (lead_day, action, offer) DO UPDATE SET leads = t.leads + EXCLUDED.leads"
                : "MERGE INTO " + TABLE + " t USING (VALUES (CAST(? AS DATE), CAST(? AS VARCHAR(" + KEY_ACTION
                        + ")), CAST(? AS VARCHAR(" + KEY_OFFER + ")), CAST(? AS BIGINT))) s (lead_day, action, offer, leads) "
                        + "ON t.lead_day = s.lead_day AND t.action = s.action AND t.offer = s.offer "
                        + "WHEN MATCHED THEN UPDATE SET leads = t.leads + s.leads "
                        + "WHEN NOT MATCHED THEN INSERT (lead_day, action, offer, leads) VALUES (s.lead_day, s.action, s.offer, s.leads)";
    }

    /** The day the database files an instant under: a TIMESTAMP column keeps the server's local date and time. */
    static LocalDate dayOf(Instant at) {
        return Timestamp.from(at).toLocalDateTime().toLocalDate();
    }

    /**
     * Adds the leads to their days' counts; in the caller's transaction (the one that inserted them). Keys in one
     * order, so two instances adding to the same rows wait for each other, never deadlock.
     */
    void add(List<JournalStore.LeadRow> leads) {
        if (leads.isEmpty()) {
            return;
        }
        Map<Key, Long> counts = new TreeMap<>(ORDER);
        for (JournalStore.LeadRow lead : leads) {
            counts.merge(new Key(dayOf(lead.receivedAt()), key(lead.action(), KEY_ACTION), key(lead.offer(), KEY_OFFER)),
                    1L, Long::sum);
        }
        jdbc.batchUpdate(upsert, List.copyOf(counts.entrySet()), counts.size(), (statement, count) -> {
            statement.setDate(1, Date.valueOf(count.getKey().day()));
            statement.setString(2, count.getKey().action());
            statement.setString(3, count.getKey().offer());
            statement.setLong(4, count.getValue());
        });
    }

    /**
     * A journal kept before the counts (its leads, none counted): counted once, at start-up, when there are no counts
     * yet, over the charts' days. Instances starting together on it: the second's insert meets the first's rows and
     * is given up. (Leads an instance of the earlier version journals meanwhile, in a rolling upgrade, are not
     * counted: the charts miss them until those days are past.)
     */
    void countJournalFromBefore(LocalDate today) {
        if (Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM " + TABLE + ")", Boolean.class))) {
            return;
        }
        try {
            jdbc.update("INSERT INTO " + TABLE + " (lead_day, action, offer, leads) SELECT CAST(received_at AS DATE), "
                    + ACTION_KEY + ", " + OFFER_KEY + ", COUNT(*) FROM " + JournalStore.LEADS + " WHERE received_at >= ? "
                    + "GROUP BY CAST(received_at AS DATE), " + ACTION_KEY + ", " + OFFER_KEY,
                    Timestamp.valueOf(today.minusDays(DAYS - 1).atStartOfDay()));
        } catch (DataIntegrityViolationException counted) {
            // another instance counted them first
        }
    }

    /** A lead's action or offer as its count's key: {@link #NONE} for none, at most {@code most} characters. */
    private static String key(String value, int most) {
        if (value == null) {
            return NONE;
        }
        if (value.length() <= most) {
            return value;
        }
        return value.substring(0, Character.isHighSurrogate(value.charAt(most - 1)) ? most - 1 : most);
    }

    /** The rows of the days from {@code since}'s on, no action or offer read back as null. */
    String since() {
        return "SELECT lead_day, NULLIF(action, '') AS action, NULLIF(offer, '') AS offer, leads FROM " + TABLE
                + " WHERE lead_day >= ?";
    }

    /** Forgets the days before both {@code cutoff}'s day and the charts' first day. */
    int prune(Timestamp cutoff, LocalDate today) {
        LocalDate cut = cutoff.toLocalDateTime().toLocalDate();
        LocalDate firstCharted = today.minusDays(DAYS - 1);
        return jdbc.update("DELETE FROM " + TABLE + " WHERE lead_day < ?", Date.valueOf(cut.isBefore(firstCharted) ? cut : firstCharted));
    }
}
