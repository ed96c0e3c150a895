package dev.leadconnector.targets.notify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a notification says about one lead: the lead made by {@code routes/mappings/notification.jslt}
 * (a headline, what the customer did in words, the facts in order), which every channel renders.
 * Every text is plain text here, whatever the lead said: a line break in a one-line field (a name, a
 * company) is a space, so it cannot forge a line of its own (a second lead in an e-mail, a line in a
 * card), and control characters are dropped. Each channel escapes what its own markup would read.
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
    /** The facts that are the customer's own words and may run over several lines; every other text is one line. */
    static final Set<String> MULTI_LINE = Set.of("Description");

    /** CR, LF, CRLF, NEL, vertical tab, form feed, the Unicode line and paragraph separators. */
    private static final Pattern LINE_BREAK = Pattern.compile("\\R");
    /** What is left of the control characters, and the bidirectional overrides that reorder what a reader sees. */
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}\\u202A-\\u202E\\u2066-\\u2069&&[^\\n]]");

    /** From the mapped record. */
    public static Notification of(JsonNode mapped) {
        Map<String, String> facts = new LinkedHashMap<>();
        mapped.path("facts").properties().forEach(fact -> {
            if (!fact.getValue().isNull()) {
                String value = fact.getValue().asText();
                facts.put(oneLine(fact.getKey()), cut(MULTI_LINE.contains(fact.getKey()) ? lines(value) : oneLine(value)));
            }
        });
        return new Notification(mapped.path("leadId").asText(), mapped.path("test").asBoolean(false),
                text(mapped, "did"), text(mapped, "company"), text(mapped, "offer"), cut(text(mapped, "headline")), facts);
    }

    private static String text(JsonNode mapped, String field) {
        JsonNode value = mapped.path(field);
        return value.isValueNode() && !value.isNull() ? oneLine(value.asText()) : null;
    }

    /** The text on one line: each line break a space, no control character. */
    static String oneLine(String text) {
        return clean(text, " ");
    }

    /** The text with each line break a line feed, and no other control character. */
    static String lines(String text) {
        return clean(text, "\n");
    }

    private static String clean(String text, String lineBreak) {
        return CONTROL.matcher(LINE_BREAK.matcher(text).replaceAll(lineBreak).replace('\t', ' ')).replaceAll("");
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_FACT ? text : text.substring(0, MAX_FACT) + "…";
    }
}
