package dev.leadconnector.targets.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.util.TimeUtils;
import org.springframework.stereotype.Component;

/**
 * The batch routes' own steps (routes/deliver-marketo.camel.yaml, deliver-salesforce.camel.yaml):
 * the batch is the list of {@link Parked} tickets in exchange property {@code crmBatch}. Every ticket
 * gets exactly one outcome: its record's, the whole call's failure, or, should the batch route end
 * without either, a failure saying so.
 */
@Component("crmBatch")
public class CrmBatch {

    /** The exchange property holding the ticket a split exchange works on. */
    public static final String PARKED = "crmParked";
    /** The exchange property holding what the batch's lookup found, by email (see {@link #byEmail}). */
    public static final String KNOWN = "crmKnown";
    /** The exchange property holding the tickets of the batch call under way, in request order. */
    public static final String SENT = "crmSent";

    /**
     * A target's batch size, checked at start: between 1 and what its CRM takes per call ({@code limit}).
     */
    public static int checkSize(String target, int size, int limit, String why) {
        if (size < 1 || size > limit) {
            throw new IllegalStateException("leads.targets." + target + ".batch.size must be 1 to " + limit
                    + " (" + why + "), not " + size);
        }
        return size;
    }

    /**
     * The aggregators' completion timeout: what is left of {@code maxWait} (e.g. 1s, 500ms) since the
     * batch's first lead arrived. Camel's plain completionTimeout restarts with every lead, so a steady
     * trickle would hold the first lead far longer than max-wait.
     */
    public long remainingWait(Exchange batch, String maxWait) {
        long max = TimeUtils.toMilliSeconds(maxWait);
        Long first = batch.getProperty(BatchGate.ARRIVED, Long.class);
        return first == null ? max : Math.max(1, max - (System.currentTimeMillis() - first));
    }

    /** Inside the batch's split: the exchange becomes the lead (body and headers) of the ticket it carries. */
    public void unpack(Exchange exchange) {
        Parked parked = exchange.getMessage().getBody(Parked.class);
        exchange.setProperty(PARKED, parked);
        exchange.getMessage().setHeaders(new HashMap<>(parked.headers()));
        exchange.getMessage().setBody(parked.body());
    }

    /** Inside the split: the lead's mapped record, for the batch request. */
    public void mapped(Exchange exchange) {
        exchange.getProperty(PARKED, Parked.class).record(exchange.getMessage().getBody());
    }

    /** Inside the split: this lead alone could not be mapped; the others go on. */
    public void failOne(Exchange exchange) {
        exchange.getProperty(PARKED, Parked.class).failed(caught(exchange));
    }

    /** The batch call failed as a whole (429, 5xx, no answer): every lead not yet answered fails with it. */
    public void failAll(Exchange exchange) {
        Exception failure = caught(exchange);
        batch(exchange).forEach(parked -> parked.failed(failure));
    }

    /** The last step of every batch: no lead stays parked. */
    public void finish(Exchange exchange) {
        batch(exchange).stream().filter(parked -> !parked.isDone()).forEach(parked -> parked.failed(
                new IllegalStateException("the batch ended without an outcome for this lead")));
    }

    /** The tickets of a batch still waiting for their outcome, with their records, in batch order. */
    public static List<Parked> pending(Exchange exchange) {
        return batch(exchange).stream().filter(parked -> !parked.isDone() && parked.record() != null).toList();
    }

    /** Every distinct email of the batch's leads (header leadEmail), in batch order, for its one lookup. */
    public static Set<String> emails(List<Parked> batch) {
        Set<String> emails = new LinkedHashSet<>();
        batch.forEach(parked -> {
            if (parked.header("leadEmail") instanceof String email && !email.isBlank()) {
                emails.add(email);
            }
        });
        return emails;
    }

    /** A lookup's records by their email field (lower case), for property crmKnown; the first record of an email wins. */
    public static Map<String, JsonNode> byEmail(JsonNode records, String emailField) {
        Map<String, JsonNode> known = new HashMap<>();
        for (JsonNode record : records) {
            known.putIfAbsent(record.path(emailField).asText().toLowerCase(Locale.ROOT), record);
        }
        return known;
    }

    /** Inside the split: the record the batch's lookup found for the lead's email (header leadEmail), or null. */
    @SuppressWarnings("unchecked")
    public static JsonNode known(Exchange exchange) {
        Map<String, JsonNode> known = exchange.getProperty(KNOWN, Map.of(), Map.class);
        String email = exchange.getMessage().getHeader("leadEmail", String.class);
        return email == null ? null : known.get(email.toLowerCase(Locale.ROOT));
    }

    /** Before a batch call: its tickets, whose results come back in this order. */
    public static void sending(Exchange exchange, List<Parked> tickets) {
        exchange.setProperty(SENT, tickets);
    }

    /** After a batch call: the tickets it carried, in request order (the i-th result is the i-th ticket's). */
    @SuppressWarnings("unchecked")
    public static List<Parked> sent(Exchange exchange) {
        return exchange.getProperty(SENT, List.class);
    }

    /**
     * Inside the split: headers crmRecordId and crmStatus from the record the batch's lookup found for
     * the lead (see {@link #known}), when it found one.
     */
    public static void found(Exchange exchange, String idField, String statusField) {
        JsonNode record = known(exchange);
        if (record != null) {
            exchange.getMessage().setHeader("crmRecordId", record.path(idField).asText(null));
            JsonNode status = record.path(statusField);
            exchange.getMessage().setHeader("crmStatus", status.isValueNode() && !status.isNull() ? status.asText() : null);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Parked> batch(Exchange exchange) {
        return exchange.getProperty("crmBatch", List.class);
    }

    private static Exception caught(Exchange exchange) {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        return caught != null ? caught : exchange.getException();
    }
}
