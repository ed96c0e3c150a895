package dev.leadconnector.health;

import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code leads.health.*}: how long a health check of a dependency may take before it reports DOWN.
 * The default, and why, is written once, in {@code application.yaml}.
 */
@ConfigurationProperties("leads.health")
public record HealthSettings(Duration timeout) {

    public HealthSettings {
        Objects.requireNonNull(timeout, "leads.health.timeout is not set");
    }
}
