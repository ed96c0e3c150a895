package dev.leadconnector.azure;

import com.azure.data.tables.models.TableEntity;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadconnector.lead.InvalidLeadException;
import dev.leadconnector.lead.Lead;
import dev.leadconnector.lead.MarketplacePayloadReader;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The entity the marketplace itself writes to an Azure Table (lead-format.md, section 2), in both
 * directions: the canonical lead as such an entity (plus the customer as flat columns), and an
 * entity the marketplace wrote as the payload it would have POSTed.
 */
public final class MarketplaceTableShape {

    /** Characters Azure Tables refuse in PartitionKey and RowKey. */
    private static final Pattern KEY_FORBIDDEN = Pattern.compile("[/\\\\#?\\x00-\\x1f\\x7f-\\x9f]");
    private static final List<String> CUSTOMER_INFO = List.of("FirstName", "LastName", "Email", "Phone", "Country",
            "Company", "Title");

    private final ObjectMapper mapper;

    public MarketplaceTableShape(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The entity for a lead. RowKey is the lead id (unique on its own, so an upsert replaces the same
     * entity); PartitionKey is the lead source, which is part of the id, so a repeated lead lands on
     * the same entity and one source's leads can be listed by partition.
     */
    public TableEntity toEntity(Lead lead) throws JsonProcessingException {
        Lead.Customer customer = lead.customer();
        Map<String, String> customerInfo = new LinkedHashMap<>();
        List<String> values = List.of(orEmpty(customer.firstName()), orEmpty(customer.lastName()),
                orEmpty(customer.email()), orEmpty(customer.phone()), orEmpty(customer.country()),
                orEmpty(customer.company()), orEmpty(customer.title()));
        for (int i = 0; i < CUSTOMER_INFO.size(); i++) {
            customerInfo.put(CUSTOMER_INFO.get(i), values.get(i));
        }
        TableEntity entity = new TableEntity(key(lead.source() == null ? "unknown" : lead.source()), lead.id())
                // the marketplace's own columns, always present
                .addProperty("ActionCode", orEmpty(lead.action()))
                .addProperty("CreatedTime", lead.receivedAt().atOffset(ZoneOffset.UTC))
                .addProperty("CustomerInfo", mapper.writeValueAsString(customerInfo))
                .addProperty("Description", orEmpty(lead.description()))
                .addProperty("LeadSource", orEmpty(lead.source()))
                .addProperty("OfferDisplayName", orEmpty(lead.offer().title()))
                // the connector's own: the canonical id, stage and test flag
                .addProperty("LeadId", lead.id())
                .addProperty("Stage", lead.stage().label())
                .addProperty("Test", lead.test());
        if (lead.offer().id() != null) {
            entity.addProperty("ProductId", lead.offer().id());
        }
        // the customer as flat columns too, only those the lead has
        for (int i = 0; i < CUSTOMER_INFO.size(); i++) {
            if (!values.get(i).isEmpty()) {
                entity.addProperty(CUSTOMER_INFO.get(i), values.get(i));
            }
        }
        return entity;
    }

    /**
     * The marketplace payload an entity of the marketplace's table stands for: {@code CustomerInfo}
     * (a JSON string) becomes {@code UserDetails}, {@code OfferDisplayName} the {@code OfferTitle}, and a
     * {@code ProductId} joins the LeadSource in its combined form so the canonical lead gets the offer id.
     */
    public ObjectNode toPayload(JsonNode entity) {
        ObjectNode payload = mapper.createObjectNode();
        String customerInfo = entity.path("CustomerInfo").asText("");
        if (!customerInfo.isBlank()) {
            try {
                payload.set(MarketplacePayloadReader.USER_DETAILS, mapper.readTree(customerInfo));
            } catch (JsonProcessingException e) {
                throw new InvalidLeadException("Unreadable CustomerInfo", List.of(new InvalidLeadException.FieldProblem(
                        "/CustomerInfo", "not JSON: " + e.getOriginalMessage())));
            }
        }
        String leadSource = entity.path("LeadSource").asText("");
        String action = entity.path("ActionCode").asText("");
        String productId = entity.path("ProductId").asText("");
        if (!productId.isBlank() && !leadSource.contains("|") && !leadSource.isBlank() && !action.isBlank()) {
            leadSource = leadSource + "-" + action + "|" + productId;
        }
        putText(payload, "LeadSource", leadSource);
        putText(payload, "ActionCode", action);
        putText(payload, "OfferTitle", entity.path("OfferDisplayName").asText(""));
        putText(payload, "Description", entity.path("Description").asText(""));
        return payload;
    }

    /** A value fit for PartitionKey or RowKey. */
    static String key(String value) {
        return KEY_FORBIDDEN.matcher(value).replaceAll("_");
    }

    private static void putText(ObjectNode payload, String field, String value) {
        if (!value.isEmpty()) {
            payload.put(field, value);
        }
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
