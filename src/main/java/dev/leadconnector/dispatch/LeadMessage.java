package dev.leadconnector.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.metrics.ActionTag;
import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.support.ExchangeHelper;
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
    /** The action code as the metrics' {@code action} tag: from a closed set, never the lead's own text (ActionTag). */
    public static final String ACTION_TAG = "leadActionTag";
    public static final String TEST = "leadTest";
    public static final String OFFER_ID = "leadOfferId";
    public static final String OFFER_TITLE = "leadOfferTitle";

    private static final Pattern LEAD_ID = Pattern.compile("[0-9a-f]{32}");

    private final ObjectMapper mapper;

    public LeadMessage(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Replaces the body with the lead's text and sets its routing headers; a message that is no lead throws. */
    public void open(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        String text = text(message);
        message.setBody(text);
        setHeaders(message, read(text));
    }

    /**
     * The message's text. A file is read in one go, in the charset Camel's converter would use:
     * the converter reads it through an 8 KB buffered reader, a fifth of all that dispatch allocated
     * under load (bench/README.md, fourth round).
     */
    private static String text(Message message) throws IOException {
        if (message.getBody() instanceof GenericFile<?> file && file.getFile() instanceof File path) {
            String charset = file.getCharset() != null ? file.getCharset() : ExchangeHelper.getCharsetName(message.getExchange());
            try {
                // bytes that are not in the charset are replaced, as the converter's reader does
                return new String(Files.readAllBytes(path.toPath()), Charset.forName(charset));
            } catch (NoSuchFileException gone) {
                return null;
            }
        }
        return message.getBody(String.class);
    }

    /** The routing headers of a canonical lead. */
    public static void setHeaders(Message message, JsonNode lead) {
        message.setHeader(ID, lead.path("id").asText());
        String action = lead.path("action").isTextual() ? lead.path("action").asText() : null;
        message.setHeader(ACTION, action);
        message.setHeader(ACTION_TAG, ActionTag.of(action));
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
