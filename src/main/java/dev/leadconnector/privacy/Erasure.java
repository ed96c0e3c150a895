package dev.leadconnector.privacy;

import dev.leadconnector.deadletter.DeadLetterSettings;
import dev.leadconnector.dispatch.InboxSettings;
import dev.leadconnector.intake.InboxLog;
import dev.leadconnector.journal.JournalStore;
import dev.leadconnector.journal.LeadJournal;
import dev.leadconnector.targets.ArchiveSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.InflightRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * One customer forgotten, on request ({@code DELETE /actuator/leads?email=}): everything the connector
 * holds about the address, store by store, and an audit line that names the address only by its keyed
 * hash.
 *
 * <ul>
 * <li>inbox: each waiting lead file (the inbox holds what dispatch has not taken yet; every one is read) of
 * that customer is deleted, except a lead dispatch is handling right now (in flight): that one is listed in
 * {@code inFlight}, its delivery finishes, and an erasure after it has been delivered removes what it left.</li>
 * <li>inbox log: its lines, rewritten out of every segment ({@link InboxLog#erase}).</li>
 * <li>queue (profile azure): the inbox queue's messages of that customer no instance holds now ({@link QueueMessages}).</li>
 * <li>dead letters: every letter of the folder and of {@code replayed/} (every one is read), and under
 * profile azure the dead-letter queue's.</li>
 * <li>archive: every archived lead of that customer (every file is read: the archive outlives the journal).</li>
 * <li>journal: the customer's leads (with the keyed e-mail hash) and their events. The lead ids stay in
 * the de-duplication store: a hash, no personal data, so a lead the marketplace sends again is a duplicate.</li>
 * </ul>
 * {@code deliveredTo} is where the journal saw the customer's leads delivered (within {@code leads.dedup.window}),
 * the archive left out: the CRMs and receivers keep their own records.
 */
@Component
public class Erasure {

    private static final Logger LOG = LoggerFactory.getLogger(Erasure.class);
    private static final Pattern LEAD_FILE = Pattern.compile("([0-9a-f]{32})\\.json");
    private static final Pattern LETTER_FILE = Pattern.compile("([0-9a-f]{32})-.*\\.json");
    static final List<String> STORES = List.of("archive", "deadLetters", "journalLeads", "journalEvents", "inbox",
            "inboxLog", "queue");

    /** What an erasure answers: how many items went from each store, where else the customer's leads went. */
    public record Report(String emailHash, Map<String, Integer> removed, List<String> deliveredTo, List<String> inFlight) {}

    private final JournalStore journalStore;
    private final LeadJournal journal;
    private final InboxLog inboxLog;
    private final CamelContext camel;
    private final ObjectProvider<QueueMessages> queues;
    private final MeterRegistry registry;
    private final Path archive;
    private final Path deadLetters;
    private final Path inbox;
    private final Clock clock;

    @Autowired
    public Erasure(JournalStore journalStore, LeadJournal journal, InboxLog inboxLog, CamelContext camel,
                   ObjectProvider<QueueMessages> queues, MeterRegistry registry,
                   ArchiveSettings archive, DeadLetterSettings deadLetters, InboxSettings inbox) {
        this(journalStore, journal, inboxLog, camel, queues, registry, archive.directory(), deadLetters.directory(),
                InboxLog.fileInbox(inbox.uri()), Clock.systemUTC());
    }

    Erasure(JournalStore journalStore, LeadJournal journal, InboxLog inboxLog, CamelContext camel,
            ObjectProvider<QueueMessages> queues, MeterRegistry registry, Path archive, Path deadLetters, Path inbox,
            Clock clock) {
        this.journalStore = journalStore;
        this.journal = journal;
        this.inboxLog = inboxLog;
        this.camel = camel;
        this.queues = queues;
        this.registry = registry;
        this.archive = archive;
        this.deadLetters = deadLetters;
        this.inbox = inbox;
        this.clock = clock;
    }

    /** Forgets the customer with this address; {@code who} is the login that asked, for the audit line. */
    public synchronized Report erase(String email, String who) {
        Instant at = clock.instant();
        String hash = journal.emailHash(email);
        CustomerMatch customer = new CustomerMatch(email);
        Set<String> leadIds = new LinkedHashSet<>(journalStore.leadIdsByEmailHash(hash));
        Set<String> handled = inFlight();
        List<String> inFlight = new ArrayList<>();
        Map<String, Integer> removed = new LinkedHashMap<>();
        STORES.forEach(store -> removed.put(store, 0));

        // where a lead waits first: what is deleted here is never dispatched
        removed.put("inbox", eraseFiles(inbox, LEAD_FILE, leadIds, customer, handled, inFlight));
        try {
            removed.put("inboxLog", inboxLog.erase(customer));
        } catch (IOException e) {
            throw new UncheckedIOException("the inbox log could not be rewritten", e);
        }
        QueueMessages queue = queues.getIfAvailable();
        int deadLetterMessages = 0;
        if (queue != null) {
            removed.put("queue", queue.eraseInbox(customer));
            deadLetterMessages = queue.eraseDeadLetters(customer);
        }
        removed.put("deadLetters", deadLetterMessages
                + eraseFiles(deadLetters, LETTER_FILE, leadIds, customer, Set.of(), null)
                + eraseFiles(deadLetters.resolve("replayed"), LETTER_FILE, leadIds, customer, Set.of(), null));
        removed.put("archive", eraseFiles(archive, LEAD_FILE, leadIds, customer, Set.of(), null));

        List<String> deliveredTo = journalStore.deliveredTargets(leadIds).stream()
                .filter(target -> !target.equals("archive")).toList();
        JournalStore.Erased erased = journalStore.erase(hash, leadIds);
        removed.put("journalLeads", erased.leads());
        removed.put("journalEvents", erased.events());

        audit(who, at, hash, removed, inFlight);
        return new Report(hash, removed, deliveredTo, inFlight);
    }

    /**
     * Deletes the customer's files in {@code folder}: those named after a lead id already known to be the
     * customer's, and those whose text {@code customer} matches (each other file is read). A lead id it
     * finds joins {@code leadIds}; a file of a lead in {@code handled} is left, its id added to {@code inFlight}.
     */
    private int eraseFiles(Path folder, Pattern names, Set<String> leadIds, Predicate<String> customer,
                           Set<String> handled, List<String> inFlight) {
        if (folder == null || !Files.isDirectory(folder)) {
            return 0;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(file -> {
                String name = file.getFileName().toString();
                return name.endsWith(".json") && !name.startsWith(".") && Files.isRegularFile(file);
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int removed = 0;
        for (Path file : files) {
            var id = names.matcher(file.getFileName().toString());
            String leadId = id.matches() ? id.group(1) : null;
            boolean theirs = leadId != null && leadIds.contains(leadId);
            if (!theirs) {
                String text = read(file);
                theirs = text != null && customer.test(text);
            }
            if (!theirs) {
                continue;
            }
            if (leadId != null) {
                leadIds.add(leadId);
                if (handled.contains(leadId)) {
                    inFlight.add(leadId);
                    continue;
                }
            }
            try {
                if (Files.deleteIfExists(file)) {
                    removed++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete " + file.getFileName(), e);
            }
        }
        return removed;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException gone) {
            return null; // dispatched, replayed or pruned meanwhile
        } catch (MalformedInputException notText) {
            try {
                return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file.getFileName(), e);
        }
    }

    /** The ids of the leads Camel is handling now (dispatch's exchanges carry the lead id header). */
    private Set<String> inFlight() {
        Set<String> ids = new LinkedHashSet<>();
        InflightRepository repository = camel.getInflightRepository();
        for (InflightRepository.InflightExchange exchange : repository.browse()) {
            Object id = exchange.getExchange().getMessage().getHeader("leadId");
            if (id != null) {
                ids.add(id.toString());
            }
        }
        return ids;
    }

    private void audit(String who, Instant at, String hash, Map<String, Integer> removed, List<String> inFlight) {
        registry.counter("leads.erasures").increment();
        removed.forEach((store, count) -> Counter.builder("leads.erasure.removed").tag("store", store)
                .description("items removed by erasures, per store").register(registry).increment(count));
        LOG.info("Erasure requested by {} at {}: e-mail hash {}; removed {}{}", who, at, hash,
                removed.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + " " + b).orElse(""),
                inFlight.isEmpty() ? "" : "; " + inFlight.size() + " leads in flight left to finish (erase again once delivered)");
    }
}
