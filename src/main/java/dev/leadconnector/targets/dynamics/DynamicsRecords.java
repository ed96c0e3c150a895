package dev.leadconnector.targets.dynamics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.targets.batch.CrmBatch;
import dev.leadconnector.targets.batch.Parked;
import dev.leadconnector.targets.crm.CrmException;
import dev.leadconnector.targets.crm.RetryAfter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A Dataverse batch (routes/deliver-dynamics.camel.yaml), record by record: one lookup of every email
 * of the batch, then one {@code POST $batch} whose parts are the leads' own PATCH or POST requests,
 * independent of each other (no change set) and sent with {@code Prefer: odata.continue-on-error}, so
 * Dataverse runs every part and answers each in order. A refused part fails its own lead alone.
 */
@Component("dynamicsRecords")
public class DynamicsRecords {

    /** Dataverse takes up to 1,000 requests per $batch. */
    public static final int MAX_BATCH = 1000;
    static final String CONTENT_TYPE = "crmContentType";

    private final DynamicsApi dynamics;
    private final ObjectMapper mapper;

    /** A lead's write: the record found for it (null: a new lead) and its mapped JSON. */
    record Write(String recordId, String json) {}

    public DynamicsRecords(DynamicsApi dynamics, ObjectMapper mapper,
            @Value("${leads.targets.dynamics.batch.size:100}") int batchSize) {
        CrmBatch.checkSize("dynamics", batchSize, MAX_BATCH, "what Dataverse takes per $batch");
        this.dynamics = dynamics;
        this.mapper = mapper;
    }

    /** The lookup's query for every distinct email of the batch, or null when no lead has one. */
    public String lookupQuery(List<Parked> batch) {
        Set<String> emails = CrmBatch.emails(batch);
        return emails.isEmpty() ? null : dynamics.lookupQuery(emails);
    }

    /** Dataverse's lookup answer as email (lower case) to lead; the first lead of an email wins. */
    public Map<String, JsonNode> known(String answer) throws IOException {
        return CrmBatch.byEmail(mapper.readTree(answer).path("value"), "emailaddress1");
    }

    /** Inside the split: crmRecordId and crmStatus of the customer's Dataverse lead, when there is one. */
    public void found(Exchange exchange) {
        CrmBatch.found(exchange, "leadid", "statuscode");
    }

    /** Inside the split: the lead's mapped record and whether it updates a known lead, for the $batch. */
    public void mapped(Exchange exchange) {
        exchange.getProperty(CrmBatch.PARKED, Parked.class).record(new Write(
                exchange.getMessage().getHeader("crmRecordId", String.class), exchange.getMessage().getBody(String.class)));
    }

    /**
     * The $batch body: one part per lead still waiting, PATCH leads(id) with If-Match: * for a known
     * lead (a lead deleted meanwhile is an error, not a silent create), POST leads for a new one. Sets
     * the request's Content-Type (with its boundary) in property crmContentType. Null when none is left.
     */
    public String request(Exchange exchange) {
        List<Parked> sending = CrmBatch.pending(exchange);
        if (sending.isEmpty()) {
            return null;
        }
        String leads = dynamics.apiRoot() + "/leads";
        List<HttpParts.Part> parts = new ArrayList<>();
        for (Parked parked : sending) {
            Write write = (Write) parked.record();
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json; type=entry");
            if (write.recordId() != null) {
                headers.put("If-Match", "*");
                parts.add(HttpParts.request("PATCH", leads + "(" + write.recordId() + ")", headers, write.json()));
            } else {
                parts.add(HttpParts.request("POST", leads, headers, write.json()));
            }
        }
        String boundary = "batch_" + UUID.randomUUID();
        CrmBatch.sending(exchange, sending);
        exchange.setProperty(CONTENT_TYPE, "multipart/mixed; boundary=" + boundary);
        return HttpParts.write(boundary, parts);
    }

    /** Dataverse's i-th response part goes to the i-th lead sent: 2xx delivers it, anything else fails it alone. */
    public void outcomes(Exchange exchange) {
        List<Parked> sent = CrmBatch.sent(exchange);
        List<HttpParts.Part> answers = HttpParts.read(exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class),
                exchange.getMessage().getBody(String.class));
        for (int i = 0; i < sent.size(); i++) {
            Parked parked = sent.get(i);
            Write write = (Write) parked.record();
            if (i >= answers.size()) {
                parked.failed(new CrmException("dynamics answered no response for the lead's part of the $batch"));
                continue;
            }
            HttpParts.Part answer = answers.get(i);
            int status = answer.status();
            if (status >= 200 && status < 300) {
                parked.delivered(delivered(write, answer));
            } else {
                parked.failed(new CrmException("dynamics answered " + status + ": " + dynamics.odataError(answer.body()),
                        status, RetryAfter.parse(answer.header("Retry-After")), null));
            }
        }
    }

    private static Map<String, Object> delivered(Write write, HttpParts.Part answer) {
        Map<String, Object> headers = new HashMap<>();
        if (write.recordId() != null) {
            headers.put("crmRecordId", write.recordId());
            headers.put("crmOutcome", "updated lead " + write.recordId());
        } else {
            headers.put("crmRecordId", idOf(answer.header("OData-EntityId")));
            headers.put("crmOutcome", "created a lead");
        }
        return headers;
    }

    /** {@code .../leads(<id>)} → {@code <id>}; null when absent. */
    static String idOf(String entityId) {
        if (entityId == null || !entityId.endsWith(")") || entityId.lastIndexOf('(') < 0) {
            return null;
        }
        return entityId.substring(entityId.lastIndexOf('(') + 1, entityId.length() - 1);
    }
}
