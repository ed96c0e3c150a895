package dev.leadconnector.targets.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.targets.batch.CrmBatch;
import dev.leadconnector.targets.batch.Parked;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The SOQL that finds the customers' Leads of a batch for routes/deliver-salesforce.camel.yaml, in one
 * query: by email (and by offer when {@code leads.targets.salesforce.offer-field} names a custom
 * field), open Leads only (a converted Lead cannot be updated), the oldest first, so every lead of a
 * customer lands on the same record. Values are quoted as SOQL string literals, so an email cannot
 * change the query.
 */
@Component("salesforceLeads")
public class SalesforceLeads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String offerField;

    public SalesforceLeads(@Value("${leads.targets.salesforce.offer-field:}") String offerField) {
        if (!offerField.isBlank() && !offerField.matches("[A-Za-z][A-Za-z0-9_]*")) {
            throw new IllegalStateException("leads.targets.salesforce.offer-field must be a field API name, like "
                    + "Marketplace_Offer__c, not '" + offerField + "'");
        }
        this.offerField = offerField.isBlank() ? null : offerField;
    }

    /**
     * The one query finding the Leads of a whole batch, or null when no lead of it has an email:
     * {@code SELECT Id, Status, Email FROM Lead WHERE Email IN (...) AND IsConverted = false ORDER BY
     * CreatedDate ASC}, so the first record of a customer is its oldest open Lead.
     */
    public String findQuery(List<JsonNode> leads) {
        Set<String> emails = new LinkedHashSet<>();
        Set<String> offers = new LinkedHashSet<>();
        for (JsonNode lead : leads) {
            String email = text(lead.path("customer").path("email"));
            if (email != null) {
                emails.add(literal(email));
                offers.add(literal(offer(lead)));
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
        return soql.append(" AND IsConverted = false ORDER BY CreatedDate ASC").toString();
    }

    /** The batch's query (bean step of salesforce-send-batch). */
    public String batchQuery(List<Parked> batch) {
        return findQuery(batch.stream().map(parked -> readJson(parked.body())).toList());
    }

    /** The query's answer as customer key to its oldest open Lead ({@code Id}, {@code Status}). */
    public Map<String, JsonNode> known(String answer) {
        Map<String, JsonNode> known = new HashMap<>();
        for (JsonNode record : readJson(answer).path("records")) {
            String offer = offerField == null ? null : text(record.path(offerField));
            known.putIfAbsent(key(text(record.path("Email")), offer), record);
        }
        return known;
    }

    /** Inside the batch's split: salesforceLeadId and salesforceCurrentStatus of the lead's customer, if known. */
    @SuppressWarnings("unchecked")
    public void found(Exchange exchange) {
        JsonNode lead = readJson(exchange.getMessage().getBody(String.class));
        String email = text(lead.path("customer").path("email"));
        Map<String, JsonNode> known = exchange.getProperty(CrmBatch.KNOWN, Map.of(), Map.class);
        JsonNode record = email == null ? null : known.get(key(email, offerField == null ? null : offer(lead)));
        if (record != null) {
            exchange.getMessage().setHeader("salesforceLeadId", text(record.path("Id")));
            exchange.getMessage().setHeader("salesforceCurrentStatus", text(record.path("Status")));
        }
    }

    private static String key(String email, String offer) {
        return (email == null ? "" : email.toLowerCase(Locale.ROOT)) + (offer == null ? "" : "\n" + offer);
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text == null || text.isBlank() ? "{}" : text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The custom field the mapping writes the offer to, or null when Leads are not kept per offer. */
    public String offerField() {
        return offerField;
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
