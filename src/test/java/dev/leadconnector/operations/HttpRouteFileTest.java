package dev.leadconnector.operations;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Issue 26, item 2: an HTTP route in a route file ({@code from: platform-http:...}), added while the
 * connector runs, answers on the lead port and not on the management port; a second intake path
 * under the intake path gets the intake's token, content-type, size and method checks; a route on the
 * intake path itself is refused and intake keeps its servlet and its checks. The files are saved as an
 * editor saves them (created empty, then written): no "Resource is empty" error; and a first start logs no
 * WARN or stack trace and leaves no H2 trace file (item 6).
 */
@ExtendWith(OutputCaptureExtension.class)
class HttpRouteFileTest {

    private static final String TOKEN = "partner-test-token";

    @Test
    void aRouteFileAddsAnHttpEndpointOnTheLeadPortWithoutSkippingIntakesChecks(@TempDir Path dataDir, @TempDir Path routes,
                                                                                CapturedOutput log) throws IOException {
        try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
            for (Path file : shipped.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        try (RunningConnector connector = RunningConnector.start(dataDir,
                "leads.intake.token=" + TOKEN,
                "leads.routes.reload=true",
                "logging.level.dev.leadconnector.routes.SettledRouteReload=DEBUG",
                "camel.main.routes-include-pattern=file:" + routes + "/*.camel.yaml",
                "camel.main.routes-reload-directory=" + routes)) {
            // a normal first start: no WARN, no ERROR, no stack trace, and no H2 trace file of a failed
            // statement beside the new database (item 6)
            assertThat(log.getOut()).doesNotContain(" WARN ").doesNotContain(" ERROR ").doesNotContainPattern("\\n\\s+at ");
            assertThat(dataDir.resolve("dedup.mv.db")).exists();
            assertThat(RunningConnector.files(dataDir)).noneMatch(f -> f.toString().endsWith(".trace.db"));

            // GET /ping: a route file dropped in while running
            saveLikeAnEditor(routes.resolve("ping.camel.yaml"), testRoute("ping.camel.yaml"), log);
            await().atMost(Duration.ofSeconds(30)).until(() -> log.getOut().contains("Started ping"));
            HttpResponse<String> ping = connector.send(HttpRequest.newBuilder(connector.uri("/ping")).GET());
            assertThat(ping.statusCode()).isEqualTo(200);
            assertThat(ping.body()).isEqualTo("pong");
            // not on the management port, not even for a login
            HttpResponse<String> management = ManagementClient.viewer(connector).get("/ping");
            assertThat(management.statusCode()).isEqualTo(404);
            assertThat(management.body()).doesNotContain("pong");

            // a second intake path, under the intake path: the intake's checks before the route
            saveLikeAnEditor(routes.resolve("lead-intake-partner.camel.yaml"), testRoute("lead-intake-partner.camel.yaml"), log);
            await().atMost(Duration.ofSeconds(30)).until(() -> log.getOut().contains("Started lead-intake-partner"));
            String lead = Fixtures.lead("azure-marketplace-ins.json");
            URI partner = connector.uri("/leads/partner");
            URI partnerWithToken = connector.uri("/leads/partner?code=" + TOKEN);
            assertThat(post(connector, partner, "application/json", lead).statusCode()).as("no token").isEqualTo(401);
            assertThat(post(connector, connector.uri("/Leads/Partner/"), "application/json", lead).statusCode())
                    .as("no token, another spelling").isEqualTo(401);
            assertThat(post(connector, partnerWithToken, "text/plain", lead).statusCode()).as("text").isEqualTo(415);
            assertThat(post(connector, partnerWithToken, "application/x-www-form-urlencoded", "LeadSource=x").statusCode())
                    .as("form").isEqualTo(415);
            String big = "{\"LeadSource\": \"AzureMarketplace\", \"Description\": \"" + "x".repeat(70_000) + "\"}";
            assertThat(post(connector, partnerWithToken, "application/json", big).statusCode()).as("70 KB").isEqualTo(413);
            assertThat(connector.send(HttpRequest.newBuilder(partnerWithToken).GET()).statusCode()).as("GET").isEqualTo(405);
            assertThat(post(connector, partnerWithToken, "application/json", "{\"LeadSource\": 7}").statusCode())
                    .as("invalid lead").isEqualTo(400);
            HttpResponse<String> accepted = post(connector, partnerWithToken, "application/json", lead);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            connector.awaitArchived(acceptedId(accepted));

            // intake itself is not served by platform-http: its servlet, on the request's own thread
            CamelContext camel = connector.context().getBean(CamelContext.class);
            assertThat(camel.getRoute("lead-intake").getEndpoint().getEndpointUri()).startsWith("servlet:");
            assertThat(camel.getComponent("platform-http", PlatformHttpComponent.class).getHttpEndpoints())
                    .extracting(HttpEndpointModel::getUri).containsExactlyInAnyOrder("/ping", "/leads/partner");

            // a route on the intake path itself is refused, saying why; intake keeps its checks
            Files.writeString(routes.resolve("shadow.camel.yaml"), """
                    - route:
                        id: shadow
                        from:
                          uri: platform-http:/leads
                          steps:
                            - setBody:
                                constant: '{"status":"accepted"}'
                    """);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> log.getOut().contains("platform-http:/leads is refused: /leads is the intake path"));
            assertThat(post(connector, connector.uri("/leads"), "application/json", lead).statusCode()).isEqualTo(401);
            assertThat(post(connector, connector.uri("/leads?code=" + TOKEN), "text/plain", lead).statusCode()).isEqualTo(415);
            assertThat(camel.getComponent("platform-http", PlatformHttpComponent.class).getHttpEndpoints())
                    .extracting(HttpEndpointModel::getUri).doesNotContain("/leads");

            assertThat(log.getOut()).doesNotContain("Resource is empty");
        }
        assertThat(RunningConnector.files(dataDir)).noneMatch(f -> f.toString().endsWith(".trace.db"));
    }

    /**
     * As an editor saves: the file first created (or truncated) empty, then written. The content is
     * written once the watcher has seen the empty file (and skipped it: SettledRouteReload's debug line).
     */
    private static void saveLikeAnEditor(Path file, String content, CapturedOutput log) throws IOException {
        Files.writeString(file, "");
        await().atMost(Duration.ofSeconds(30)).until(() -> log.getOut().contains(file + " is empty (being saved?)"));
        Files.writeString(file, content);
    }

    private static String testRoute(String name) throws IOException {
        return Files.readString(Path.of("src/test/resources/test-routes", name));
    }

    private static HttpResponse<String> post(RunningConnector connector, URI uri, String type, String body) {
        return connector.send(HttpRequest.newBuilder(uri).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
