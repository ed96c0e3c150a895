package dev.leadconnector.operations;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.RunningConnector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Editing a route file while the connector runs (leads.routes.reload): the edit takes effect, a
 * broken edit is refused with the YAML error and the routes keep running as they were.
 */
@ExtendWith(OutputCaptureExtension.class)
class RouteReloadTest {

    @Test
    void anEditedRouteFileIsReloadedAndABrokenOneIsRefused(@TempDir Path dataDir, @TempDir Path routes,
                                                           CapturedOutput log) throws IOException {
        try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
            for (Path file : shipped.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        try (RunningConnector connector = RunningConnector.start(dataDir,
                "leads.routes.reload=true",
                "camel.main.routes-include-pattern=file:" + routes + "/*.camel.yaml",
                "camel.main.routes-reload-directory=" + routes)) {
            String first = acceptedId(connector.postLead(Fixtures.lead("azure-marketplace-ins.json")));
            connector.awaitArchived(first);

            // a user changes how the archive names its files
            Path archiveRoute = routes.resolve("deliver-archive.camel.yaml");
            String original = Files.readString(archiveRoute);
            String edited = original.replace("fileName: ${header.leadId}.json", "fileName: ${header.leadId}-v2.json");
            assertThat(edited).isNotEqualTo(original);
            Files.writeString(archiveRoute, edited);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> log.getOut().contains("Started deliver-archive (direct://deliver-archive) (source: deliver-archive.camel.yaml"));

            String second = acceptedId(connector.postLead(Fixtures.lead("test-drive-start.json")));
            Path renamed = connector.archive().resolve(second + "-v2.json");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(renamed));
            assertThat(connector.archived(second)).doesNotExist();

            // a typo: the file no longer parses; Camel says why and keeps the running routes
            Files.writeString(archiveRoute, edited.replace("    from:", "    from\n"));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> log.getOut().contains("Error reloading routes from file: " + archiveRoute));
            assertThat(log.getOut()).contains("could not find expected ':'"); // the YAML error, with its line

            String third = acceptedId(connector.postLead(Fixtures.lead("azure-portal-create.json")));
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(connector.archive().resolve(third + "-v2.json")));
            assertThat(connector.context().getBean(org.apache.camel.CamelContext.class).getRoutes())
                    .extracting(org.apache.camel.Route::getRouteId)
                    .contains("lead-intake", "lead-dispatch", "deliver-archive", "lead-dead-letter");
        }
    }
}
