package dev.leadconnector.targets.notify;

import dev.leadconnector.targets.batch.BatchedCrm;
import dev.leadconnector.targets.batch.CrmCall;
import dev.leadconnector.targets.batch.Found;
import dev.leadconnector.targets.batch.Ticket;
import dev.leadconnector.targets.crm.CrmException;
import dev.leadconnector.targets.crm.CrmHttpConfiguration;
import dev.leadconnector.targets.crm.Texts;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * A notification target (e-mail, Teams, Slack) as a user of the batched-delivery skeleton: the skeleton's
 * batch is the digest. A lone lead at an idle channel goes at once; while leads keep coming the channel is
 * busy, and they gather for {@code digest-window} ({@code batch.max-wait}) into one message that lists the
 * first {@code digest-max} in full and counts the rest, naming each by its lead id, so every lead is in a
 * message. A digest too large for one message of the channel ({@link #fits}) lists fewer in full, and only
 * when one listed lead and the ids are still too large goes as several messages, each within the limit. There is nothing to look up and no funnel: each lead is mapped by
 * {@code routes/mappings/notification.jslt}, and delivered once the message that carries it is accepted.
 * A channel says only how a digest looks ({@link #message}) and how large a message may be.
 */
public abstract class Notifier implements BatchedCrm {

    /** The most leads one digest takes ({@code batch.size}); dispatch holds about leads.inbox.max-in-flight (500) at once. */
    public static final int MAX_DIGEST = 1000;

    private final String name;
    private final int digestMax;

    protected Notifier(String name, int digestMax) {
        this.name = name;
        this.digestMax = digestMax;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxBatchSize() {
        return MAX_DIGEST;
    }

    /** Notifications have no record to find. */
    @Override
    public String key(Ticket lead) {
        return null;
    }

    @Override
    public CrmCall lookup(List<Ticket> batch) {
        return null;
    }

    @Override
    public CrmCall lookedUp(CrmCall asked, Exchange answer, Found found) {
        return null;
    }

    /**
     * The digest's messages: all its leads in one when they fit the channel; else fewer listed in full
     * (down to one, the rest by id), and only then fewer leads per message.
     */
    @Override
    public List<CrmCall> writes(List<Ticket> leads) {
        List<Notification> all = leads.stream().map(lead -> Notification.of(lead.record())).toList();
        List<CrmCall> messages = new ArrayList<>();
        int from = 0;
        while (from < all.size()) {
            int to = all.size();
            int listed = digestMax;
            CrmCall message = message(Digest.of(all.subList(from, to), listed));
            while (!fits(message) && (listed > 1 || to - from > 1)) {
                if (listed > 1) {
                    listed /= 2;
                } else {
                    to = from + (to - from) / 2;
                }
                message = message(Digest.of(all.subList(from, to), listed));
            }
            messages.add(message.carrying(leads.subList(from, to)));
            from = to;
        }
        return messages;
    }

    /** The channel took the message: every lead it carried is notified. */
    @Override
    public void outcomes(CrmCall message, Exchange answer) {
        String outcome = "notified in a message of " + message.leads().size() + (message.leads().size() == 1 ? " lead" : " leads");
        message.leads().forEach(lead -> lead.delivered(null, outcome));
    }

    /** A webhook's answer: a 2xx, else the channel's own text (a 429 carries its Retry-After; other 4xx are permanent). */
    @Override
    public void check(CrmCall call, Exchange answer) {
        if (!CrmHttpConfiguration.succeeded(answer)) {
            throw CrmException.answered(name, answer, Texts.abbreviate(answer.getMessage().getBody(String.class)));
        }
    }

    /** The message for these leads, as the channel shows them. */
    protected abstract CrmCall message(Digest digest);

    /** Whether the message is within the channel's limits. */
    protected abstract boolean fits(CrmCall message);

    /**
     * A JSON POST to a webhook URL. Only the scheme and host are in the endpoint's URI (Camel lists endpoints
     * over JMX); the path and query, which carry the webhook's secret, go as the call's own.
     */
    protected CrmCall webhook(String url, String json) {
        if (url == null || url.isBlank()) {
            throw CrmException.permanent(name + ": leads.targets." + name + ".url is not set");
        }
        URI uri = URI.create(url.strip());
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
        return new CrmCall(uri.getScheme() + "://" + uri.getRawAuthority() + "?throwExceptionOnFailure=false", "POST",
                path, uri.getRawQuery(), "application/json; charset=utf-8", json, null, null);
    }
}
