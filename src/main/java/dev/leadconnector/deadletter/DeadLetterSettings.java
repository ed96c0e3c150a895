package dev.leadconnector.deadletter;

import java.nio.file.Path;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code leads.dead-letter.*}: where undeliverable leads are parked ({@code list}, the paging of
 * {@code GET /actuator/deadletters}, is {@link DeadLetterListSettings}). The defaults are written
 * once, in {@code application.yaml}.
 *
 * @param directory the folder of the dead-letter store, one JSON envelope per lead and target
 * @param uri the endpoint that writes them
 */
@ConfigurationProperties("leads.dead-letter")
public record DeadLetterSettings(Path directory, String uri) {

    public DeadLetterSettings {
        Objects.requireNonNull(directory, "leads.dead-letter.directory is not set");
        Objects.requireNonNull(uri, "leads.dead-letter.uri is not set");
    }
}
