package dev.leadconnector.delivery;

import java.time.Duration;

/**
 * How a target retries a failed delivery ({@code leads.delivery.*} for all targets,
 * {@code leads.targets.<name>.retry.*} for one): exponential back-off with jitter from
 * {@code redelivery-delay} up to {@code max-delay}, at most {@code max-redeliveries} times and
 * never longer than {@code max-elapsed} after the first failure. A field left out takes the
 * default's value.
 */
public record RetrySettings(Integer maxRedeliveries, Duration redeliveryDelay, Duration maxDelay, Duration maxElapsed) {

    public static final RetrySettings BUILT_IN = new RetrySettings(5, Duration.ofSeconds(1), Duration.ofMinutes(1),
            Duration.ofMinutes(15));

    /** These settings, with the gaps filled from {@code defaults}. */
    public RetrySettings orElse(RetrySettings defaults) {
        return new RetrySettings(
                maxRedeliveries != null ? maxRedeliveries : defaults.maxRedeliveries,
                redeliveryDelay != null ? redeliveryDelay : defaults.redeliveryDelay,
                maxDelay != null ? maxDelay : defaults.maxDelay,
                maxElapsed != null ? maxElapsed : defaults.maxElapsed);
    }
}
