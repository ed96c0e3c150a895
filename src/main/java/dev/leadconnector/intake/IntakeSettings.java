package dev.leadconnector.intake;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/** {@code leads.intake.*}: where leads are posted and how big one may be. */
@ConfigurationProperties("leads.intake")
public record IntakeSettings(
        @DefaultValue("/leads") String path,
        @DefaultValue("64KB") DataSize maxBodyBytes) {
}
