package dev.leadconnector.delivery;

import java.time.Duration;

/**
 * A target's circuit breaker ({@code leads.circuit-breaker.*} for all targets,
 * {@code leads.targets.<name>.circuit-breaker.*} for one): it opens when {@code failure-rate-threshold}
 * percent of the last {@code sliding-window-size} calls failed (once at least
 * {@code minimum-number-of-calls} were made), stays open for {@code wait-duration}, then lets a few
 * calls through to see whether the CRM is back. A field left out takes the default's value.
 */
public record BreakerSettings(Integer failureRateThreshold, Integer minimumNumberOfCalls, Integer slidingWindowSize,
                              Duration waitDuration) {

    public static final BreakerSettings BUILT_IN = new BreakerSettings(50, 10, 20, Duration.ofSeconds(30));

    /** These settings, with the gaps filled from {@code defaults}. */
    public BreakerSettings orElse(BreakerSettings defaults) {
        return new BreakerSettings(
                failureRateThreshold != null ? failureRateThreshold : defaults.failureRateThreshold,
                minimumNumberOfCalls != null ? minimumNumberOfCalls : defaults.minimumNumberOfCalls,
                slidingWindowSize != null ? slidingWindowSize : defaults.slidingWindowSize,
                waitDuration != null ? waitDuration : defaults.waitDuration);
    }
}
