package dev.leadconnector.security;

import java.nio.file.Path;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code leads.data-dir}: the folder for everything the embedded defaults keep (inbox,
 * de-duplication database, archive, dead letters, generated passwords). Its default is written once,
 * in {@code application.yaml}; the settings of those stores name it as {@code ${leads.data-dir}}.
 */
@ConfigurationProperties("leads")
public record DataDirSettings(Path dataDir) {

    public DataDirSettings {
        Objects.requireNonNull(dataDir, "leads.data-dir is not set");
    }
}
