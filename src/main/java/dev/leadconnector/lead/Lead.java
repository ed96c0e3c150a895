package dev.leadconnector.lead;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * The canonical lead: the one shape every route after intake works with, whatever key casing or
 * LeadSource form the marketplace used. {@code original} is the payload exactly as received.
 */
@JsonPropertyOrder({"id", "receivedAt", "source", "action", "stage", "offer", "customer", "description", "test", "original"})
public record Lead(
        String id,
        Instant receivedAt,
        String source,
        String action,
        FunnelStage stage,
        Offer offer,
        Customer customer,
        String description,
        boolean test,
        JsonNode original) {

    /** The offer the lead is about; {@code id} ({@code publisher.offer}) only when the marketplace said it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Offer(String id, String title) {}

    /**
     * Who the customer is; every field may be absent. {@code email} is trimmed and lower-cased;
     * {@code country} is the marketplace's free text, {@code countryCode} its ISO 3166-1 alpha-2 code
     * when the text names a country recognisably ({@link CountryCodes}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Customer(
            String firstName,
            String lastName,
            String email,
            String phone,
            String country,
            String countryCode,
            String company,
            String title) {

        /** What the marketplace said, without what the connector derived from it (the lead id is a hash of that). */
        Customer asGiven() {
            return countryCode == null ? this : new Customer(firstName, lastName, email, phone, country, null, company, title);
        }
    }
}
