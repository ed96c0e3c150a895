package dev.leadconnector.routes;

import java.nio.file.Path;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code leads.routes.*}: live route editing. The defaults are written once, in {@code application.yaml}.
 *
 * @param reload whether saved route files and mappings take effect without a restart
 * @param mappings the folder of the JSLT mappings ({@code <name>.jslt})
 */
@ConfigurationProperties("leads.routes")
public record RoutesSettings(boolean reload, Path mappings) {

    public RoutesSettings {
        Objects.requireNonNull(mappings, "leads.routes.mappings is not set");
    }
}
