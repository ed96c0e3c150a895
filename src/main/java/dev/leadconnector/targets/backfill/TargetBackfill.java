package dev.leadconnector.targets.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.dedup.LeaseMessageIdRepository;
import dev.leadconnector.dispatch.InboxSettings;
import dev.leadconnector.dispatch.LeadMessage;
import dev.leadconnector.journal.JournalStore;
import dev.leadconnector.journal.LeadJournal;
import dev.leadconnector.targets.ArchiveSettings;
import dev.leadconnector.targets.LeadTargets;
import dev.leadconnector.targets.RoutingSettings;
import dev.leadconnector.targets.TargetSettings;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Sends a target connected later the leads it would have got: {@code POST /actuator/targets/{name}/backfill}
 * (and the {@code backfill} operation of the endpoint's MBean). It reads the archived leads (the archive
 * target's folder, every lead this instance archived) and the journal's (every instance's, for
 * {@code leads.dedup.window}), keeps those the target takes today (its actions and offers, never DNC to a
 * sales target, the test-lead policy: {@link LeadTargets#targetsFor}), received at or after {@code since},
 * of {@code offer} when given, and that the target does not have yet (no {@code <name>:<lead id>} key in the
 * delivery repository), and answers at once how many it queued. A thread of its own then hands them,
 * oldest first, to {@code direct:backfill} (routes/lead-backfill.camel.yaml), which sends each through the
 * target's own {@code deliver-<name>} route: its per-target idempotency stops a lead sent twice (a second
 * backfill, a lead the router sent meanwhile), and its batching, breaker, retries, dead letter, metrics and
 * journal apply. Paced like a burst: at most two of the target's batches in hand at once. One backfill per
 * target at a time.
 *
 * <p>Choosing is done on the caller's thread (the POST waits for it, to answer how many were queued): it reads
 * every archived and journaled lead, one at a time (the archive folder an entry at a time, the journal's ids in
 * keyset pages of {@value #JOURNAL_PAGE}: issue 28), so its time grows with the archive and the journal, while
 * what it holds is the leads chosen. {@link #count}, for the desk's confirmation, is bounded instead.
 */
@Component
public class TargetBackfill implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(TargetBackfill.class);

    public static final String OPERATION = "backfill";
    static final String ENDPOINT = "direct:backfill";
    /** The exchange property lead-backfill.camel.yaml reads: the target the lead goes to. */
    static final String TARGET = "backfillTarget";
    /** A target without a batch size of its own: this many leads per batch when pacing. */
    static final int DEFAULT_BATCH = 100;
    /** The journal's lead ids a backfill reads in one statement (keyset pages, oldest first). */
    static final int JOURNAL_PAGE = 1000;

    /** Why leads were not queued, as the answer counts them. */
    static final String HAS_IT = "already-there";
    static final String NOT_TAKEN = "not-taken";
    static final String BEFORE_SINCE = "before-since";
    static final String OTHER_OFFER = "other-offer";
    static final String UNREADABLE = "unreadable";

    /** A backfill that cannot start: the HTTP status and the problem's words. */
    public static class Refused extends IllegalArgumentException {
        private final int status;
        private final String slug;
        private final String title;

        Refused(int status, String slug, String title, String detail) {
            super(detail);
            this.status = status;
            this.slug = slug;
            this.title = title;
        }

        public int status() {
            return status;
        }

        public String slug() {
            return slug;
        }

        public String title() {
            return title;
        }
    }

    /** One lead chosen: its id, when it came, and its archive file (null: read it from the journal). */
    private record Candidate(String id, Instant receivedAt, Path file) {}

    private final CamelContext camel;
    private final Map<String, TargetSettings> targets;
    private final LeadTargets leadTargets;
    private final LeaseMessageIdRepository deliveries;
    private final JournalStore journalStore;
    private final LeadJournal journal;
    private final ObjectMapper mapper;
    private final Path archive;
    private final int maxInFlight;
    private final Clock clock = Clock.systemUTC();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public TargetBackfill(CamelContext camel, RoutingSettings routing, LeadTargets leadTargets,
                          @Qualifier("deliveryRepository") LeaseMessageIdRepository deliveries, JournalStore journalStore,
                          LeadJournal journal, ObjectMapper mapper,
                          ArchiveSettings archive, InboxSettings inbox) {
        this.camel = camel;
        this.targets = routing.targets();
        this.leadTargets = leadTargets;
        this.deliveries = deliveries;
        this.journalStore = journalStore;
        this.journal = journal;
        this.mapper = mapper;
        this.archive = archive.directory();
        this.maxInFlight = inbox.maxInFlight();
    }

    /**
     * Chooses the leads and starts sending them; answers {@code target}, {@code queued}, {@code skipped} (how
     * many leads read were left out, and why) and what was read. Throws {@link Refused} for an unknown or
     * disabled target, a {@code since} that is no date or in the future, or a backfill of it still running.
     */
    public Map<String, Object> start(String target, String since, String offer) {
        TargetSettings settings = settings(target);
        Instant from = since(since, clock.instant());
        String onlyOffer = offer == null || offer.isBlank() ? null : offer.trim();

        if (!running.add(target)) {
            throw new Refused(409, "backfill-running", "Backfill running",
                    "A backfill of " + target + " is still sending its leads; ask again once it is done (the log says when).");
        }
        try {
            Map<String, Integer> skipped = skippedCounts();
            List<String> read = new ArrayList<>();
            List<Candidate> chosen = choose(target, from, onlyOffer, skipped, read);
            chosen.sort(Comparator.comparing(Candidate::receivedAt).thenComparing(Candidate::id));
            int window = Math.max(1, Math.min(maxInFlight, 2 * batchSize(settings)));
            LOG.info("Backfill of {}: {} leads queued (skipped: {}), at most {} in hand at once", target, chosen.size(),
                    skipped, window);
            Thread thread = new Thread(() -> send(target, chosen, window), "backfill-" + target);
            thread.setDaemon(true);
            thread.start();

            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("target", target);
            answer.put("queued", chosen.size());
            if (from != null) {
                answer.put("since", from.toString());
            }
            if (onlyOffer != null) {
                answer.put("offer", onlyOffer);
            }
            answer.put("skipped", skipped);
            answer.put("read", read);
            return answer;
        } catch (RuntimeException e) {
            running.remove(target);
            throw e;
        }
    }

    private static Map<String, Integer> skippedCounts() {
        Map<String, Integer> skipped = new LinkedHashMap<>();
        for (String reason : List.of(HAS_IT, NOT_TAKEN, BEFORE_SINCE, OTHER_OFFER, UNREADABLE)) {
            skipped.put(reason, 0);
        }
        return skipped;
    }

    /**
     * What {@link #count} found: {@code leads} the backfill would send among the {@code examined} leads it looked
     * at; {@code stopped}: it stopped looking before the end (at the caller's {@code most} leads, or at
     * {@code examine} leads looked at), so the backfill may send more.
     */
    public record Count(int leads, int examined, boolean stopped) {}

    /**
     * How many leads {@link #start} would queue now, counted the same way and sending nothing: what the lead
     * desk's confirmation says (issue 28). Bounded, for a page anyone logged in may ask for: it looks at the
     * journal's newest {@code examine} leads (received since {@code since}; one statement with a {@code LIMIT},
     * newest first off the index), then, if it has not looked at {@code examine} leads yet, at the archive's
     * files (not listed whole: read one entry at a time, each counted as a lead looked at, an archived lead
     * the journal has skipped by its name); it stops at {@code examine} leads looked at or {@code most} chosen,
     * and says so ({@link Count#stopped}: the caller says "at least"). Refused as {@code start} is, but not for
     * a backfill still running (the count is what is left to send).
     */
    public Count count(String target, String since, String offer, int most, int examine) {
        settings(target);
        Instant from = since(since, clock.instant());
        String onlyOffer = offer == null || offer.isBlank() ? null : offer.trim();
        Map<String, Integer> skipped = skippedCounts();
        List<Candidate> chosen = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int examined = 0;
        List<String> ids = journalStore.newestLeadIds(from, examine + 1);
        for (String id : ids) {
            if (examined >= examine || chosen.size() >= most) {
                return new Count(chosen.size(), examined, true);
            }
            examined++;
            JournalStore.LeadRow row = journalStore.lead(id);
            JsonNode lead = row == null ? null : parse(row.lead());
            if (lead == null) {
                skipped.merge(UNREADABLE, 1, Integer::sum);
                continue;
            }
            consider(target, from, onlyOffer, lead, null, seen, chosen, skipped);
        }
        if (Files.isDirectory(archive)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(archive)) {
                for (Path file : files) {
                    if (examined >= examine || chosen.size() >= most) {
                        return new Count(chosen.size(), examined, true);
                    }
                    examined++; // every entry, lead file or not: the listing itself is bounded
                    if (!isLeadFile(file)) {
                        continue;
                    }
                    String name = file.getFileName().toString();
                    if (seen.contains(name.substring(0, name.length() - ".json".length()))) {
                        continue; // journaled: considered already (deliver-archive names the file <lead id>.json)
                    }
                    JsonNode lead = readLead(file);
                    if (lead == null) {
                        skipped.merge(UNREADABLE, 1, Integer::sum);
                        continue;
                    }
                    consider(target, from, onlyOffer, lead, file, seen, chosen, skipped);
                }
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read the archive " + archive + ": " + e.getMessage(), e);
            }
        }
        return new Count(chosen.size(), examined, chosen.size() >= most);
    }

    /** The target's settings, when it can be backfilled: known, enabled and with its route. */
    private TargetSettings settings(String target) {
        TargetSettings settings = target == null ? null : targets.get(target);
        if (settings == null) {
            throw new Refused(404, "unknown-target", "Unknown target",
                    "There is no target named '" + safe(target) + "' (leads.targets.<name> and routes/deliver-<name>.camel.yaml).");
        }
        if (!settings.enabled()) {
            throw new Refused(400, "target-disabled", "Target not enabled",
                    "Target " + target + " is not enabled: set leads.targets." + target + ".enabled=true, restart, then backfill it.");
        }
        if (camel.getRoute("deliver-" + target) == null) {
            throw new Refused(404, "unknown-target", "Unknown target",
                    "Target " + target + " has no route deliver-" + target + " in routes/.");
        }
        return settings;
    }

    /** Whether a backfill of this target is still sending. */
    public boolean isRunning(String target) {
        return running.contains(target);
    }

    private List<Candidate> choose(String target, Instant from, String offer, Map<String, Integer> skipped,
                                   List<String> read) {
        List<Candidate> chosen = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        if (Files.isDirectory(archive)) {
            read.add("archive " + archive);
            // read an entry at a time: the folder is never listed whole into memory (issue 28)
            try (DirectoryStream<Path> files = Files.newDirectoryStream(archive, TargetBackfill::isLeadFile)) {
                for (Path file : files) {
                    JsonNode lead = readLead(file);
                    if (lead == null) {
                        skipped.merge(UNREADABLE, 1, Integer::sum);
                        continue;
                    }
                    consider(target, from, offer, lead, file, seen, chosen, skipped);
                }
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read the archive " + archive + ": " + e.getMessage(), e);
            }
        }
        read.add("journal");
        JournalStore.Cursor after = null;
        List<JournalStore.Cursor> page;
        do {
            page = journalStore.leadIdsSince(from, after, JOURNAL_PAGE);
            for (JournalStore.Cursor next : page) {
                after = next;
                considerJournaled(target, from, offer, next.leadId(), seen, chosen, skipped);
            }
        } while (page.size() == JOURNAL_PAGE);
        return chosen;
    }

    private void considerJournaled(String target, Instant from, String offer, String id, Set<String> seen,
                                   List<Candidate> chosen, Map<String, Integer> skipped) {
        if (seen.contains(id)) {
            return; // archived: considered already
        }
        JournalStore.LeadRow row = journalStore.lead(id);
        JsonNode lead = row == null ? null : parse(row.lead());
        if (lead == null) {
            skipped.merge(UNREADABLE, 1, Integer::sum);
            return;
        }
        consider(target, from, offer, lead, null, seen, chosen, skipped);
    }

    private void consider(String target, Instant from, String offer, JsonNode lead, Path file, Set<String> seen,
                          List<Candidate> chosen, Map<String, Integer> skipped) {
        String id = lead.path("id").asText("");
        if (!id.matches("[0-9a-f]{32}") || !seen.add(id)) {
            if (id.isEmpty()) {
                skipped.merge(UNREADABLE, 1, Integer::sum);
            }
            return;
        }
        Instant receivedAt = receivedAt(lead);
        String offerId = lead.path("offer").path("id").textValue();
        String offerTitle = lead.path("offer").path("title").textValue();
        String reason;
        if (from != null && (receivedAt == null || receivedAt.isBefore(from))) {
            reason = BEFORE_SINCE;
        } else if (offer != null && !offer.equalsIgnoreCase(offerId) && !offer.equalsIgnoreCase(offerTitle)) {
            reason = OTHER_OFFER;
        } else if (!leadTargets.targetsFor(lead.path("action").textValue(), lead.path("test").asBoolean(false),
                offerId, offerTitle).contains(target)) {
            reason = NOT_TAKEN;
        } else if (deliveries.contains(target + ":" + id)) {
            reason = HAS_IT;
        } else {
            chosen.add(new Candidate(id, receivedAt == null ? Instant.EPOCH : receivedAt, file));
            return;
        }
        skipped.merge(reason, 1, Integer::sum);
    }

    /** Hands the leads to lead-backfill, never more than {@code window} of them in hand at once. */
    private void send(String target, List<Candidate> leads, int window) {
        Semaphore inHand = new Semaphore(window);
        AtomicInteger through = new AtomicInteger();
        AtomicInteger parked = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        int handed = 0;
        AsyncProducer producer = null;
        try {
            producer = camel.getEndpoint(ENDPOINT).createAsyncProducer();
            ServiceHelper.startService(producer);
            for (Candidate candidate : leads) {
                if (stopping) {
                    break;
                }
                inHand.acquire();
                String text = text(candidate);
                JsonNode lead = text == null ? null : parse(text);
                if (lead == null) {
                    failed.incrementAndGet();
                    inHand.release();
                    continue;
                }
                journal.backfilled(candidate.id(), target);
                Exchange exchange = new DefaultExchange(camel);
                exchange.setProperty(TARGET, target);
                exchange.getMessage().setBody(text);
                LeadMessage.setHeaders(exchange.getMessage(), lead);
                handed++;
                producer.process(exchange, doneSync -> {
                    if (exchange.getException() != null) {
                        failed.incrementAndGet();
                    } else if (exchange.getProperty(Exchange.EXCEPTION_CAUGHT) != null) {
                        parked.incrementAndGet(); // the target's own error handling parked it: its dead letter says why
                    } else {
                        through.incrementAndGet();
                    }
                    inHand.release();
                });
            }
            inHand.acquire(window); // every lead handed over has come back
            LOG.info("Backfill of {} done: {} of {} leads handed to deliver-{}: {} went through, {} parked, {} failed{}",
                    target, handed, leads.size(), target, through.get(), parked.get(), failed.get(),
                    handed < leads.size() && stopping ? " (stopped by the shutdown: backfill again to send the rest)" : "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Backfill of {} stopped after {} of {} leads: backfill again to send the rest", target, handed, leads.size());
        } catch (Exception e) {
            LOG.warn("Backfill of {} stopped after {} of {} leads: {}", target, handed, leads.size(), e.toString());
        } finally {
            ServiceHelper.stopService(producer);
            running.remove(target);
        }
    }

    private String text(Candidate candidate) {
        if (candidate.file() != null) {
            try {
                return Files.readString(candidate.file());
            } catch (IOException gone) {
                return null;
            }
        }
        JournalStore.LeadRow row = journalStore.lead(candidate.id());
        return row == null ? null : row.lead();
    }

    /**
     * {@code since}: an ISO date (from its midnight, UTC) or an instant with an offset; none for every lead.
     * One that is neither, or in the future, is refused.
     */
    static Instant since(String since, Instant now) {
        if (since == null || since.isBlank()) {
            return null;
        }
        Instant from;
        try {
            String text = since.trim();
            from = text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new Refused(400, "invalid-since", "Invalid since",
                    "since is an ISO date (2026-11-01: from its midnight, UTC) or an instant (2026-11-01T09:30:00Z).");
        }
        if (from.isAfter(now)) {
            throw new Refused(400, "since-in-the-future", "since is in the future",
                    "since (" + from + ") is after now (" + now + "): no lead was received then.");
        }
        return from;
    }

    private static int batchSize(TargetSettings settings) {
        Integer size = settings.batch().size();
        return size == null || size < 1 ? DEFAULT_BATCH : size;
    }

    private static boolean isLeadFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") && !name.startsWith(".");
    }

    private JsonNode readLead(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException gone) {
            return null;
        }
    }

    private JsonNode parse(String text) {
        try {
            JsonNode lead = mapper.readTree(text);
            return lead != null && lead.isObject() ? lead : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    private static Instant receivedAt(JsonNode lead) {
        try {
            return lead.hasNonNull("receivedAt") ? Instant.parse(lead.path("receivedAt").asText()) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A name as the answer may repeat it: no markup, no line breaks, not too long. */
    private static String safe(String name) {
        String kept = String.valueOf(name).replaceAll("[^A-Za-z0-9._-]", "?");
        return kept.length() > 64 ? kept.substring(0, 64) + "..." : kept;
    }

    /** A backfill still sending stops handing over leads; those in hand finish as Camel shuts down. */
    @Override
    public void destroy() {
        stopping = true;
    }
}
