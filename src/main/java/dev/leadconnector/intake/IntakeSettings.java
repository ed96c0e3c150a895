package dev.leadconnector.intake;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code leads.intake.*}: where leads are posted, how big one may be, and the shared secret a
 * sender must show ({@code token}; empty means open, as the marketplace's own endpoint is).
 */
@ConfigurationProperties("leads.intake")
public record IntakeSettings(
        @DefaultValue("/leads") String path,
        @DefaultValue("64KB") DataSize maxBodyBytes,
        String token) {

    public boolean requiresToken() {
        return token != null && !token.isBlank();
    }
}
