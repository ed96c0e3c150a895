package dev.leadconnector.targets.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Target "slack" (routes/deliver-slack.camel.yaml): a message to an incoming webhook,
 * {@code POST <url>} with {@code {"text": <fallback>, "blocks": [header, one mrkdwn section per lead
 * listed, the rest counted and named by id]}}, within Slack's limits (50 blocks, 3,000 characters per
 * section text, 150 per header). Slack answers errors as plain text ({@code invalid_payload} 400,
 * {@code no_service} 404, {@code channel_is_archived} 410: permanent), {@code 429} with Retry-After. Its pace:
 * one message a second (Slack's documented limit for an incoming webhook), a digest at most every 3 s.
 */
@Component
public class SlackNotifier extends WebhookNotifier {

    static final int MAX_BLOCKS = 50;
    static final int MAX_TEXT = 3000;
    static final int MAX_HEADER = 150;

    /** {@code leads.targets.slack.*}: the target's own settings, bound once (application.yaml documents each). */
    @ConfigurationProperties("leads.targets.slack")
    public record Settings(String url, int pace, Duration window, Duration digestEvery, int digestMax)
            implements WebhookNotifier.Settings {}

    public SlackNotifier(Settings settings, ObjectMapper mapper) {
        super("slack", settings, mapper);
    }

    @Override
    protected ChannelMessage render(Digest digest) {
        ObjectNode message = mapper.createObjectNode();
        message.put("text", cut(escape(digest.title() + ": " + digest.listed().get(0).headline()
                + (digest.size() > 1 ? " …" : "")), MAX_TEXT));
        ArrayNode blocks = message.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", cut(digest.title(), MAX_HEADER));
        for (Notification lead : digest.listed()) {
            StringBuilder text = new StringBuilder("*").append(escape(lead.headline())).append('*');
            lead.facts().forEach((fact, value) -> text.append("\n*").append(escape(fact)).append(":* ").append(escape(value)));
            section(blocks, text.toString());
        }
        if (!digest.rest().isEmpty()) {
            section(blocks, escape(digest.restSummary()));
            chunks("Lead ids: ", digest.restIds()).forEach(ids -> section(blocks, ids));
        }
        return post(message);
    }

    @Override
    protected boolean fits(ChannelMessage message) {
        try {
            return mapper.readTree(message.body()).path("blocks").size() <= MAX_BLOCKS;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A section of mrkdwn, verbatim: see {@link #escape}. */
    private static void section(ArrayNode blocks, String mrkdwn) {
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", cut(mrkdwn, MAX_TEXT))
                .put("verbatim", true);
    }

    /** The ids, after the prefix, in texts of at most 3,000 characters each. */
    static List<String> chunks(String prefix, List<String> ids) {
        List<String> chunks = new ArrayList<>();
        StringBuilder chunk = new StringBuilder(prefix);
        int inChunk = 0;
        for (String id : ids) {
            if (chunk.length() + id.length() + 2 > MAX_TEXT) {
                chunks.add(chunk.toString());
                chunk = new StringBuilder();
                inChunk = 0;
            }
            chunk.append(inChunk++ == 0 ? "" : ", ").append(id);
        }
        chunks.add(chunk.toString());
        return chunks;
    }

    /**
     * A lead's text in Slack's mrkdwn. &, < and > escaped, the only escaping Slack documents, so a customer's
     * text makes no {@code <url|text>} link and no {@code <!channel>} or {@code <@user>} mention; and every section
     * is {@code verbatim}, so Slack does not make links of bare URLs, channel names or {@code @here} in it either
     * (our own sections carry none). Line breaks are already spaces in one-line fields ({@link Notification}).
     * Slack documents no escape for {@code *bold*}, {@code _italic_}, {@code ~strike~} or backticks; they can only
     * restyle a lead's own words, not forge a link, a mention or a line, and replacing them would change the
     * customer's text (an e-mail address with {@code _}), so they are left as sent.
     */
    static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
