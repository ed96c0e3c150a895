package dev.leadconnector.dispatch;

import java.time.Duration;
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
 * @param azure the bounds of every call to an Azure queue inbox (profile azure, application-azure.yaml)
 */
@ConfigurationProperties("leads.inbox")
public record InboxSettings(String uri, String sendUri, int maxDeliveries, int maxInFlight, Azure azure) {

    /**
     * {@code leads.inbox.azure.*}: the send of one lead on the request path, the HTTP client's connect and
     * response timeouts, and the storage retry policy (tries, time per try, first and longest delay).
     */
    public record Azure(Duration sendTimeout, Duration connectTimeout, Duration responseTimeout, int maxTries,
                        Duration tryTimeout, Duration retryDelay, Duration maxRetryDelay) {
    }

    /** The queue inbox's bounds; they are application-azure.yaml's, so a queue inbox needs profile azure. */
    public Azure requireAzure() {
        return Objects.requireNonNull(azure, "leads.inbox.azure.* is not set: an Azure queue inbox runs with profile azure");
    }

    public InboxSettings {
        Objects.requireNonNull(uri, "leads.inbox.uri is not set");
        Objects.requireNonNull(sendUri, "leads.inbox.send-uri is not set");
    }
}
