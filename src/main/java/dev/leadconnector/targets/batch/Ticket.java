package dev.leadconnector.targets.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

/**
 * One lead's exchange waiting in its target's {@code crm:} endpoint for its batch: the batch reads the
 * lead from it, keep what the lookup found for it and its mapped record, and give it its own outcome
 * exactly once ({@link #delivered} or {@link #failed}), which lets the lead's route go on. That outcome
 * is the one place a batched target says what became of a lead: {@code crmRecordId} and
 * {@code crmOutcome} on the lead, or its exception.
 */
public final class Ticket {

    /** The CRM's id of the lead's record, on the lead's exchange once delivered (and while mapped: the record found). */
    public static final String RECORD_ID = "crmRecordId";
    /** What the CRM did, in words ("created Lead 00Q..."), on the lead's exchange once delivered. */
    public static final String OUTCOME = "crmOutcome";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Exchange lead;
    private final AsyncCallback callback;
    private final long arrived = System.currentTimeMillis();
    private final AtomicBoolean done = new AtomicBoolean();
    private JsonNode json;
    private volatile Found.Record found;
    private volatile JsonNode record;

    Ticket(Exchange lead, AsyncCallback callback) {
        this.lead = lead;
        this.callback = callback;
    }

    /** The canonical lead as JSON text. */
    public String body() {
        return lead.getMessage().getBody(String.class);
    }

    /** The canonical lead, read once. */
    public synchronized JsonNode lead() {
        if (json == null) {
            try {
                json = JSON.readTree(body() == null ? "{}" : body());
            } catch (IOException e) {
                json = JSON.createObjectNode();
            }
        }
        return json;
    }

    /** The customer's e-mail, or null when the lead has none. */
    public String email() {
        String email = lead().path("customer").path("email").asText("");
        return email.isBlank() ? null : email;
    }

    /** Every distinct e-mail of these leads, in batch order: what a batch's lookup asks for. */
    public static java.util.Set<String> emails(java.util.List<Ticket> batch) {
        java.util.Set<String> emails = new java.util.LinkedHashSet<>();
        batch.stream().map(Ticket::email).filter(java.util.Objects::nonNull).forEach(emails::add);
        return emails;
    }

    public Exchange exchange() {
        return lead;
    }

    long arrived() {
        return arrived;
    }

    /** The record the batch's lookup found for this lead's customer, or null. */
    public Found.Record found() {
        return found;
    }

    void found(Found.Record record) {
        this.found = record;
    }

    /** The id of the customer's record found by the lookup, or null when the lead makes a new one. */
    public String recordId() {
        return found == null ? null : found.id();
    }

    /** The lead's mapped record (the mapping's JSON object), or null while not mapped. */
    public JsonNode record() {
        return record;
    }

    void record(JsonNode mapped) {
        this.record = mapped;
    }

    public boolean isDone() {
        return done.get();
    }

    /** The CRM took the lead's record: its id and what it did go back to the lead, which goes on. */
    public void delivered(String recordId, String outcome) {
        if (done.compareAndSet(false, true)) {
            lead.getMessage().setHeader(RECORD_ID, recordId);
            lead.getMessage().setHeader(OUTCOME, outcome);
            callback.done(false);
        }
    }

    /** The CRM refused the record, or the call failed: the lead fails with this, and its retry policy decides. */
    public void failed(Exception failure) {
        if (done.compareAndSet(false, true)) {
            lead.setException(failure);
            callback.done(false);
        }
    }
}
