package dev.leadconnector.targets.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.targets.LeadTarget;
import dev.leadconnector.targets.RoutingSettings;
import dev.leadconnector.targets.crm.CrmException;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The steps of the batched-delivery templates (routes/template-batched-delivery.camel.yaml), the same
 * for every {@link BatchedCrm}: which batch a lead joins and when a batch goes, then, per batch, its
 * lookup, each lead unpacked for its mapping, the writes and each lead's outcome. Every lead of a batch
 * gets exactly one outcome: its record's, its call's failure, or, should the batch end without either, a
 * failure saying so.
 *
 * <p>When a batch goes ("batch while busy"): at once when its target is idle, so a lone lead never waits;
 * the target is busy while a call of it is in flight and for {@code batch.max-wait} after a batch went,
 * and while it is busy the leads that come gather until {@code batch.size} or until the first of them
 * has waited {@code batch.max-wait}. A burst therefore fills its batches after its first lead. (Sending
 * what waits as soon as the last call ends, TCP's Nagle rule, made batches of a few leads against a fast
 * CRM: 56 Marketo batches for a 1,000-lead burst in the benchmark instead of 4.)
 */
@Component("crmBatch")
public class CrmBatch {

    private static final Logger LOG = LoggerFactory.getLogger(CrmBatch.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The batch's tickets, in arrival order (exchange property of the batch routes). */
    static final String BATCH = "crmBatch";
    /** The ticket a split exchange works on. */
    static final String TICKET = "crmTicket";
    /** What the lookup found. */
    static final String FOUND = "crmFound";
    /** The call under way. */
    static final String CALL = "crmCall";
    /** The batch was sent because its target was idle (its call counted as in flight already). */
    static final String CLAIMED = "crmBatchClaimed";
    /** When the batch's first lead arrived (epoch ms). */
    static final String FIRST_ARRIVAL = "crmBatchFirstArrival";

    private final Map<String, BatchedCrm> crms;
    private final RoutingSettings settings;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastSent = new ConcurrentHashMap<>();

    public CrmBatch(List<BatchedCrm> crms, RoutingSettings settings) {
        this.crms = crms.stream().collect(Collectors.toMap(BatchedCrm::name, Function.identity()));
        this.settings = settings;
        this.crms.values().forEach(crm -> size(crm.name()));
    }

    /** The target's CRM. */
    BatchedCrm crm(Exchange exchange) {
        String target = LeadTarget.of(exchange);
        BatchedCrm crm = crms.get(target);
        if (crm == null) {
            throw new IllegalStateException("no BatchedCrm bean is named '" + target + "'");
        }
        return crm;
    }

    // --- the aggregator (<target>-batch) ---------------------------------------------------------------

    /** The correlation: the lead's group (one per target, unless its CRM batches some leads apart). */
    public String group(Exchange ticket) {
        return crm(ticket).group(ticket.getMessage().getBody(Ticket.class));
    }

    /** {@code batch.size}: between 1 and what the CRM takes per call, which is also the default. */
    public int size(String target) {
        BatchedCrm crm = crms.get(target);
        Integer size = settings.target(target).batch().size();
        int limit = crm.maxBatchSize();
        if (size != null && (size < 1 || size > limit)) {
            throw new IllegalStateException("leads.targets." + target + ".batch.size must be 1 to " + limit
                    + " (what " + target + " takes per call), not " + size);
        }
        return size == null ? limit : size;
    }

    /** The aggregator's completion size. */
    public int size(Exchange ticket) {
        return size(LeadTarget.of(ticket));
    }

    /**
     * The completion timeout: what is left of {@code batch.max-wait} since the batch's first lead arrived
     * (Camel's plain completionTimeout restarts with every lead).
     */
    public long remainingWait(Exchange ticket) {
        long max = settings.target(LeadTarget.of(ticket)).batch().maxWait().toMillis();
        Long first = ticket.getProperty(FIRST_ARRIVAL, Long.class);
        return first == null ? max : Math.max(1, max - (System.currentTimeMillis() - first));
    }

    /**
     * The completion predicate: the batch goes now when its target is idle (no call in flight, no batch
     * sent within {@code batch.max-wait}). Evaluated under the aggregator's lock, so two leads arriving at
     * an idle target make one batch, not two.
     */
    public boolean sendNow(Exchange batch) {
        String target = LeadTarget.of(batch);
        long now = System.currentTimeMillis();
        long quiet = settings.target(target).batch().maxWait().toMillis();
        if (now - lastSent(target).get() >= quiet && inFlight(target).compareAndSet(0, 1)) {
            lastSent(target).set(now);
            batch.setProperty(CLAIMED, true);
            return true;
        }
        return false;
    }

    private AtomicLong lastSent(String target) {
        return lastSent.computeIfAbsent(target, t -> new AtomicLong());
    }

    private AtomicInteger inFlight(String target) {
        return inFlight.computeIfAbsent(target, t -> new AtomicInteger());
    }

    // --- the batch (<target>-send-batch) -----------------------------------------------------------------

    /** The first step of a batch: its tickets, and its call counted as in flight. */
    @SuppressWarnings("unchecked")
    public void start(Exchange batch) {
        List<Ticket> tickets = batch.getMessage().getBody(List.class);
        batch.setProperty(BATCH, tickets);
        if (!batch.getProperty(CLAIMED, false, Boolean.class)) {
            inFlight(LeadTarget.of(batch)).incrementAndGet();
            lastSent(LeadTarget.of(batch)).set(System.currentTimeMillis());
        }
        LOG.info("A batch of {} leads goes to {}", tickets.size(), LeadTarget.of(batch));
    }

    /** The lookup's first call, or null when no lead has anything to look it up by. */
    public CrmCall lookup(Exchange batch) {
        batch.setProperty(FOUND, new Found());
        return crm(batch).lookup(batch(batch));
    }

    /** After a lookup call: its records kept; the call for the next page, or null. */
    public CrmCall lookedUp(Exchange batch) {
        return crm(batch).lookedUp(batch.getProperty(CALL, CrmCall.class), batch, batch.getProperty(FOUND, Found.class));
    }

    /**
     * Inside the split: the exchange becomes the lead (its body and headers), with the record the lookup
     * found for it ({@code crmRecordId}, {@code crmStatus}), its {@code leadStage}, and the CRM's own headers.
     */
    public void unpack(Exchange split) {
        Ticket ticket = split.getMessage().getBody(Ticket.class);
        BatchedCrm crm = crm(split);
        split.setProperty(TICKET, ticket);
        Found found = split.getProperty(FOUND, Found.class);
        ticket.found(found == null ? null : found.of(crm.key(ticket)));
        Message message = split.getMessage();
        message.setHeaders(new HashMap<>(ticket.exchange().getMessage().getHeaders()));
        message.setBody(ticket.body());
        message.setHeader("leadStage", ticket.lead().path("stage").asText(null));
        message.setHeader(Ticket.RECORD_ID, ticket.recordId());
        message.setHeader("crmStatus", ticket.found() == null ? null : ticket.found().status());
        crm.beforeMapping(message);
    }

    /** Inside the split: the lead's mapped record, which must be a JSON object. */
    public void mapped(Exchange split) {
        String mapped = split.getMessage().getBody(String.class);
        JsonNode record;
        try {
            record = mapped == null ? null : JSON.readTree(mapped);
        } catch (IOException e) {
            record = null;
        }
        if (record == null || !record.isObject()) {
            throw CrmException.permanent(LeadTarget.of(split) + ": not sent, routes/mappings/" + LeadTarget.of(split)
                    + ".jslt made no JSON object of the lead");
        }
        split.getProperty(TICKET, Ticket.class).record(record);
    }

    /** Inside the split: this lead alone could not be mapped; the others go on. */
    public void failOne(Exchange split) {
        split.getProperty(TICKET, Ticket.class).failed(caught(split));
    }

    /** The write calls for the leads still waiting, each carrying its leads. */
    public List<CrmCall> writes(Exchange batch) {
        List<Ticket> waiting = batch(batch).stream().filter(t -> !t.isDone() && t.record() != null).toList();
        return waiting.isEmpty() ? List.of() : crm(batch).writes(waiting);
    }

    /** After a write call: each of its leads gets its own outcome from the answer. */
    public void outcomes(Exchange answer) {
        crm(answer).outcomes(answer.getProperty(CALL, CrmCall.class), answer);
    }

    /** A write call failed as a whole: every lead it carried fails with it. */
    public void failCall(Exchange call) {
        Exception failure = crm(call).failure(caught(call));
        CrmCall failed = call.getProperty(CALL, CrmCall.class);
        (failed == null ? batch(call) : failed.leads()).forEach(ticket -> ticket.failed(failure));
    }

    /** The lookup failed (outage, rate limit, refused request): every lead of the batch fails with it. */
    public void failAll(Exchange batch) {
        Exception failure = crm(batch).failure(caught(batch));
        batch(batch).forEach(ticket -> ticket.failed(failure));
    }

    /** The last step of every batch: no lead stays waiting, and its call is no longer in flight. */
    public void finish(Exchange batch) {
        batch(batch).stream().filter(ticket -> !ticket.isDone()).forEach(ticket -> ticket.failed(
                new IllegalStateException("the batch ended without an outcome for this lead")));
        inFlight(LeadTarget.of(batch)).updateAndGet(calls -> Math.max(0, calls - 1));
    }

    @SuppressWarnings("unchecked")
    static List<Ticket> batch(Exchange exchange) {
        return exchange.getProperty(BATCH, List.class);
    }

    private static Exception caught(Exchange exchange) {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        return caught != null ? caught : exchange.getException();
    }
}
