package dev.leadconnector.delivery;

import java.time.Duration;

/**
 * A target's own failure, as the retry policy ({@link DeliveryRetry}) reads it, whatever the target: a CRM's
 * ({@code CrmException}) or a notification channel's ({@code NotifyException}). The message names the target
 * and says the target's own words.
 */
public interface DeliveryFailure {

    /** Whether the same lead would be refused again: the lead is parked at once, not retried. */
    boolean isPermanent();

    /** How long the target asked us to wait (a 429's Retry-After), or null. */
    Duration retryAfter();

    /** Whether the target's quota is used up for a time it does not say (retried as late as allowed). */
    default boolean quotaUsedUp() {
        return false;
    }
}
