package dev.leadconnector.intake;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.files;
import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 25, item 5, "one hostile lead, no journey": every text field is bounded at intake (a 400 naming
 * each field too long, nothing stored), a lead with every field at its bound is accepted and has its
 * journey, and a customer's leads are listed a page at a time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the refusals first: nothing of another test still on its way
class FieldBoundsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    /** The schema's bounds (src/main/resources/schema/marketplace-lead.schema.json, docs/operations.md). */
    static final Map<String, Integer> CUSTOMER_BOUNDS = Map.of("FirstName", 256, "LastName", 256, "Email", 320,
            "Phone", 64, "Country", 128, "Company", 256, "Title", 256);

    @TempDir
    static Path dataDir;
    static RunningConnector connector;

    @BeforeAll
    static void start() {
        // a sender whose leads carry large extra fields: the body limit raised above what the journal keeps
        connector = RunningConnector.start(dataDir, "leads.intake.max-body-bytes=3MB");
    }

    @AfterAll
    static void stop() {
        connector.close();
    }

    @Test
    @Order(1)
    void theIssuesHostileLeadIsRefusedNamingEachFieldAndStoresNothing() {
        Stored before = Stored.now();
        ObjectNode lead = JSON.createObjectNode().put("LeadSource", "S".repeat(5000)).put("ActionCode", "A".repeat(300))
                .put("OfferTitle", "T".repeat(3000));
        lead.putObject("UserDetails").put("Email", "hostile@example.test");

        HttpResponse<String> answer = connector.postLead(lead.toString());

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json(answer.body());
        assertThat(problem.path("errors").findValuesAsText("pointer"))
                .containsExactly("/ActionCode", "/LeadSource", "/OfferTitle");
        assertThat(problem.path("errors").findValuesAsText("message")).allSatisfy(m -> assertThat(m).contains("at most"));
        assertThat(answer.body()).doesNotContain("SSSS", "AAAA", "TTTT");
        assertThat(Stored.now()).isEqualTo(before);
    }

    @Test
    @Order(2)
    void everyFieldOneOverItsBoundIsNamed() {
        Stored before = Stored.now();
        ObjectNode lead = JSON.createObjectNode().put("LeadSource", "S".repeat(257)).put("ActionCode", "A".repeat(65))
                .put("OfferTitle", "T".repeat(513)).put("Description", "D".repeat(32_001));
        ObjectNode customer = lead.putObject("UserDetails");
        CUSTOMER_BOUNDS.forEach((field, most) -> customer.put(field, "x".repeat(most + 1)));

        HttpResponse<String> answer = connector.postLead(lead.toString());

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(json(answer.body()).path("errors").findValuesAsText("pointer")).containsExactlyInAnyOrder(
                "/LeadSource", "/ActionCode", "/OfferTitle", "/Description", "/UserDetails/FirstName",
                "/UserDetails/LastName", "/UserDetails/Email", "/UserDetails/Phone", "/UserDetails/Country",
                "/UserDetails/Company", "/UserDetails/Title");
        assertThat(Stored.now()).isEqualTo(before);
    }

    @Test
    void leadsWithEveryFieldAtItsBoundAreAcceptedAndHaveAJourney() {
        // the combined form at 256: a known action, an offer id; every other field at its bound
        String offerId = "contoso." + "o".repeat(256 - "AzureMarketplace-INS|contoso.".length());
        ObjectNode full = JSON.createObjectNode().put("LeadSource", "AzureMarketplace-INS|" + offerId)
                .put("OfferTitle", "T".repeat(512)).put("Description", "D".repeat(32_000));
        ObjectNode customer = full.putObject("UserDetails");
        CUSTOMER_BOUNDS.forEach((field, most) -> customer.put(field, field.equals("Email")
                ? "a".repeat(most - "@bounds.example".length()) + "@bounds.example" : "x".repeat(most)));
        assertThat(full.path("LeadSource").asText()).hasSize(256);
        // the longest action the journal can be handed: the action part of a 256-character LeadSource
        ObjectNode longAction = JSON.createObjectNode().put("LeadSource", "S-" + "A".repeat(250) + "|p.o");
        // the longest action code
        ObjectNode longCode = JSON.createObjectNode().put("LeadSource", "L".repeat(256)).put("ActionCode", "C".repeat(64));

        String fullId = accepted(full);
        assertThat(connector.awaitArchived(fullId).path("customer").path("email").asText()).hasSize(320);
        JsonNode journey = awaitJourney(fullId, j -> state(j, "archive").equals("delivered"));
        assertThat(journey.path("lead").path("offer").path("id").asText()).isEqualTo(offerId);
        assertThat(journey.path("lead").path("description").asText()).hasSize(32_000);

        for (ObjectNode unknownAction : List.of(longAction, longCode)) {
            String id = accepted(unknownAction);
            JsonNode parked = awaitJourney(id, j -> state(j, "router").equals("parked"));
            assertThat(parked.path("events").findValuesAsText("event")).startsWith("received", "routed", "parked");
        }
    }

    @Test
    void anUnknownFieldAsLargeAsTheBodyMayBeIsKeptAndTheJournalKeepsWhatFits() {
        ObjectNode lead = JSON.createObjectNode().put("LeadSource", "AzureMarketplace").put("ActionCode", "INS")
                .put("CampaignNotes", "n".repeat(1_200_000));
        lead.putObject("UserDetails").put("Email", "large@bounds.example");

        String id = accepted(lead);

        assertThat(connector.awaitArchived(id).path("original").path("CampaignNotes").asText())
                .as("the archive keeps the payload whole").hasSize(1_200_000);
        JsonNode journey = awaitJourney(id, j -> state(j, "archive").equals("delivered"));
        assertThat(journey.path("lead").path("original").asText()).startsWith("…[cut]");
        assertThat(journey.path("lead").path("customer").path("email").asText()).isEqualTo("large@bounds.example");
    }

    @Test
    void aCustomersLeadsAreListedOnePageNewestFirst() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ObjectNode lead = JSON.createObjectNode().put("LeadSource", "AzureMarketplace").put("ActionCode", "INS")
                    .put("Description", "visit " + i);
            lead.putObject("UserDetails").put("Email", "Sixty@Bounds.example");
            ids.add(accepted(lead));
        }
        ManagementClient viewer = ManagementClient.viewer(connector);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                json(viewer.get("/actuator/leads?email=sixty@bounds.example&limit=100").body()).size() == 60);

        JsonNode page = json(viewer.get("/actuator/leads?email=sixty@bounds.example").body());
        JsonNode all = json(viewer.get("/actuator/leads?email=sixty@bounds.example&limit=100").body());

        assertThat(page).hasSize(50);
        List<Instant> times = new ArrayList<>();
        page.forEach(lead -> times.add(Instant.parse(lead.path("receivedAt").asText())));
        assertThat(times).isSortedAccordingTo(Comparator.reverseOrder());
        List<String> newest = new ArrayList<>();
        all.forEach(lead -> newest.add(lead.path("leadId").asText()));
        assertThat(page.findValuesAsText("leadId")).containsExactlyElementsOf(newest.subList(0, 50));
        assertThat(ids.subList(10, 60)).containsExactlyInAnyOrderElementsOf(page.findValuesAsText("leadId"));
        assertThat(json(viewer.get("/actuator/leads?email=sixty@bounds.example&limit=7").body())).hasSize(7);
        assertThat(page.get(0).path("states").path("archive").asText()).isEqualTo("delivered");
    }

    private static String accepted(ObjectNode lead) {
        HttpResponse<String> answer = connector.postLead(lead.toString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return acceptedId(answer);
    }

    private static JsonNode awaitJourney(String id, Predicate<JsonNode> until) {
        ManagementClient viewer = ManagementClient.viewer(connector);
        JsonNode[] journey = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            HttpResponse<String> answer = viewer.get("/actuator/leads/" + id);
            journey[0] = answer.statusCode() == 200 ? json(answer.body()) : null;
            return journey[0] != null && until.test(journey[0]);
        });
        return journey[0];
    }

    private static String state(JsonNode journey, String target) {
        for (JsonNode t : journey.path("targets")) {
            if (t.path("target").asText().equals(target)) {
                return t.path("state").asText();
            }
        }
        return "";
    }

    /** What a refused lead must not have added to: inbox, archive, dead letters, de-duplication keys, journal. */
    record Stored(List<Path> inbox, List<Path> archive, List<Path> deadLetters, int keys, int journal) {
        static Stored now() {
            connector.awaitInboxDrained();
            JdbcTemplate jdbc = new JdbcTemplate(connector.context().getBean(DataSource.class));
            return new Stored(files(connector.inbox()), files(connector.archive()), files(connector.deadLetters()),
                    jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED", Integer.class),
                    jdbc.queryForObject("SELECT COUNT(*) FROM LEAD_JOURNAL_LEAD", Integer.class));
        }
    }
}
