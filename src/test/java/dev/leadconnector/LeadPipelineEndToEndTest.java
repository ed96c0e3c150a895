package dev.leadconnector;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.files;
import static dev.leadconnector.support.RunningConnector.json;
import static dev.leadconnector.support.RunningConnector.readJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.RunningConnector;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** The whole pipeline over real HTTP: intake, inbox, de-duplication, router, archive and dead letters. */
class LeadPipelineEndToEndTest {

    @TempDir
    static Path dataDir;
    static RunningConnector connector;

    @BeforeAll
    static void start() {
        connector = RunningConnector.start(dataDir);
    }

    @AfterAll
    static void stop() {
        connector.close();
    }

    @Test
    void theRoutesOfDisabledTargetsAndSourcesAreNotEvenCreated() {
        CamelContext camel = connector.context().getBean(CamelContext.class);
        assertThat(camel.getRoute("deliver-archive")).as("the one target enabled by default").isNotNull();
        for (String off : List.of("deliver-salesforce", "salesforce-batch", "deliver-marketo", "deliver-dynamics",
                "deliver-https", "deliver-azure-table", "source-azure-table",
                "deliver-hubspot", "hubspot-batch", "hubspot-call",
                "deliver-email", "email-batch", "deliver-teams", "deliver-slack")) {
            assertThat(camel.getRoute(off)).as(off).isNull();
        }
    }

    @Test
    void everyFixtureIsAcceptedAndLandsWhereTheRouterSays() {
        Map<String, String> ids = new HashMap<>();
        for (String fixture : Fixtures.GOOD) {
            HttpResponse<String> response = connector.postLead(Fixtures.lead(fixture));
            assertThat(response.statusCode()).as(fixture).isEqualTo(202);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(json(response.body()).path("status").asText()).isEqualTo("accepted");
            assertThat(acceptedId(response)).as(fixture).matches("[0-9a-f]{32}");
            ids.put(fixture, acceptedId(response));
        }

        JsonNode camelCase = connector.awaitArchived(ids.get("appsource-contact-me-camelcase.json"));
        assertThat(camelCase.path("source").asText()).isEqualTo("AppSource");
        assertThat(camelCase.path("action").asText()).isEqualTo("PLT");
        assertThat(camelCase.path("stage").asText()).isEqualTo("active");
        assertThat(camelCase.path("customer").path("email").asText()).isEqualTo("mei.tanaka@northwind.example");
        assertThat(camelCase.path("customer").path("company").asText()).isEqualTo("Northwind Traders");
        assertThat(camelCase.path("offer").path("title").asText()).isEqualTo("Contoso Analytics Suite");
        assertThat(camelCase.path("description").asText()).startsWith("We would like a demo");
        assertThat(camelCase.path("test").asBoolean()).isFalse();
        assertThat(camelCase.path("receivedAt").asText()).isNotBlank();
        // the original payload is kept untouched, camelCase keys and upper-case email included
        assertThat(camelCase.path("original")).isEqualTo(json(Fixtures.lead("appsource-contact-me-camelcase.json")));

        JsonNode combined = connector.awaitArchived(ids.get("combined-lead-source.json"));
        assertThat(combined.path("source").asText()).isEqualTo("AzureMarketplace");
        assertThat(combined.path("action").asText()).isEqualTo("INS");
        assertThat(combined.path("stage").asText()).isEqualTo("initial-interest");
        assertThat(combined.path("offer").path("id").asText()).isEqualTo("contoso.contoso-analytics-suite");
        assertThat(combined.path("description").asText()).isEqualTo("{\"mktcmpid\":\"spring-launch\",\"partnerid\":\"4711\"}");

        assertThat(connector.awaitArchived(ids.get("test-drive-start.json")).path("stage").asText()).isEqualTo("lead");
        assertThat(connector.awaitArchived(ids.get("azure-portal-create.json")).path("stage").asText()).isEqualTo("active");
        assertThat(connector.awaitArchived(ids.get("appsource-do-not-contact.json")).path("stage").asText())
                .isEqualTo("do-not-contact");
        assertThat(connector.awaitArchived(ids.get("partial-details.json")).path("customer").path("email").asText())
                .isEqualTo("ops@litware.example");
        JsonNode noEmail = connector.awaitArchived(ids.get("no-email.json"));
        assertThat(noEmail.path("customer").has("email")).isFalse();
        assertThat(noEmail.path("customer").path("firstName").asText()).isEqualTo("Nobody");

        JsonNode testLead = connector.awaitArchived(ids.get("marketplace-test-lead.json"));
        assertThat(testLead.path("test").asBoolean()).isTrue();

        // an action nobody knows yet is parked with its reason, not archived and not lost
        String unknown = ids.get("unknown-action.json");
        Path parked = connector.deadLetters().resolve(unknown + "-router.json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(parked));
        JsonNode envelope = readJson(parked);
        assertThat(envelope.path("leadId").asText()).isEqualTo(unknown);
        assertThat(envelope.path("reason").asText()).isEqualTo("unknown action code 'UPGRADE': no enabled target takes it");
        assertThat(envelope.path("lead").path("action").asText()).isEqualTo("UPGRADE");
        assertThat(envelope.path("lead").path("stage").asText()).isEqualTo("unknown");
        assertThat(envelope.path("failedAt").asText()).isNotBlank();
        connector.awaitInboxDrained();
        assertThat(connector.archived(unknown)).doesNotExist();
    }

    @Test
    void badFixturesGetA400NamingEachFieldAndStoreNothing() {
        Stored before = stored();
        for (String fixture : Fixtures.BAD) {
            HttpResponse<String> response = connector.postLead(Fixtures.bad(fixture));
            assertThat(response.statusCode()).as(fixture).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = json(response.body());
            assertThat(problem.path("status").asInt()).isEqualTo(400);
            assertThat(problem.path("type").asText()).isEqualTo("urn:lead-connector:problem:invalid-lead");
            assertThat(problem.path("instance").asText()).isEqualTo("/leads");
        }
        JsonNode wrongTypes = json(connector.postLead(Fixtures.bad("wrong-types.json")).body());
        assertThat(wrongTypes.path("errors").findValuesAsText("pointer"))
                .containsExactly("/ActionCode", "/LeadSource", "/UserDetails");
        assertThat(json(connector.postLead(Fixtures.bad("truncated.json")).body()).path("title").asText())
                .isEqualTo("Malformed JSON");
        assertThat(json(connector.postLead(Fixtures.bad("array-not-object.json")).body()).path("detail").asText())
                .isEqualTo("expected a JSON object, found array");
        assertThat(json(connector.postLead("{\"UserDetails\": {}}").body()).path("errors").findValuesAsText("pointer"))
                .containsExactly("/LeadSource");
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void methodContentTypeAndSizeAreRefusedBeforeAnythingIsRead() {
        Stored before = stored();
        String lead = Fixtures.lead("azure-marketplace-ins.json");

        HttpResponse<String> get = connector.send(HttpRequest.newBuilder(connector.uri("/leads")).GET());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(connector.send(HttpRequest.newBuilder(connector.uri("/leads"))
                .method("PUT", HttpRequest.BodyPublishers.ofString(lead))
                .header("Content-Type", "application/json")).statusCode()).isEqualTo(405);

        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/xml", "*/*")) {
            HttpResponse<String> response = connector.send(HttpRequest.newBuilder(connector.uri("/leads"))
                    .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(lead)));
            assertThat(response.statusCode()).as(type).isEqualTo(415);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
        assertThat(connector.send(HttpRequest.newBuilder(connector.uri("/leads"))
                .POST(HttpRequest.BodyPublishers.ofString(lead))).statusCode()).as("no content type").isEqualTo(415);
        assertThat(connector.send(HttpRequest.newBuilder(connector.uri("/leads"))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(lead.replace("\"\"", "\"charset\"")))).statusCode())
                .as("json with charset").isEqualTo(202);

        String huge = "{\"LeadSource\": \"AzureMarketplace\", \"Description\": \"" + "x".repeat(70_000) + "\"}";
        HttpResponse<String> sized = connector.postLead(huge);
        assertThat(sized.statusCode()).isEqualTo(413);
        assertThat(json(sized.body()).path("detail").asText()).contains("65536 bytes");
        // without a Content-Length (chunked), the limit is found while reading
        HttpResponse<String> chunked = connector.send(HttpRequest.newBuilder(connector.uri("/leads"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge.getBytes()))));
        assertThat(chunked.statusCode()).isEqualTo(413);

        connector.awaitInboxDrained();
        Stored after = stored();
        assertThat(after.archive()).hasSize(before.archive().size() + 1); // only the one valid lead
        assertThat(after.rows()).isEqualTo(before.rows() + 1);
    }

    @Test
    void theSameLeadPostedTwiceIsArchivedOnceWhateverItsKeyCasing() {
        String lead = Fixtures.lead("azure-marketplace-ins.json").replace("\"Description\": \"\"",
                "\"Description\": \"posted twice\"");
        String first = acceptedId(connector.postLead(lead));
        String receivedAt = connector.awaitArchived(first).path("receivedAt").asText();

        String sameInCamelCase = lead.replace("\"UserDetails\"", "\"userDetails\"")
                .replace("\"LeadSource\"", "\"leadSource\"").replace("\"Email\"", "\"EMAIL\"");
        HttpResponse<String> again = connector.postLead(sameInCamelCase);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(acceptedId(again)).isEqualTo(first);

        connector.awaitInboxDrained();
        assertThat(readJson(connector.archived(first)).path("receivedAt").asText())
                .as("the duplicate was not dispatched again").isEqualTo(receivedAt);
        assertThat(dedupRows(first)).isEqualTo(1);
    }

    record Stored(List<Path> inbox, List<Path> archive, List<Path> deadLetters, int rows) {}

    private static Stored stored() {
        connector.awaitInboxDrained();
        return new Stored(files(connector.inbox()), files(connector.archive()), files(connector.deadLetters()),
                dedupRows(null));
    }

    private static int dedupRows(String leadId) {
        JdbcTemplate jdbc = new JdbcTemplate(connector.context().getBean(DataSource.class));
        return leadId == null
                ? jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE processorName = 'lead-dispatch'",
                        Integer.class)
                : jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE processorName = 'lead-dispatch' "
                        + "AND messageId = ? AND confirmed", Integer.class, leadId);
    }
}
