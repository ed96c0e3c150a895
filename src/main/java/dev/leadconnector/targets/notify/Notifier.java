package dev.leadconnector.targets.notify;

import dev.leadconnector.delivery.DeliveryFailure;
import dev.leadconnector.targets.crm.Texts;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * What is a channel's own (e-mail, Teams, Slack), behind the {@code notify:<channel>} endpoint: its pace
 * ({@link #pace}, from its settings), how a message of some leads looks ({@link #render}), how large a message
 * may be ({@link #fits}), and its answers in its own words ({@link #check}, {@link #failure}). When a message
 * goes, and with which leads, is {@link Channel}'s rule, the same for every channel.
 *
 * <p>A message of several leads (a digest) lists the first {@code digest-max} in full and counts the rest,
 * naming each by its lead id, so every lead is in a message. One too large for the channel lists fewer in
 * full, and only when one listed lead and the ids are still too large carries fewer leads (the others go in
 * the channel's next message).
 */
public abstract class Notifier {

    private final String name;

    protected Notifier(String name) {
        this.name = name;
    }

    /** The channel's name: the target, {@code leads.targets.<name>}, and the endpoint {@code notify:<name>}. */
    public String name() {
        return name;
    }

    /** The channel's pace and digest, from its settings: the defaults of its endpoint's options. */
    public abstract Pace pace();

    /** The message for these leads, as the channel shows them. */
    protected abstract ChannelMessage render(Digest digest);

    /** Whether the message is within the channel's limits. */
    protected abstract boolean fits(ChannelMessage message);

    /**
     * The next message for these leads (in order): all of them when they fit the channel; else fewer listed in
     * full (down to one, the rest by id), and only then fewer leads. It carries the first {@link ChannelMessage#leads}.
     */
    public ChannelMessage message(List<Notification> leads, int digestMax) {
        int to = leads.size();
        int listed = digestMax;
        ChannelMessage message = render(Digest.of(leads, listed));
        while (!fits(message) && (listed > 1 || to > 1)) {
            if (listed > 1) {
                listed /= 2;
            } else {
                to = to / 2;
            }
            message = render(Digest.of(leads.subList(0, to), listed));
        }
        return message.carrying(to);
    }

    /** Every message these leads take, one after the other: what {@link Channel} sends for them, at its pace. */
    public List<ChannelMessage> messages(List<Notification> leads, int digestMax) {
        List<ChannelMessage> messages = new ArrayList<>();
        for (int from = 0; from < leads.size(); ) {
            ChannelMessage message = message(leads.subList(from, leads.size()), digestMax);
            messages.add(message);
            from += message.leads();
        }
        return messages;
    }

    /** A webhook's answer: a 2xx, else the channel's own text (a 429 carries its Retry-After; other 4xx are permanent). */
    public void check(Exchange answer) {
        Integer status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status == null || status < 200 || status >= 300) {
            throw NotifyException.answered(name, answer, Texts.abbreviate(answer.getMessage().getBody(String.class)));
        }
    }

    /** What a failed send says, in the channel's words: its own failures as they are, the rest not sent (retried). */
    public Exception failure(Exception thrown) {
        return thrown instanceof DeliveryFailure ? thrown : NotifyException.notSent(name, thrown);
    }

    /**
     * A JSON POST to a webhook URL. Only the scheme and host are in the endpoint's URI (Camel lists endpoints
     * over JMX); the path and query, which carry the webhook's secret, go as the message's own headers.
     */
    protected ChannelMessage webhook(String url, String json) {
        if (url == null || url.isBlank()) {
            throw NotifyException.permanent(name + ": leads.targets." + name + ".url is not set");
        }
        URI uri = URI.create(url.strip());
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put(Exchange.HTTP_METHOD, "POST");
        headers.put(Exchange.HTTP_PATH, path);
        if (uri.getRawQuery() != null) {
            headers.put(Exchange.HTTP_QUERY, uri.getRawQuery());
        }
        headers.put(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        return new ChannelMessage(uri.getScheme() + "://" + uri.getRawAuthority() + "?throwExceptionOnFailure=false",
                headers, json, 0);
    }
}
