package dev.leadconnector.logging;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * {@code leads.logging.*} as the Java side reads it ({@code json-format} is read by Spring Boot's
 * logging through {@code application.yaml}). The default is written in {@code application.yaml};
 * masking is only ever off when a setting says so ({@code null}, a key missing altogether, masks).
 *
 * @param maskPersonalData whether e-mail addresses and phone numbers are masked in every log line
 */
@ConfigurationProperties("leads.logging")
public record LoggingSettings(Boolean maskPersonalData) {

    public boolean masks() {
        return !Boolean.FALSE.equals(maskPersonalData);
    }

    /** Bound from the environment: log lines ({@link SafeLogText}) are written before any bean exists. */
    static LoggingSettings of(Environment environment) {
        return Binder.get(environment).bind("leads.logging", LoggingSettings.class).orElse(new LoggingSettings(null));
    }
}
