package dev.leadconnector.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadconnector.journal.JournalStore.Event;
import dev.leadconnector.journal.JournalStore.LeadRow;
import dev.leadconnector.security.SecretValues;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * What happened to each lead, written to the {@link JournalStore} by one thread of its own, in
 * batches: the routes and targets only hand an entry over (no database call on their thread, and
 * none before the 202), so keeping the journal costs dispatch almost nothing. Entries still queued
 * when the process is killed are lost: the journal tells the story, the de-duplication keys and the
 * dead-letter store keep the guarantees.
 */
public class LeadJournal implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(LeadJournal.class);
    /**
     * Entries waiting for the writer. A lead's row holds its canonical JSON, so the bound is what the heap
     * can spare: 100,000 entries was more than the 112 MB heap (under load on a busy machine the writer
     * fell behind dispatch and the process ended in OutOfMemoryError). 2,000 entries are about 300 leads'
     * worth, 1 MB as the marketplace sends them and 25 MB if every lead were the largest intake accepts.
     */
    static final int CAPACITY = 2_000;
    /**
     * How long a full queue holds back whoever journals (dispatch taking a lead, a delivery's completion, a
     * retry, a replay) before the entry is dropped: while the writer catches up, they wait and the leads
     * wait in the durable inbox or in flight; a writer that takes nothing for this long (a database that
     * takes no writes) costs entries instead. Once the journal is stopped nobody waits.
     */
    static final Duration FULL_WAIT = Duration.ofSeconds(5);
    private static final int BATCH = 500;

    public static final String RECEIVED = "received";
    public static final String DUPLICATE = "duplicate";
    public static final String ROUTED = "routed";
    public static final String ATTEMPT = "attempt";
    public static final String DELIVERED = "delivered";
    public static final String PARKED = "parked";
    public static final String REPLAYED = "replayed";
    public static final String BACKFILLED = "backfilled";

    private final JournalStore store;
    private final ObjectMapper mapper;
    private final String configuredKey;
    private final SecretValues secrets;
    private final Clock clock;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private volatile Thread writer;
    private volatile byte[] hashKey;

    public LeadJournal(JournalStore store, ObjectMapper mapper, String configuredKey, SecretValues secrets, Clock clock) {
        this.store = store;
        this.mapper = mapper;
        this.configuredKey = configuredKey;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** What stands where a value was cut to fit its column. */
    static final String CUT = "…[cut]";

    /**
     * Dispatch took a new lead (its canonical JSON): kept with its e-mail's hash and its offer (id, else title:
     * what the desk filters by), and its received event.
     */
    public void received(String canonicalLead) {
        JsonNode lead = json(canonicalLead);
        String id = lead.path("id").asText();
        Instant receivedAt = lead.hasNonNull("receivedAt") ? Instant.parse(lead.path("receivedAt").asText()) : clock.instant();
        String email = lead.path("customer").path("email").textValue();
        String offer = JournalStore.offerOf(lead.path("offer").path("id").textValue(), lead.path("offer").path("title").textValue());
        offer(new LeadRow(id, receivedAt, email == null ? null : emailHash(email),
                cut(lead.path("action").textValue(), JournalStore.ACTION_LENGTH), fitLead(lead, canonicalLead),
                cut(offer, JournalStore.OFFER_LENGTH)));
        ObjectNode detail = mapper.createObjectNode();
        for (String field : List.of("source", "action", "stage", "test")) {
            detail.set(field, lead.path(field));
        }
        offer(new Event(id, clock.instant(), RECEIVED, null, null, null, fitDetail(detail)));
    }

    /**
     * The canonical lead as the journal keeps it: whole, unless it is longer than its column (the intake
     * schema bounds every field, but the marketplace's {@code original} payload is bounded only by
     * {@code leads.intake.max-body-bytes}, which may be set above it): then {@code original} is left out
     * and says so. The archive and the targets still get the whole lead.
     */
    private String fitLead(JsonNode lead, String canonicalLead) {
        if (canonicalLead.length() <= JournalStore.LEAD_LENGTH || !(lead instanceof ObjectNode object)) {
            return canonicalLead;
        }
        ObjectNode copy = object.deepCopy();
        copy.put("original", CUT + " the marketplace's payload (" + canonicalLead.length()
                + " characters of canonical lead) is longer than the journal keeps: see the archive");
        return copy.toString();
    }

    /**
     * An event's detail as the journal keeps it: whole when it fits its column; else every long text in
     * it (an error a CRM answered at length, the reasons for many targets) cut shorter, marked, until it
     * fits. It stays JSON, so the journey still reads it.
     */
    String fitDetail(JsonNode detail) {
        String text = detail.toString();
        for (int most = 1000; text.length() > JournalStore.DETAIL_LENGTH && most >= 16; most /= 2) {
            text = cutTexts(detail.deepCopy(), most).toString();
        }
        return text.length() <= JournalStore.DETAIL_LENGTH ? text
                : mapper.createObjectNode().put("cut", CUT + " " + text.length() + " characters of detail").toString();
    }

    private static JsonNode cutTexts(JsonNode node, int most) {
        if (node instanceof ObjectNode object) {
            object.fieldNames().forEachRemaining(name -> object.set(name, cutTexts(object.get(name), most)));
        } else if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, cutTexts(array.get(i), most));
            }
        } else if (node.isTextual() && node.textValue().length() > most) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(cut(node.textValue(), most));
        }
        return node;
    }

    /** {@code value}, or its start and {@link #CUT} when it is longer than {@code most} characters. */
    static String cut(String value, int most) {
        if (value == null || value.length() <= most) {
            return value;
        }
        int end = most - CUT.length();
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
            end--; // never half a character
        }
        return value.substring(0, end) + CUT;
    }

    public void duplicate(String leadId) {
        event(leadId, DUPLICATE, null, null, null, null);
    }

    /** The router's decision: the targets that get the lead, and for each other enabled target why not. */
    public void routed(String leadId, List<String> targets, Map<String, String> notSent) {
        event(leadId, ROUTED, null, null, null, Map.of("targets", targets, "notSent", notSent));
    }

    /** What a delivery attempt that did not deliver was: the call failed, or the circuit breaker made none. */
    public static final String FAILED = "failed";
    public static final String BREAKER_OPEN = "breaker-open";

    /** A delivery attempt did not deliver ({@link #FAILED} or {@link #BREAKER_OPEN}); {@code next} says what happens now. */
    public void attempt(String leadId, String target, int attempt, String outcome, String error, String next) {
        // the viewer reads it: a receiver that echoes our request must not show our secrets here
        event(leadId, ATTEMPT, target, attempt, null, Map.of("outcome", outcome,
                "error", secrets.redact(String.valueOf(error)), "next", String.valueOf(next)));
    }

    public void delivered(String leadId, String target, String recordId) {
        event(leadId, DELIVERED, target, null, recordId, null);
    }

    /** Parked in the dead-letter store; {@code target} is null for a lead the router parked. */
    public void parked(String leadId, String target, String reason, String error) {
        event(leadId, PARKED, target, null, null, error == null ? Map.of("reason", String.valueOf(reason))
                : Map.of("reason", String.valueOf(reason), "error", error));
    }

    public void replayed(String leadId, String target) {
        event(leadId, REPLAYED, target, null, null, null);
    }

    /** Sent to a target connected after the lead came (POST /actuator/targets/{name}/backfill). */
    public void backfilled(String leadId, String target) {
        event(leadId, BACKFILLED, target, null, null, null);
    }

    /** The keyed hash the journal finds a customer's leads by: the address itself is not kept a second time. */
    public String emailHash(String email) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(email.trim().toLowerCase(Locale.ROOT)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private void event(String leadId, String event, String target, Integer attempt, String recordId, Map<String, ?> detail) {
        if (leadId == null) {
            return;
        }
        offer(new Event(leadId, clock.instant(), event, cut(target, JournalStore.TARGET_LENGTH), attempt,
                cut(recordId, JournalStore.RECORD_ID_LENGTH), detail == null ? null : fitDetail(mapper.valueToTree(detail))));
    }

    private void offer(Object entry) {
        try {
            if (writer == null ? queue.offer(entry) : queue.offer(entry, FULL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
        if (dropped.getAndIncrement() % 1000 == 0) {
            LOG.warn("The lead journal is {} entries behind and wrote none for {} s: entries are dropped until it catches up ({} so far)",
                    CAPACITY, FULL_WAIT.toSeconds(), dropped.get());
        }
    }

    /** Entries dropped because the writer was behind for longer than {@link #FULL_WAIT} (kept for the tests). */
    long dropped() {
        return dropped.get();
    }

    /** Entries waiting for the writer. */
    int queued() {
        return queue.size();
    }

    private byte[] key() {
        if (hashKey == null) {
            String key = configuredKey != null && !configuredKey.isBlank() ? configuredKey : store.hashKey(randomKey());
            hashKey = key.getBytes(StandardCharsets.UTF_8);
        }
        return hashKey;
    }

    private static String randomKey() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private void write() {
        List<Object> batch = new ArrayList<>(BATCH);
        while (writer == Thread.currentThread() || !queue.isEmpty()) {
            try {
                Object first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                try {
                    writeAll(batch);
                } catch (DataIntegrityViolationException refused) {
                    // one entry the database refuses must not take the others' journeys with it
                    writeOneByOne(batch, refused);
                }
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // the database itself (down, unreachable): not retried entry by entry, each waiting its timeout
                LOG.warn("Could not write {} lead journal entries: {}", batch.size(), e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    private void writeAll(List<Object> batch) {
        List<LeadRow> leads = new ArrayList<>();
        List<Event> events = new ArrayList<>(batch.size());
        for (Object entry : batch) {
            if (entry instanceof LeadRow lead) {
                leads.add(lead);
            } else {
                events.add((Event) entry);
            }
        }
        if (!leads.isEmpty()) {
            // a lead kept already (dispatched again after a crash) refuses the batch: writeOneByOne then
            // keeps each with addLead, which leaves the one kept as it is
            store.addLeads(leads);
        }
        if (!events.isEmpty()) {
            store.addEvents(events);
        }
    }

    /**
     * Every value is fitted to its column before it is queued; a row the database still refuses (a
     * constraint of its own) is lost, not the batch. (An event batch the database half wrote before it
     * refused one may show those events twice.)
     */
    private void writeOneByOne(List<Object> batch, RuntimeException batchFailure) {
        int lost = 0;
        RuntimeException last = batchFailure;
        for (Object entry : batch) {
            try {
                writeAll(List.of(entry));
            } catch (RuntimeException e) {
                lost++;
                last = e;
            }
        }
        if (lost > 0) {
            LOG.warn("Could not write {} of {} lead journal entries: {}", lost, batch.size(), last.toString());
        }
    }

    private JsonNode json(String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
    }

    @Override
    public void start() {
        Thread thread = new Thread(this::write, "lead-journal");
        thread.setDaemon(true);
        writer = thread;
        thread.start();
    }

    /** Stops after writing what is queued. */
    @Override
    public void stop() {
        Thread thread = writer;
        writer = null;
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return writer != null;
    }

    /** Stops after Camel's routes (which hand entries over) and before the database closes. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }
}
