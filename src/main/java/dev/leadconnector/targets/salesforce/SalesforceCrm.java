package dev.leadconnector.targets.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadconnector.targets.batch.BatchedCrm;
import dev.leadconnector.targets.batch.CrmCall;
import dev.leadconnector.targets.batch.Found;
import dev.leadconnector.targets.batch.Ticket;
import dev.leadconnector.targets.crm.CrmException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Target "salesforce" (routes/deliver-salesforce.camel.yaml): one Lead per customer through the REST API
 * (camel-salesforce's raw operation: it logs in, sends to the instance URL and logs in again on a 401). A
 * batch is one SOQL query for the customers' open Leads, by e-mail (and by offer when
 * {@code offer-field} names a custom field), oldest first, every page of it read ({@code nextRecordsUrl}
 * until {@code done}); then the new Leads in one {@code POST /composite/sobjects} and the known ones in
 * one {@code PATCH /composite/sobjects}, both {@code allOrNone: false}: Salesforce answers one
 * {@code {"id","success","errors"}} per record, in request order, so a refused record fails its own lead.
 * Values are quoted as SOQL string literals, so an e-mail cannot change the query.
 */
@Component
public class SalesforceCrm implements BatchedCrm {

    /** sObject Collections take up to 200 records per call. */
    public static final int MAX_BATCH = 200;
    static final String RAW = "salesforce:raw";

    /** {@code leads.targets.salesforce.*} the target reads itself (the connection: camel.component.salesforce). */
    @ConfigurationProperties("leads.targets.salesforce")
    public record Settings(String apiVersion, String offerField,
                           String missingLastName,
                           String missingCompany,
                           boolean countryPicklists) {
        public Settings {
            if (!offerField.isBlank() && !offerField.matches("[A-Za-z][A-Za-z0-9_]*")) {
                throw new IllegalStateException("leads.targets.salesforce.offer-field must be a field API name, like "
                        + "Marketplace_Offer__c, not '" + offerField + "'");
            }
        }
    }

    private final Settings settings;
    private final ObjectMapper mapper;
    private final String offerField;

    public SalesforceCrm(Settings settings, ObjectMapper mapper) {
        this.settings = settings;
        this.mapper = mapper;
        this.offerField = settings.offerField().isBlank() ? null : settings.offerField();
    }

    @Override
    public String name() {
        return "salesforce";
    }

    @Override
    public int maxBatchSize() {
        return MAX_BATCH;
    }

    /** The customer: the lower-case e-mail, and the offer when Leads are kept per offer. */
    @Override
    public String key(Ticket lead) {
        return lead.email() == null ? null : key(lead.email(), offerField == null ? null : offer(lead.lead()));
    }

    /**
     * {@code SELECT Id, Status, Email FROM Lead WHERE Email IN (...) AND IsConverted = false ORDER BY
     * CreatedDate ASC}: a converted Lead cannot be updated, and the first record of a customer is its
     * oldest open Lead.
     */
    @Override
    public CrmCall lookup(List<Ticket> batch) {
        Set<String> emails = new LinkedHashSet<>();
        Set<String> offers = new LinkedHashSet<>();
        for (Ticket lead : batch) {
            if (lead.email() != null) {
                emails.add(literal(lead.email()));
                offers.add(literal(offer(lead.lead())));
            }
        }
        if (emails.isEmpty()) {
            return null;
        }
        StringBuilder soql = new StringBuilder("SELECT Id, Status, Email")
                .append(offerField == null ? "" : ", " + offerField)
                .append(" FROM Lead WHERE Email IN (").append(String.join(", ", emails)).append(")");
        if (offerField != null) {
            soql.append(" AND ").append(offerField).append(" IN (").append(String.join(", ", offers)).append(")");
        }
        soql.append(" AND IsConverted = false ORDER BY CreatedDate ASC");
        return raw("GET", api() + "/query/", null).header("rawQueryParameters", "q").header("q", soql.toString());
    }

    /** The Leads of one page; the next page's call while Salesforce says the answer is not done. */
    @Override
    public CrmCall lookedUp(CrmCall asked, Exchange answer, Found found) {
        JsonNode page = readJson(answer.getMessage().getBody(String.class));
        for (JsonNode record : page.path("records")) {
            String offer = offerField == null ? null : text(record.path(offerField));
            String email = text(record.path("Email"));
            found.add(email == null ? null : key(email, offer), text(record.path("Id")), text(record.path("Status")));
        }
        String next = text(page.path("nextRecordsUrl"));
        return page.path("done").asBoolean(true) || next == null ? null : raw("GET", next, null);
    }

    /**
     * The mapping's own settings: the offer field, what a new Lead without name or company gets, and
     * whether the org has State and Country picklists (CountryCode instead of Country).
     */
    @Override
    public void beforeMapping(Message lead) {
        lead.setHeader("crmOfferField", offerField);
        lead.setHeader("crmMissingLastName", settings.missingLastName());
        lead.setHeader("crmMissingCompany", settings.missingCompany());
        lead.setHeader("crmCountryPicklists", settings.countryPicklists());
    }

    /** The new Leads in one create, the known ones (each with its Id) in one update. */
    @Override
    public List<CrmCall> writes(List<Ticket> leads) {
        List<CrmCall> calls = new ArrayList<>();
        for (boolean updates : new boolean[] {false, true}) {
            List<Ticket> sending = leads.stream().filter(lead -> (lead.recordId() != null) == updates).toList();
            if (sending.isEmpty()) {
                continue;
            }
            ObjectNode request = mapper.createObjectNode();
            request.put("allOrNone", false);
            ArrayNode records = request.putArray("records");
            for (Ticket lead : sending) {
                ObjectNode record = records.addObject();
                record.putObject("attributes").put("type", "Lead");
                if (updates) {
                    record.put("Id", lead.recordId());
                }
                record.setAll((ObjectNode) lead.record());
            }
            calls.add(raw(updates ? "PATCH" : "POST", api() + "/composite/sobjects", request.toString()).carrying(sending));
        }
        return calls;
    }

    /** Salesforce's i-th result goes to the i-th lead sent. */
    @Override
    public void outcomes(CrmCall write, Exchange answer) {
        JsonNode results = readJson(answer.getMessage().getBody(String.class));
        for (int i = 0; i < write.leads().size(); i++) {
            Ticket lead = write.leads().get(i);
            JsonNode result = results.path(i);
            if (result.path("success").asBoolean(false)) {
                String id = result.path("id").asText(lead.recordId());
                lead.delivered(id, (lead.recordId() != null ? "updated Lead " : "created Lead ") + id);
            } else if (result.isMissingNode()) {
                lead.failed(new CrmException("Salesforce answered no result for the Lead"));
            } else {
                List<SalesforceApiException.Error> errors = new ArrayList<>();
                result.path("errors").forEach(e -> errors.add(SalesforceErrors.error(e)));
                lead.failed(SalesforceApiException.refused(errors));
            }
        }
    }

    /** camel-salesforce throws on an error answer (see {@link #failure}); an answer that arrives is a success. */
    @Override
    public void check(CrmCall call, Exchange answer) {
        // nothing to check
    }

    /** camel-salesforce's exceptions said in Salesforce's words (SalesforceErrors). */
    @Override
    public Exception failure(Exception thrown) {
        return SalesforceErrors.translate(thrown);
    }

    private CrmCall raw(String method, String path, String body) {
        return new CrmCall(RAW, null, null, null, null, body, Map.of("rawMethod", method, "rawPath", path), null);
    }

    private String api() {
        return "/services/data/v" + settings.apiVersion();
    }

    private JsonNode readJson(String text) {
        try {
            return mapper.readTree(text == null || text.isBlank() ? "{}" : text);
        } catch (IOException e) {
            throw new CrmException("Salesforce answered something that is not JSON");
        }
    }

    private static String key(String email, String offer) {
        return email.toLowerCase(Locale.ROOT) + (offer == null ? "" : "\n" + offer);
    }

    /** The offer a lead is about: its id when the marketplace gave one, else its title. */
    static String offer(JsonNode lead) {
        String id = text(lead.path("offer").path("id"));
        return id != null ? id : text(lead.path("offer").path("title"));
    }

    /**
     * A SOQL string literal: quoted, with backslash, quotes and control characters escaped as the
     * SOQL reference lists them; null is SOQL's null.
     */
    static String literal(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder quoted = new StringBuilder(value.length() + 2).append('\'');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> quoted.append("\\\\");
                case '\'' -> quoted.append("\\'");
                case '"' -> quoted.append("\\\"");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                case '\b' -> quoted.append("\\b");
                case '\f' -> quoted.append("\\f");
                default -> quoted.append(c);
            }
        }
        return quoted.append('\'').toString();
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.textValue().isBlank() ? node.textValue() : null;
    }
}
