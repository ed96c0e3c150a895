package dev.leadconnector.targets.marketo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadconnector.targets.batch.CrmBatch;
import dev.leadconnector.targets.batch.Parked;
import dev.leadconnector.targets.crm.CrmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A Marketo batch (routes/deliver-marketo.camel.yaml), record by record: the one lookup of every
 * email in the batch, the one sync request made of every lead's mapped record, and Marketo's
 * {@code result[]} (in input order) handed back to each lead: {@code created}/{@code updated} is
 * delivered, {@code skipped} with its {@code reasons[]} fails that lead alone.
 */
@Component("marketoRecords")
public class MarketoRecords {

    /** Marketo takes up to 300 emails per lookup and 300 records per sync. */
    public static final int MAX_BATCH = 300;

    private final MarketoApi marketo;
    private final ObjectMapper mapper;

    public MarketoRecords(MarketoApi marketo, ObjectMapper mapper,
            @Value("${leads.targets.marketo.batch.size:300}") int batchSize) {
        CrmBatch.checkSize("marketo", batchSize, MAX_BATCH, "what Marketo takes per call");
        this.marketo = marketo;
        this.mapper = mapper;
    }

    /** The sync action a lead takes, which is also its batch: a lead without an email is never merged. */
    public String action(String email) {
        return email == null || email.isBlank() ? "createOnly" : "createOrUpdate";
    }

    /** The lookup's query for every distinct email of the batch, or null when no lead has one. */
    public String lookupQuery(List<Parked> batch) {
        Set<String> emails = CrmBatch.emails(batch);
        return emails.isEmpty() ? null : marketo.lookupQuery(String.join(",", emails));
    }

    /** Marketo's lookup answer as email (lower case) to person; the first person of an email wins. */
    public Map<String, JsonNode> known(String answer) {
        return CrmBatch.byEmail(marketo.readJson(answer).path("result"), "email");
    }

    /** Inside the split: crmRecordId and crmStatus of the lead's person, when Marketo knows it. */
    public void found(Exchange exchange) {
        CrmBatch.found(exchange, "id", marketo.statusField());
    }

    /**
     * The batch's sync request: the mapped records' {@code input} in batch order, under the action
     * and lookup field they share (a batch holds leads with an email or leads without, never both).
     * Null when no lead of the batch is left to send.
     */
    public String request(Exchange exchange) {
        List<Parked> sending = CrmBatch.pending(exchange);
        if (sending.isEmpty()) {
            return null;
        }
        ObjectNode request = null;
        ArrayNode input = mapper.createArrayNode();
        for (Parked parked : sending) {
            JsonNode mapped = marketo.readJson(parked.record().toString());
            if (request == null) {
                request = mapper.createObjectNode();
                request.set("action", mapped.path("action"));
                request.set("lookupField", mapped.path("lookupField"));
            }
            input.addAll((ArrayNode) mapped.path("input"));
        }
        request.set("input", input);
        CrmBatch.sending(exchange, sending);
        return request.toString();
    }

    /** Marketo's result[i] goes to the i-th lead sent. */
    public void outcomes(Exchange exchange) {
        List<Parked> sent = CrmBatch.sent(exchange);
        JsonNode results = marketo.readJson(exchange.getMessage().getBody(String.class)).path("result");
        for (int i = 0; i < sent.size(); i++) {
            JsonNode result = results.path(i);
            String status = result.path("status").asText("");
            if (status.equals("created") || status.equals("updated")) {
                Map<String, Object> headers = new HashMap<>();
                headers.put("crmOutcome", status);
                headers.put("crmRecordId", result.path("id").asText(null));
                sent.get(i).delivered(headers);
            } else if (result.isMissingNode()) {
                sent.get(i).failed(new CrmException("marketo answered no result for the lead"));
            } else {
                sent.get(i).failed(new CrmException("marketo " + status + " the lead: "
                        + MarketoApi.reasons(result.path("reasons"))));
            }
        }
    }
}
