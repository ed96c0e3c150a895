package dev.leadconnector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 26, item 4: started from a folder without application.yaml and routes/, the jar says so in one
 * line naming the folder (src/test/scripts/container-steps.sh starts the packaged jar that way); from
 * the project folder, or with the settings and routes given elsewhere, it starts.
 */
class StartFolderTest {

    private static final String[] NO_ARGS = {};

    @Test
    void anEmptyFolderIsNamedInOneLine(@TempDir Path empty) {
        String line = StartFolder.missing(empty, NO_ARGS, Map.of());
        assertThat(line).doesNotContain("\n")
                .startsWith("lead-connector cannot start: no application.yaml and no routes/ folder in " + empty.toAbsolutePath().normalize());
    }

    @Test
    void theProjectFolderHasWhatItNeeds() {
        assertThat(StartFolder.missing(Path.of(""), NO_ARGS, Map.of())).isNull();
    }

    @Test
    void onlyWhatIsMissingIsNamed(@TempDir Path folder) throws IOException {
        Files.createDirectory(folder.resolve("routes"));
        assertThat(StartFolder.missing(folder, NO_ARGS, Map.of())).contains("no application.yaml in").doesNotContain("routes/");
    }

    @Test
    void settingsAndRoutesGivenElsewhereAreTaken(@TempDir Path empty) {
        assertThat(StartFolder.missing(empty, new String[] {"--spring.config.additional-location=/etc/leads/",
                "--camel.main.routes-include-pattern=file:/etc/leads/routes/*.camel.yaml"}, Map.of())).isNull();
        assertThat(StartFolder.missing(empty, NO_ARGS, Map.of("SPRING_CONFIG_LOCATION", "/etc/leads/",
                "CAMEL_MAIN_ROUTESINCLUDEPATTERN", "file:/etc/leads/routes/*.camel.yaml"))).isNull();
    }
}
