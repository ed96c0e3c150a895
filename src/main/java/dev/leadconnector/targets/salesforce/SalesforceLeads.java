package dev.leadconnector.targets.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The SOQL that finds the customer's Lead for routes/deliver-salesforce.camel.yaml: by email (and by
 * offer when {@code leads.targets.salesforce.offer-field} names a custom field), open Leads only (a
 * converted Lead cannot be updated), the oldest first, so every lead of a customer lands on the same
 * record. Values are quoted as SOQL string literals, so an email cannot change the query.
 */
@Component("salesforceLeads")
public class SalesforceLeads {

    private final String offerField;

    public SalesforceLeads(@Value("${leads.targets.salesforce.offer-field:}") String offerField) {
        if (!offerField.isBlank() && !offerField.matches("[A-Za-z][A-Za-z0-9_]*")) {
            throw new IllegalStateException("leads.targets.salesforce.offer-field must be a field API name, like "
                    + "Marketplace_Offer__c, not '" + offerField + "'");
        }
        this.offerField = offerField.isBlank() ? null : offerField;
    }

    /** The query finding this lead's Lead, or null when the lead has no email to look it up by. */
    public String findQuery(JsonNode lead) {
        String email = text(lead.path("customer").path("email"));
        if (email == null) {
            return null;
        }
        StringBuilder soql = new StringBuilder("SELECT Id, Status FROM Lead WHERE Email = ").append(literal(email));
        if (offerField != null) {
            soql.append(" AND ").append(offerField).append(" = ").append(literal(offer(lead)));
        }
        return soql.append(" AND IsConverted = false ORDER BY CreatedDate ASC LIMIT 1").toString();
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
