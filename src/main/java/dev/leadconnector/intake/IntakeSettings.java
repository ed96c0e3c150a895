package dev.leadconnector.intake;

import jakarta.servlet.http.HttpServletRequest;
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

    /**
     * Whether the request was sent to the intake path as it is written (the URI as sent): what the
     * intake's metrics count, and what Spring's request observation leaves to them. {@link IntakeGate}
     * checks every spelling of the path.
     */
    public boolean isSentTo(HttpServletRequest request) {
        return path.equals(request.getRequestURI());
    }
}
