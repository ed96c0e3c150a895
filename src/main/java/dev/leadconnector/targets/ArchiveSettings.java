package dev.leadconnector.targets;

import java.nio.file.Path;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code leads.targets.archive.directory}: the folder the archive target writes each lead to, which
 * backfill, retention and erasure read too. Its default is written once, in {@code application.yaml}.
 */
@ConfigurationProperties("leads.targets.archive")
public record ArchiveSettings(Path directory) {

    public ArchiveSettings {
        Objects.requireNonNull(directory, "leads.targets.archive.directory is not set");
    }
}
