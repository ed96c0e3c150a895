package dev.leadconnector.targets.notify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a notification says about one lead: the lead made by {@code routes/mappings/notification.jslt}
 * (a headline, what the customer did in words, the facts in order), which every channel renders.
 *
 * @param leadId the lead's id
 * @param test whether it is the marketplace's test lead
 * @param did what the customer did, in words ("started a test drive")
 * @param company the customer's company, or null
 * @param offer the offer's title (or id), or null
 * @param headline one line: who, of which company, did what, on which offer
 * @param facts name and value of each fact, in the mapping's order
 */
public record Notification(String leadId, boolean test, String did, String company, String offer, String headline,
                           Map<String, String> facts) {

    /** Longest text of one fact: a customer's description can be long, a message cannot. */
    static final int MAX_FACT = 1000;

    /** From the mapped record. */
    public static Notification of(JsonNode mapped) {
        Map<String, String> facts = new LinkedHashMap<>();
        mapped.path("facts").properties().forEach(fact -> {
            if (!fact.getValue().isNull()) {
                facts.put(fact.getKey(), cut(fact.getValue().asText()));
            }
        });
        return new Notification(mapped.path("leadId").asText(), mapped.path("test").asBoolean(false),
                text(mapped, "did"), text(mapped, "company"), text(mapped, "offer"), cut(text(mapped, "headline")), facts);
    }

    private static String text(JsonNode mapped, String field) {
        JsonNode value = mapped.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_FACT ? text : text.substring(0, MAX_FACT) + "…";
    }
}
