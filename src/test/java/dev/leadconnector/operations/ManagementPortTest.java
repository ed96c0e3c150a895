package dev.leadconnector.operations;

import static dev.leadconnector.support.Prometheus.value;
import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadconnector.health.TargetHealth;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management port of a running connector: who may open what, the Jolokia policy behind
 * Hawtio, the Prometheus counters after a known set of leads, and readiness following the routes,
 * the inbox and the de-duplication store (a real H2 server that the test stops and starts).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagementPortTest {

    @TempDir
    static Path dataDir;
    @TempDir
    static Path databaseDir;
    static int databasePort;
    static Server database;
    static RunningConnector connector;
    static ManagementClient anonymous;
    static ManagementClient viewer;
    static ManagementClient operator;

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            databasePort = free.getLocalPort();
        }
        startDatabase();
        List<String> settings = new java.util.ArrayList<>(List.of(
                "leads.dedup.jdbc-url=jdbc:h2:tcp://127.0.0.1:" + databasePort + "/dedup",
                "spring.datasource.hikari.connection-timeout=1000",
                // a second target whose CRM is down for good, next to the archive
                "camel.main.routes-include-pattern=file:routes/*.camel.yaml,classpath:test-routes/deliver-broken.camel.yaml",
                "leads.targets.broken.enabled=true",
                "leads.delivery.max-redeliveries=1",
                "leads.delivery.redelivery-delay=10"));
        connector = RunningConnector.start(dataDir, settings.toArray(String[]::new));
        anonymous = ManagementClient.anonymous(connector);
        viewer = ManagementClient.viewer(connector);
        operator = ManagementClient.operator(connector);
        awaitReadiness(200);
    }

    @AfterAll
    static void stop() {
        connector.close();
        database.stop();
    }

    @Test
    @Order(1)
    void prometheusCountsEveryOutcomeOfAKnownSetOfLeads() {
        for (String fixture : List.of("azure-marketplace-ins.json", "no-email.json", "partial-details.json",
                "test-drive-start.json", "unknown-action.json",
                "appsource-contact-me-camelcase.json")) {
            assertThat(connector.postLead(Fixtures.lead(fixture)).statusCode()).as(fixture).isEqualTo(202);
        }
        // posted again once dispatched: a duplicate (while its inbox file is still there, a repost just
        // rewrites that file: one dispatch, no duplicate)
        connector.awaitArchived(RunningConnector.acceptedId(connector.postLead(Fixtures.lead("appsource-do-not-contact.json"))));
        connector.awaitInboxDrained();
        assertThat(connector.postLead(Fixtures.lead("appsource-do-not-contact.json")).statusCode()).isEqualTo(202);
        for (String bad : Fixtures.BAD) {
            assertThat(connector.postLead(Fixtures.bad(bad)).statusCode()).isEqualTo(400);
        }
        assertThat(connector.send(HttpRequest.newBuilder(connector.uri("/leads")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello"))).statusCode()).isEqualTo(415);
        assertThat(connector.send(HttpRequest.newBuilder(connector.uri("/leads")).GET()).statusCode()).isEqualTo(405);
        assertThat(connector.send(HttpRequest.newBuilder(connector.uri("/no-such-path")).GET()).statusCode()).isEqualTo(404);

        // 6 leads for the archive, 5 failing for "broken" (not DNC, not UPGRADE), 1 unknown action
        await().atMost(Duration.ofSeconds(60)).until(() -> value(scrape(), "leads_dead_lettered_total") == 6
                && value(scrape(), "leads_duplicate_total") == 1);
        connector.awaitInboxDrained();
        String scrape = scrape();

        assertThat(value(scrape, "leads_received_total", "action=\"INS\"")).isEqualTo(3);
        assertThat(value(scrape, "leads_received_total", "action=\"StartTestDrive\"")).isEqualTo(1);
        assertThat(value(scrape, "leads_received_total", "action=\"DNC\"")).isEqualTo(2);
        assertThat(value(scrape, "leads_received_total", "action=\"PLT\"")).isEqualTo(1);
        // an action code the marketplace does not document is counted as "other" (ActionTag)
        assertThat(value(scrape, "leads_received_total", "action=\"other\"")).isEqualTo(1);
        assertThat(value(scrape, "leads_received_total")).isEqualTo(8);
        // no logback_events: its turbo filter made every logger call allocate, trace calls included (issue 29)
        assertThat(scrape).doesNotContain("logback_events");
        assertThat(((ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory()).getTurboFilterList())
                .as("Logback turbo filters").isEmpty();

        assertThat(value(scrape, "leads_rejected_total", "reason=\"invalid-lead\"")).isEqualTo(3);
        assertThat(value(scrape, "leads_rejected_total", "reason=\"unsupported-media-type\"")).isEqualTo(1);
        assertThat(value(scrape, "leads_rejected_total", "reason=\"method-not-allowed\"")).isEqualTo(1);
        assertThat(value(scrape, "leads_rejected_total")).isEqualTo(5);

        assertThat(value(scrape, "leads_duplicate_total", "action=\"DNC\"")).isEqualTo(1);
        assertThat(value(scrape, "leads_duplicate_total")).isEqualTo(1);

        assertThat(value(scrape, "leads_delivered_total", "target=\"archive\"", "action=\"INS\"")).isEqualTo(3);
        assertThat(value(scrape, "leads_delivered_total", "target=\"archive\"", "action=\"DNC\"")).isEqualTo(1);
        assertThat(value(scrape, "leads_delivered_total", "target=\"archive\"")).isEqualTo(6);
        assertThat(value(scrape, "leads_delivered_total", "target=\"broken\"")).isZero();
        assertThat(value(scrape, "leads_failed_total", "target=\"broken\"", "action=\"INS\"")).isEqualTo(3);
        assertThat(value(scrape, "leads_failed_total", "target=\"broken\"")).isEqualTo(5);
        assertThat(value(scrape, "leads_failed_total", "target=\"archive\"")).isZero();

        assertThat(value(scrape, "leads_dead_lettered_total", "target=\"broken\"")).isEqualTo(5);
        assertThat(value(scrape, "leads_dead_lettered_total", "target=\"router\"", "action=\"other\"")).isEqualTo(1);

        assertThat(value(scrape, "leads_delivery_seconds_count", "target=\"archive\"")).isEqualTo(6);
        assertThat(value(scrape, "leads_delivery_seconds_count", "target=\"broken\"")).isEqualTo(5);
        assertThat(value(scrape, "leads_delivery_seconds_bucket", "target=\"archive\"", "le=\"+Inf\"")).isEqualTo(6);
        assertThat(value(scrape, "leads_inbox_depth")).isZero();
        // Camel's own per-route metrics are there too, route id = step or target
        assertThat(value(scrape, "camel_exchanges_total", "routeId=\"deliver-archive\"")).isEqualTo(6);
        // the intake is timed by its route (8 accepted, 3 invalid: the gate refused the other two),
        // not also by Spring's observation of every request (NoHttpObservationOfIntake)
        assertThat(value(scrape, "camel_exchanges_total", "routeId=\"lead-intake\"")).isEqualTo(11);
        assertThat(value(scrape, "http_server_requests_seconds_count", "status=\"202\"")).isZero();
        assertThat(value(scrape, "http_server_requests_seconds_count", "status=\"415\"")).isZero();
        assertThat(value(scrape, "http_server_requests_seconds_count", "status=\"404\"")).as("another path of the lead port").isPositive();
    }

    @Test
    @Order(2)
    void healthIsOpenAndEverySurfaceBehindItNeedsALogin() {
        for (String open : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
            assertThat(anonymous.get(open).statusCode()).as(open).isEqualTo(200);
        }
        // details (which check is down) only for a login
        assertThat(json(anonymous.get("/actuator/health").body()).has("components")).isFalse();
        assertThat(json(viewer.get("/actuator/health").body()).path("components").path("inbox").path("status").asText())
                .isEqualTo("UP");

        for (String watched : List.of("/actuator/prometheus", "/actuator/metrics", "/actuator/loggers",
                "/actuator/info", "/actuator/hawtio/", "/actuator/jolokia/version", "/actuator")) {
            assertThat(anonymous.get(watched).statusCode()).as("no login: " + watched).isEqualTo(401);
            assertThat(anonymous.get(watched).headers().firstValue("WWW-Authenticate")).as(watched)
                    .hasValueSatisfying(header -> assertThat(header).startsWith("Basic"));
            assertThat(ManagementClient.as(connector, ManagementClient.VIEWER, "wrong").get(watched).statusCode())
                    .as("wrong password: " + watched).isEqualTo(401);
            assertThat(viewer.get(watched).statusCode()).as("viewer: " + watched).isEqualTo(200);
            assertThat(operator.get(watched).statusCode()).as("operator: " + watched).isEqualTo(200);
        }

        // a write: a viewer is refused, an operator gets through
        String debug = "{\"configuredLevel\":\"DEBUG\"}";
        assertThat(anonymous.post("/actuator/loggers/dev.leadconnector.targets", debug).statusCode()).isEqualTo(401);
        assertThat(viewer.post("/actuator/loggers/dev.leadconnector.targets", debug).statusCode()).isEqualTo(403);
        assertThat(operator.post("/actuator/loggers/dev.leadconnector.targets", debug).statusCode()).isEqualTo(204);
        // endpoints nobody wrote yet (replay, validate) are covered the same way: by method
        assertThat(viewer.post("/targets/archive/validate", "{}").statusCode()).isEqualTo(403);
        assertThat(viewer.post("/actuator/deadletters", "{}").statusCode()).isEqualTo(403);
        assertThat(operator.post("/targets/archive/validate", "{}").statusCode()).as("past the login: no such endpoint")
                .isEqualTo(404);

        // the lead port stays open and has no actuator
        assertThat(connector.postLead(Fixtures.lead("azure-portal-create.json")).statusCode()).isEqualTo(202);
        assertThat(connector.send(HttpRequest.newBuilder(connector.uri("/actuator/health")).GET()).statusCode())
                .isEqualTo(404);
    }

    @Test
    @Order(3)
    void aViewerWatchesRoutesThroughJolokiaButOnlyAnOperatorStopsOne() {
        assertThat(viewer.readRoute("lead-dispatch", "State").path("value").asText()).isEqualTo("Started");
        assertThat(viewer.readRoute("deliver-archive", "ExchangesTotal").path("status").asInt()).isEqualTo(200);
        assertThat(viewer.execOnRoute("lead-dispatch", "dumpRouteAsXml()").path("value").asText())
                .contains("id=\"lead-dispatch\"");

        for (String change : List.of("stop()", "suspend()", "remove()", "reset()")) {
            var refused = viewer.execOnRoute("lead-dispatch", change);
            assertThat(refused.path("status").asInt()).as(change).isEqualTo(403);
            assertThat(refused.path("error").asText()).as(change).contains("forbidden");
        }
        assertThat(viewer.jolokia(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("type", "write").put("mbean", "org.apache.camel:context=lead-connector,type=routes,name=\"lead-dispatch\"")
                .put("attribute", "TracingPattern").put("value", "*")).path("status").asInt()).isEqualTo(403);
        assertThat(viewer.readRoute("lead-dispatch", "State").path("value").asText()).isEqualTo("Started");

        assertThat(operator.execOnRoute("deliver-archive", "stop()").path("status").asInt()).isEqualTo(200);
        assertThat(viewer.readRoute("deliver-archive", "State").path("value").asText()).isEqualTo("Stopped");
        assertThat(operator.execOnRoute("deliver-archive", "start()").path("status").asInt()).isEqualTo(200);
        assertThat(viewer.readRoute("deliver-archive", "State").path("value").asText()).isEqualTo("Started");
    }

    @Test
    @Order(6)
    void hawtioIsToldAViewerMayNotStopARouteSoItShowsNoSuchButton() {
        String route = "org.apache.camel:context=lead-connector,type=routes,name=\"lead-dispatch\"";
        for (ManagementClient who : List.of(viewer, operator)) {
            var request = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("type", "exec")
                    .put("mbean", "hawtio:type=security,area=jmx,name=HawtioDummyJMXSecurity").put("operation", "canInvoke(java.util.Map)");
            request.putArray("arguments").addObject().putArray(route).add("stop()").add("remove()").add("dumpRouteAsXml()");
            var answer = who.jolokia(request).path("value").path(route);
            boolean acts = who == operator;
            assertThat(answer.path("stop()").path("CanInvoke").asBoolean(!acts)).as("stop(), operator %s", acts).isEqualTo(acts);
            assertThat(answer.path("remove()").path("CanInvoke").asBoolean(!acts)).as("remove(), operator %s", acts).isEqualTo(acts);
            assertThat(answer.path("dumpRouteAsXml()").path("CanInvoke").asBoolean(false)).as("dumpRouteAsXml()").isTrue();
        }
        // the answer is advice: the call itself is still refused to a viewer (aViewerWatchesRoutes...)
        assertThat(viewer.execOnRoute("lead-dispatch", "stop()").path("status").asInt()).isEqualTo(403);
    }

    @Test
    @Order(4)
    void readinessIsDownWhileARouteIsStoppedOrTheInboxOrDedupStoreIsUnreachable() throws Exception {
        awaitReadiness(200);

        operator.execOnRoute("lead-dispatch", "stop()");
        awaitReadiness(503);
        operator.execOnRoute("lead-dispatch", "start()");
        awaitReadiness(200);

        Path inbox = connector.inbox();
        Path aside = dataDir.resolve("inbox-aside");
        Files.move(inbox, aside);
        Files.writeString(inbox, "not a folder");
        awaitReadiness(503);
        assertThat(json(viewer.get("/actuator/health/readiness").body()).path("components").path("inbox")
                .path("status").asText()).isEqualTo("DOWN");
        assertThat(anonymous.get("/actuator/health/liveness").statusCode()).as("alive all the same").isEqualTo(200);
        Files.delete(inbox);
        Files.move(aside, inbox);
        awaitReadiness(200);

        database.stop();
        awaitReadiness(503);
        assertThat(json(viewer.get("/actuator/health/readiness").body()).path("components").path("db")
                .path("status").asText()).isEqualTo("DOWN");
        startDatabase();
        awaitReadiness(200);
    }

    @Test
    @Order(5)
    void eachTargetsHealthSaysWhetherItsCrmAcceptedUsLastTime() {
        JsonNode targets = json(viewer.get("/actuator/health/targets").body()).path("components");
        assertThat(targets.path("archive").path("status").asText()).as("delivered to").isEqualTo("UP");
        assertThat(targets.path("broken").path("status").asText()).as("unreachable, not refused").isEqualTo("UNKNOWN");

        connector.context().getBean(TargetHealth.class).failed("broken", "invalid_client: client secret expired");
        JsonNode broken = json(viewer.get("/actuator/health/targets/broken").body());
        assertThat(broken.path("status").asText()).isEqualTo("DOWN");
        assertThat(broken.path("details").path("reason").asText()).isEqualTo("invalid_client: client secret expired");
        assertThat(anonymous.get("/actuator/health").statusCode()).as("the overall status shows it").isEqualTo(503);
        assertThat(anonymous.get("/actuator/health/readiness").statusCode()).as("leads still come in").isEqualTo(200);

        connector.context().getBean(TargetHealth.class).succeeded("broken");
        assertThat(json(viewer.get("/actuator/health/targets/broken").body()).path("status").asText()).isEqualTo("UP");
    }

    private static void startDatabase() throws SQLException {
        database = Server.createTcpServer("-tcpPort", String.valueOf(databasePort), "-baseDir", databaseDir.toString(),
                "-ifNotExists").start();
    }

    private static void awaitReadiness(int status) {
        // not faster: the connection pool re-checks a connection only when it was idle for 500 ms
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(800))
                .until(() -> anonymous.get("/actuator/health/readiness").statusCode() == status);
    }

    private static String scrape() {
        var response = viewer.get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
