package dev.leadconnector.dedup;

import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code leads.dedup.*} as the Java side reads it (the database connection itself is
 * {@code spring.datasource}, which {@code application.yaml} points at {@code leads.dedup.jdbc-url}).
 * The defaults are written once, in {@code application.yaml}.
 *
 * @param window how long a lead id is remembered: a lead seen again within it is a duplicate
 * @param lease how long a claim on a lead being handled lasts before another instance may take it
 */
@ConfigurationProperties("leads.dedup")
public record DedupSettings(Duration window, Duration lease) {

    public DedupSettings {
        Objects.requireNonNull(window, "leads.dedup.window is not set");
        Objects.requireNonNull(lease, "leads.dedup.lease is not set");
    }
}
