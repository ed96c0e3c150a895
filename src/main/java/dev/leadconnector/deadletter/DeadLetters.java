package dev.leadconnector.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.leadconnector.delivery.DeliveryRetry;
import dev.leadconnector.security.SecretValues;
import dev.leadconnector.targets.LeadTarget;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Wraps a lead that could not be delivered into the envelope the dead-letter store keeps: the lead
 * itself (so it can be replayed), the target it was for, why, and when.
 */
@Component("deadLetters")
public class DeadLetters {

    public static final String REASON = "deadLetterReason";

    /**
     * What the store keeps: {@code attempts} and {@code firstFailedAt} are those of the delivery
     * (absent for a lead the router parked).
     */
    @JsonPropertyOrder({"leadId", "target", "reason", "error", "attempts", "firstFailedAt", "failedAt", "lead"})
    public record Envelope(String leadId, String target, String reason, String error, Integer attempts,
                           Instant firstFailedAt, Instant failedAt, JsonNode lead) {}

    private final ObjectMapper mapper;
    private final SecretValues secrets;

    public DeadLetters(ObjectMapper mapper, SecretValues secrets) {
        this.mapper = mapper;
        this.secrets = secrets;
    }

    /** Replaces the body (the canonical lead) with its envelope and names the file after lead and target. */
    public void envelope(Exchange exchange) throws JsonProcessingException {
        JsonNode lead = lead(exchange.getMessage().getBody(String.class));
        String leadId = exchange.getMessage().getHeader("leadId", String.class);
        if (leadId == null) { // a message parked before it was read (a poison message): its id, if it has one
            leadId = lead.path("id").isTextual() ? lead.path("id").asText() : exchange.getMessage().getMessageId();
        }
        String target = LeadTarget.of(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Envelope envelope = new Envelope(leadId, target,
                exchange.getMessage().getHeader(REASON, String.class),
                cause == null ? null : secrets.redact(cause.toString()), // a receiver may echo our secrets
                exchange.getProperty(DeliveryRetry.ATTEMPTS, Integer.class),
                exchange.getProperty(DeliveryRetry.FIRST_FAILURE, Instant.class),
                Instant.now(),
                lead);
        exchange.getMessage().setBody(mapper.writeValueAsString(envelope));
        exchange.getMessage().setHeader(Exchange.FILE_NAME, leadId + "-" + (target == null ? "router" : target) + ".json");
    }

    /** The lead as JSON, or as the text it is when it is not JSON (a poison message), so it is kept either way. */
    private JsonNode lead(String body) {
        try {
            return mapper.readTree(body);
        } catch (JsonProcessingException notJson) {
            return TextNode.valueOf(body);
        }
    }
}
