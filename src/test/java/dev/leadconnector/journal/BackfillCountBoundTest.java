package dev.leadconnector.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.dedup.LeaseMessageIdRepository;
import dev.leadconnector.dispatch.InboxSettings;
import dev.leadconnector.journal.JournalBoundsTest.Counting;
import dev.leadconnector.journal.JournalStore.LeadRow;
import dev.leadconnector.targets.ArchiveSettings;
import dev.leadconnector.targets.LeadTargets;
import dev.leadconnector.targets.RoutingSettings;
import dev.leadconnector.targets.TargetSettings;
import dev.leadconnector.targets.backfill.TargetBackfill;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28: the lead desk's backfill confirmation ({@code GET /desk/backfill}) counts with
 * {@link TargetBackfill#count}, which must stay bounded when the target already has every lead (nothing is
 * chosen, so the old count read the whole journal and listed the whole archive): it looks at the journal's
 * newest leads with a {@code LIMIT} and at most that many leads in all, archive entries included, and says it
 * stopped.
 */
class BackfillCountBoundTest {

    static final String TARGET = "https";
    final ObjectMapper mapper = new ObjectMapper();
    /**
     * Every context a test made (some make two), closed after it: one left running stays in the JVM's MBean
     * server, where Hawtio, in a later test of the same JVM, showed it instead of the connector's.
     */
    final List<CamelContext> contexts = new ArrayList<>();

    @AfterEach
    void closeCamel() {
        contexts.forEach(CamelContext::stop); // stop unregisters its MBeans; close declares Exception
    }

    /** The delivery repository, as the backfill asks it: the target has what {@code has} says; asks counted. */
    static final class Deliveries extends LeaseMessageIdRepository {
        final AtomicInteger asked = new AtomicInteger();
        final Predicate<String> has;

        Deliveries(DataSource dataSource, Predicate<String> has) {
            super(dataSource, "test", Duration.ofMinutes(1), Clock.systemUTC());
            this.has = has;
        }

        @Override
        public boolean contains(String key) {
            asked.incrementAndGet();
            return has.test(key);
        }
    }

    TargetBackfill backfill(JournalStore store, Deliveries deliveries, Path archive) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        contexts.add(camel);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:deliver-" + TARGET).routeId("deliver-" + TARGET).log("never");
            }
        });
        camel.start();
        TargetSettings https = new TargetSettings(true, List.of("INS"), List.of(), false, Map.of(), null, null, null);
        RoutingSettings routing = new RoutingSettings(Map.of(TARGET, https), RoutingSettings.TestLeads.DELIVER, null);
        return new TargetBackfill(camel, routing, new LeadTargets(routing), deliveries, store, null, mapper,
                new ArchiveSettings(archive), new InboxSettings("seda:inbox", "seda:inbox", 1, 10, null));
    }

    String lead(String id, Instant at) {
        return mapper.createObjectNode().put("id", id).put("action", "INS").put("receivedAt", at.toString()).toString();
    }

    @Test
    void aTargetThatHasEveryLeadIsCountedAfterTheNewestBoundOfTheJournalAndSaysItStopped(@TempDir Path dir) throws Exception {
        Counting counting = new Counting(JournalDatabases.fresh("h2"));
        JournalStore store = new JournalStore(counting.dataSource());
        int leads = JournalStore.MOST_EXAMINED + 700;
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        for (int i = 0; i < leads; i++) {
            String id = "%032x".formatted(i);
            Instant at = start.plusSeconds(i);
            store.addLead(new LeadRow(id, at, null, "INS", lead(id, at)));
        }
        Path archive = Files.createDirectories(dir.resolve("archive"));
        for (int i = 0; i < 300; i++) { // the oldest leads archived too: never reached
            String id = "%032x".formatted(i);
            Files.writeString(archive.resolve(id + ".json"), lead(id, start.plusSeconds(i)));
        }
        Deliveries deliveries = new Deliveries(counting.dataSource(), key -> true);
        TargetBackfill backfill = backfill(store, deliveries, archive);
        counting.reset();

        TargetBackfill.Count count = backfill.count(TARGET, null, null, 5000, JournalStore.MOST_EXAMINED);

        assertThat(count.leads()).isZero();
        assertThat(count.examined()).isEqualTo(JournalStore.MOST_EXAMINED);
        assertThat(count.stopped()).as("it stopped looking: the desk says 'at least'").isTrue();
        assertThat(deliveries.asked).hasValue(JournalStore.MOST_EXAMINED);
        // one statement for the ids (LIMIT, newest first), then one per lead looked at: never the whole journal
        assertThat(counting.statements).hasSize(1 + JournalStore.MOST_EXAMINED);
        assertThat(counting.statements.get(0)).contains("ORDER BY received_at DESC", "LIMIT ?");
        assertThat(counting.rowsRead.get()).isEqualTo(JournalStore.MOST_EXAMINED + 1 + JournalStore.MOST_EXAMINED);

        // the newest ones looked at: a lead the target lacks among them is counted, an older one is not
        String newest = "%032x".formatted(leads - 1);
        String oldest = "%032x".formatted(0);
        Deliveries lacking = new Deliveries(counting.dataSource(), key -> !Set.of(TARGET + ":" + newest, TARGET + ":" + oldest).contains(key));
        TargetBackfill.Count some = backfill(store, lacking, archive).count(TARGET, null, null, 5000, JournalStore.MOST_EXAMINED);
        assertThat(some.leads()).isEqualTo(1);
        assertThat(some.stopped()).isTrue();
    }

    @Test
    void theArchiveIsNotListedWholeForACount(@TempDir Path dir) throws Exception {
        Counting counting = new Counting(JournalDatabases.fresh("h2"));
        JournalStore store = new JournalStore(counting.dataSource());
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        for (int i = 0; i < 10; i++) {
            String id = "%032x".formatted(i);
            store.addLead(new LeadRow(id, start.plusSeconds(i), null, "INS", lead(id, start.plusSeconds(i))));
        }
        Path archive = Files.createDirectories(dir.resolve("archive"));
        for (int i = 0; i < 200; i++) { // 10 journaled, 190 only archived (older than the journal keeps)
            String id = "%032x".formatted(i);
            Files.writeString(archive.resolve(id + ".json"), lead(id, start.plusSeconds(i)));
        }
        Deliveries deliveries = new Deliveries(counting.dataSource(), key -> true);
        TargetBackfill backfill = backfill(store, deliveries, archive);

        TargetBackfill.Count bounded = backfill.count(TARGET, null, null, 5000, 50);
        assertThat(bounded.examined()).isEqualTo(50);
        assertThat(bounded.stopped()).isTrue();
        assertThat(bounded.leads()).isZero();
        assertThat(deliveries.asked.get()).isLessThanOrEqualTo(50);

        // unbounded, it looks at everything and counts what the target lacks once each: every lead of the folder
        TargetBackfill.Count all = backfill(store, new Deliveries(counting.dataSource(), key -> false), archive)
                .count(TARGET, null, null, 5000, 1000);
        assertThat(all.leads()).isEqualTo(200);
        assertThat(all.examined()).isEqualTo(210);
        assertThat(all.stopped()).isFalse();
    }

    @Test
    void theBackfillReadsTheJournalsIdsInKeysetPagesEachOnceOldestFirstEvenAcrossEqualTimes() {
        Counting counting = new Counting(JournalDatabases.fresh("h2"));
        JournalStore store = new JournalStore(counting.dataSource());
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        java.util.List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 250; i++) { // three leads per second: pages end between equal times
            String id = "%032x".formatted(i);
            store.addLead(new LeadRow(id, start.plusSeconds(i / 3), null, "INS", lead(id, start.plusSeconds(i / 3))));
            if (i / 3 >= 10) {
                expected.add(id);
            }
        }
        counting.reset();
        java.util.List<String> read = new java.util.ArrayList<>();
        JournalStore.Cursor after = null;
        java.util.List<JournalStore.Cursor> page;
        do {
            page = store.leadIdsSince(start.plusSeconds(10), after, 7);
            for (JournalStore.Cursor next : page) {
                read.add(next.leadId());
                after = next;
            }
        } while (page.size() == 7);
        assertThat(read).containsExactlyElementsOf(expected);
        assertThat(counting.statements).allSatisfy(sql -> assertThat(sql).contains("LIMIT ?"));
        assertThat(counting.rowsRead.get()).isEqualTo(expected.size());
    }
}
