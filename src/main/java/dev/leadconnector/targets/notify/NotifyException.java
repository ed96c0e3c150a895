package dev.leadconnector.targets.notify;

import dev.leadconnector.delivery.DeliveryFailure;
import dev.leadconnector.targets.crm.RetryAfter;
import java.time.Duration;
import org.apache.camel.Exchange;

/**
 * A channel refused a notification or could not be reached, in the channel's own words ("slack answered 410:
 * channel_is_archived"): the retry policy reads {@link #isPermanent} (a refusal no retry changes: a 4xx other
 * than 408, 425 and 429, or a setting left out) and {@link #retryAfter} (a 429's Retry-After). Every lead of
 * the message fails with it, and the route's error handler decides for each.
 */
public class NotifyException extends RuntimeException implements DeliveryFailure {

    private final int status;
    private final Duration retryAfter;
    private final boolean permanent;

    public NotifyException(String message, int status, Duration retryAfter, boolean permanent, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryAfter = retryAfter;
        this.permanent = permanent;
    }

    /** Not sent, for a reason that may pass (no connection, a timeout, a transient SMTP error). */
    public static NotifyException notSent(String channel, Throwable cause) {
        return new NotifyException(channel + ": not sent: " + cause.getMessage(), 0, null, false, cause);
    }

    /** The channel will refuse this again (a setting left out, a refused login or address). */
    public static NotifyException permanent(String message) {
        return new NotifyException(message, 0, null, true, null);
    }

    /** {@code <channel> answered <status>: <the channel's text>}, with the answer's Retry-After if it had one. */
    public static NotifyException answered(String channel, int status, String retryAfter, String text) {
        boolean permanent = status >= 400 && status < 500 && status != 408 && status != 425 && status != 429;
        return new NotifyException(channel + " answered " + status + ": " + text, status, RetryAfter.parse(retryAfter),
                permanent, null);
    }

    /** The same from a webhook call's answer. */
    static NotifyException answered(String channel, Exchange answer, String text) {
        Integer status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return answered(channel, status == null ? 0 : status, answer.getMessage().getHeader("Retry-After", String.class), text);
    }

    @Override
    public boolean isPermanent() {
        return permanent;
    }

    @Override
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The HTTP status the channel answered, or 0 when there was none. */
    public int status() {
        return status;
    }
}
