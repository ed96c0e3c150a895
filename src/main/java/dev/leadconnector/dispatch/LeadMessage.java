package dev.leadconnector.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * The first step of dispatch (and of a replay): the inbox's message read once into the canonical
 * lead's text, an immutable String, and the headers the router decides on (id, action, test, offer). Whatever the inbox hands
 * over (a file, or a queue's stream that several parallel targets would otherwise read at once, one
 * getting it whole, another empty, a third part of it twice), every target gets the same complete lead.
 */
@Component("leadMessage")
public class LeadMessage {

    public static final String ID = "leadId";
    public static final String ACTION = "leadAction";
    public static final String TEST = "leadTest";
    public static final String OFFER_ID = "leadOfferId";
    public static final String OFFER_TITLE = "leadOfferTitle";

    private static final Pattern LEAD_ID = Pattern.compile("[0-9a-f]{32}");

    private final ObjectMapper mapper;

    public LeadMessage(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Replaces the body with the lead's text and sets its routing headers; a message that is no lead throws. */
    public void open(Exchange exchange) {
        Message message = exchange.getMessage();
        String text = message.getBody(String.class);
        message.setBody(text);
        setHeaders(message, read(text));
    }

    /** The routing headers of a canonical lead. */
    public static void setHeaders(Message message, JsonNode lead) {
        message.setHeader(ID, lead.path("id").asText());
        message.setHeader(ACTION, lead.path("action").isTextual() ? lead.path("action").asText() : null);
        message.setHeader(TEST, lead.path("test").asBoolean(false));
        message.setHeader(OFFER_ID, lead.path("offer").path("id").textValue());
        message.setHeader(OFFER_TITLE, lead.path("offer").path("title").textValue());
    }

    private JsonNode read(String text) {
        if (text == null) {
            // nothing readable (a file inbox's file already taken and deleted by an earlier exchange):
            // not the message's fault, so it is not parked; the inbox keeps it if it still has it
            throw new IllegalStateException("the inbox handed over a message that could not be read");
        }
        if (text.isBlank()) {
            throw new NotALeadException("the inbox handed over an empty message");
        }
        JsonNode lead;
        try {
            lead = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new NotALeadException("the inbox handed over a message that is not JSON: " + e.getOriginalMessage());
        }
        if (!lead.isObject() || !LEAD_ID.matcher(lead.path("id").asText("")).matches()) {
            throw new NotALeadException("the inbox handed over JSON that is not a canonical lead (no lead id)");
        }
        return lead;
    }

    /** A message no retry can turn into a lead: dispatch parks it at once (dispatch-errors). */
    public static class NotALeadException extends RuntimeException {
        public NotALeadException(String message) {
            super(message);
        }
    }
}
