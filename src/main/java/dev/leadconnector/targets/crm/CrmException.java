package dev.leadconnector.targets.crm;

import dev.leadconnector.delivery.DeliveryFailure;
import java.time.Duration;
import org.apache.camel.Exchange;

/**
 * A CRM refused a lead or could not be reached: the message names the target and carries the CRM's
 * own error text, so the dead-letter envelope says what to fix. {@code status} (0 when there was no
 * answer) and {@code retryAfter} (what a 429 or a rate-limit code asked for) let the retry policy
 * tell a lead that may pass later from one the CRM will always refuse. Never holds a secret or
 * personal data beyond what the CRM itself answered.
 */
public class CrmException extends RuntimeException implements DeliveryFailure {

    private final int status;
    private final Duration retryAfter;
    private final Boolean permanent;
    private final boolean quotaUsedUp;

    public CrmException(String message) {
        this(message, 0, null, null);
    }

    public CrmException(String message, Throwable cause) {
        this(message, 0, null, cause);
    }

    public CrmException(String message, int status, Duration retryAfter, Throwable cause) {
        this(message, status, retryAfter, cause, null, false);
    }

    /**
     * For a CRM's own error types: {@code permanent} null lets the status decide (see {@link #isPermanent});
     * {@code quotaUsedUp} says the CRM's quota is used up for a while it does not say (retried as late as allowed).
     */
    protected CrmException(String message, int status, Duration retryAfter, Throwable cause, Boolean permanent,
                           boolean quotaUsedUp) {
        super(message, cause);
        this.status = status;
        this.retryAfter = retryAfter;
        this.permanent = permanent;
        this.quotaUsedUp = quotaUsedUp;
    }

    /** {@code <target> answered <status>: <the CRM's text>}, with the answer's Retry-After if it had one. */
    public static CrmException answered(String target, Exchange call, String text) {
        int status = CrmHttpConfiguration.status(call);
        return new CrmException(target + " answered " + status + ": " + text, status,
                RetryAfter.parse(call.getMessage().getHeader("Retry-After", String.class)), null);
    }

    /**
     * What we would send is wrong in a way no retry changes (a mapping that does not give the CRM a
     * record): parked at once, with this message.
     */
    public static CrmException permanent(String message) {
        return new CrmException(message, 0, null, null, true, false);
    }

    /** The CRM's quota of calls is used up (Salesforce's REQUEST_LIMIT_EXCEEDED): retried as late as allowed. */
    public static CrmException quotaUsedUp(String message, int status) {
        return new CrmException(message, status, null, null, false, true);
    }

    /** Whether the same lead would be refused again: said so, or a 4xx other than a timeout or a rate limit. */
    @Override
    public boolean isPermanent() {
        if (permanent != null) {
            return permanent;
        }
        return status >= 400 && status < 500 && status != 408 && status != 425 && status != 429;
    }

    /** Whether the CRM's quota is used up for a time it does not say. */
    @Override
    public boolean quotaUsedUp() {
        return quotaUsedUp;
    }

    /** The CRM's own rate-limit answer (not an HTTP 429): wait at least {@code wait}. */
    public static CrmException rateLimited(String message, Duration wait) {
        return new CrmException(message, 429, wait, null);
    }

    /** The HTTP status the CRM answered, or 0 when there was no answer. */
    public int status() {
        return status;
    }

    /** How long the CRM asked us to wait, or null. */
    @Override
    public Duration retryAfter() {
        return retryAfter;
    }
}
