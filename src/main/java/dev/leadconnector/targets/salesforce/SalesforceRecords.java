package dev.leadconnector.targets.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadconnector.targets.batch.CrmBatch;
import dev.leadconnector.targets.batch.Parked;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A Salesforce batch (routes/deliver-salesforce.camel.yaml) as sObject Collections calls: the new
 * Leads in one {@code POST /composite/sobjects}, the known ones in one {@code PATCH
 * /composite/sobjects}, both {@code allOrNone: false}, so Salesforce saves every record it can and
 * answers one {@code {"id","success","errors"}} per record, in request order. A refused record fails
 * its own lead with Salesforce's errors; the others are delivered.
 */
@Component("salesforceRecords")
public class SalesforceRecords {

    /** sObject Collections take up to 200 records per call. */
    public static final int MAX_BATCH = 200;

    private final ObjectMapper mapper;

    public SalesforceRecords(ObjectMapper mapper, @Value("${leads.targets.salesforce.batch.size:200}") int batchSize) {
        CrmBatch.checkSize("salesforce", batchSize, MAX_BATCH, "what sObject Collections take per call");
        this.mapper = mapper;
    }

    /** Inside the split: the mapped Lead as a collection record, with its type and, for an update, its Id. */
    public void mapped(Exchange exchange) throws IOException {
        ObjectNode record = mapper.createObjectNode();
        record.putObject("attributes").put("type", "Lead");
        String id = exchange.getMessage().getHeader("salesforceLeadId", String.class);
        if (id != null) {
            record.put("Id", id);
        }
        record.setAll((ObjectNode) mapper.readTree(exchange.getMessage().getBody(String.class)));
        exchange.getProperty(CrmBatch.PARKED, Parked.class).record(record);
    }

    /**
     * The collection request for the batch's new Leads ({@code updates} false) or known ones (true),
     * or null when there are none; the leads it carries are kept for {@link #outcomes}.
     */
    public String request(Exchange exchange, boolean updates) {
        List<Parked> sending = new ArrayList<>();
        ArrayNode records = mapper.createArrayNode();
        for (Parked parked : CrmBatch.pending(exchange)) {
            ObjectNode record = (ObjectNode) parked.record();
            if (record.has("Id") == updates) {
                sending.add(parked);
                records.add(record);
            }
        }
        CrmBatch.sending(exchange, sending);
        if (sending.isEmpty()) {
            return null;
        }
        ObjectNode request = mapper.createObjectNode();
        request.put("allOrNone", false);
        request.set("records", records);
        return request.toString();
    }

    /** Salesforce's i-th result goes to the i-th lead sent. */
    public void outcomes(Exchange exchange) throws IOException {
        List<Parked> sent = CrmBatch.sent(exchange);
        JsonNode results = mapper.readTree(exchange.getMessage().getBody(String.class));
        for (int i = 0; i < sent.size(); i++) {
            JsonNode result = results.path(i);
            ObjectNode record = (ObjectNode) sent.get(i).record();
            if (result.path("success").asBoolean(false)) {
                String id = result.path("id").asText(record.path("Id").asText(null));
                sent.get(i).delivered(Map.of("salesforceLeadId", id,
                        "crmOutcome", (record.has("Id") ? "updated Lead " : "created Lead ") + id));
            } else {
                List<SalesforceApiException.Error> errors = new ArrayList<>();
                result.path("errors").forEach(e -> errors.add(SalesforceErrors.error(e)));
                sent.get(i).failed(result.isMissingNode()
                        ? new IllegalStateException("Salesforce answered no result for the Lead")
                        : SalesforceApiException.refused(errors));
            }
        }
    }
}
