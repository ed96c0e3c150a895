package dev.leadconnector.privacy;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.lang.Nullable;

/**
 * How long the connector keeps leads in its own stores ({@code leads.retention}); the defaults and
 * why are in application.yaml, once. The journal's retention is {@code leads.dedup.window}.
 *
 * @param archive how long an archived lead ({@code <lead id>.json}) is kept after it was written; empty: for ever
 * @param deadLetters how long a dead letter (parked, or replayed) is kept after it was written; empty: for ever
 * @param interval how often {@code routes/data-retention.camel.yaml} prunes them
 */
@ConfigurationProperties("leads.retention")
public record RetentionSettings(@Nullable Duration archive, @Nullable Duration deadLetters, Duration interval) {

    public RetentionSettings {
        for (Duration kept : new Duration[] {archive, deadLetters}) {
            if (kept != null && (kept.isNegative() || kept.isZero())) {
                throw new IllegalArgumentException("leads.retention: a store's retention is a positive duration, or empty "
                        + "for ever (" + kept + ")");
            }
        }
    }
}
