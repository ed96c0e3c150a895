package dev.leadconnector.dispatch;

import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code leads.inbox.*}: the durable queue between intake and dispatch. The defaults, and what each
 * setting does, are written once, in {@code application.yaml}.
 *
 * @param uri the inbox endpoint dispatch reads (with its consumer options)
 * @param sendUri the endpoint intake puts leads to: the same inbox
 * @param maxDeliveries how often the inbox may hand out a lead before it is parked
 * @param maxInFlight the leads dispatch holds at once before the inbox is no longer read
 */
@ConfigurationProperties("leads.inbox")
public record InboxSettings(String uri, String sendUri, int maxDeliveries, int maxInFlight) {

    public InboxSettings {
        Objects.requireNonNull(uri, "leads.inbox.uri is not set");
        Objects.requireNonNull(sendUri, "leads.inbox.send-uri is not set");
    }
}
