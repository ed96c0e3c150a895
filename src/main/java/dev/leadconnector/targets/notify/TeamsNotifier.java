package dev.leadconnector.targets.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Target "teams" (routes/deliver-teams.camel.yaml): an Adaptive Card posted to a Teams Workflows
 * "When a Teams webhook request is received" URL: {@code {"type":"message","attachments":[{"contentType":
 * "application/vnd.microsoft.card.adaptive","content":{"type":"AdaptiveCard","version":"1.4","body":[...]}}]}}
 * with a title, each lead listed as a headline and a FactSet, and the rest counted and named by id. A
 * message stays under Teams' 28 KB; a larger digest goes as several cards. The flow answers 202; 429 carries
 * Retry-After. Its pace: 4 messages a second (what Teams' webhooks take), a digest at most every 3 s. Every text of the lead's is escaped ({@link #markdown}):
 * a TextBlock's and a Fact's text is markdown, and a lead's fields must show as the customer typed them.
 */
@Component
public class TeamsNotifier extends WebhookNotifier {

    /** Teams refuses messages above about 28 KB: a margin under 28 * 1024 bytes. */
    static final int MAX_BYTES = 28_000;

    /** Markdown anywhere in a line: emphasis, code, link brackets, HTML and entities. */
    private static final Pattern INLINE = Pattern.compile("[\\\\`*_~\\[\\]<>&]");
    /** Markdown at the start of a line: a heading, a quote, a list item, a setext underline. */
    private static final Pattern LINE_MARKER = Pattern.compile("(?m)^([ \\t]*)([#>+=-])");
    /** A numbered list item at the start of a line ("1." or "1)"). */
    private static final Pattern LINE_NUMBER = Pattern.compile("(?m)^([ \\t]*\\d+)([.)])");

    /** {@code leads.targets.teams.*}: the target's own settings, bound once (application.yaml documents each). */
    @ConfigurationProperties("leads.targets.teams")
    public record Settings(String url, int pace, Duration window, Duration digestEvery, int digestMax)
            implements WebhookNotifier.Settings {}

    public TeamsNotifier(Settings settings, ObjectMapper mapper) {
        super("teams", settings, mapper);
    }

    @Override
    protected ChannelMessage render(Digest digest) {
        ObjectNode message = mapper.createObjectNode().put("type", "message");
        ObjectNode attachment = message.putArray("attachments").addObject()
                .put("contentType", "application/vnd.microsoft.card.adaptive");
        ObjectNode card = attachment.putObject("content")
                .put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
                .put("type", "AdaptiveCard").put("version", "1.4");
        ArrayNode body = card.putArray("body");
        text(body, digest.title()).put("size", "Medium").put("weight", "Bolder");
        for (Notification lead : digest.listed()) {
            text(body, markdown(lead.headline())).put("weight", "Bolder").put("separator", true);
            ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
            lead.facts().forEach((fact, value) -> facts.addObject().put("title", markdown(fact)).put("value", markdown(value)));
        }
        if (!digest.rest().isEmpty()) {
            text(body, markdown(digest.restSummary())).put("separator", true);
            text(body, "Lead ids: " + String.join(", ", digest.restIds())).put("size", "Small").put("isSubtle", true);
        }
        return post(message);
    }

    @Override
    protected boolean fits(ChannelMessage message) {
        return message.body().getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
    }

    /**
     * A lead's text as Adaptive Card markdown that shows it literally: each markdown metacharacter escaped with
     * a backslash (CommonMark's escape, which the Adaptive Card renderers follow), so {@code [text](url)} is no link whose words we
     * seem to say, {@code **x**} no bold, {@code - x} no list item. Parentheses are left as they are: without
     * brackets they make nothing. A bare URL is still made a link by Teams, which no escaping prevents, but that
     * link shows its own address, so no link text can be forged. Our own words (the title) are not escaped.
     */
    static String markdown(String text) {
        String escaped = INLINE.matcher(text).replaceAll("\\\\$0");
        escaped = LINE_MARKER.matcher(escaped).replaceAll("$1\\\\$2");
        return LINE_NUMBER.matcher(escaped).replaceAll("$1\\\\$2");
    }

    private static ObjectNode text(ArrayNode body, String text) {
        return body.addObject().put("type", "TextBlock").put("text", text).put("wrap", true);
    }
}
