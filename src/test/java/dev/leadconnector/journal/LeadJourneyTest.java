package dev.leadconnector.journal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.leadconnector.support.DataverseBatch;
import dev.leadconnector.support.DeliveredContent.Webhook;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.support.TestLeads;
import dev.leadconnector.targets.salesforce.FakeSalesforce;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * "Where is my lead?" end to end: the archive, Salesforce and Dynamics take a lead, the HTTPS hook
 * refuses it; GET /actuator/leads/{id} shows each target's state and the record ids the fakes
 * answered, the duplicate, the replay of the parked lead, and why a DNC lead was not sent to the
 * sales targets. Leads are found by e-mail too, over HTTP and JMX, by the viewer.
 */
class LeadJourneyTest {

    static final String API = "/org/api/data/v9.2/leads";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    static FakeSalesforce salesforce;
    static WireMockServer dataverse;
    static Webhook webhook;
    static RunningConnector connector;

    @BeforeAll
    static void start() {
        salesforce = FakeSalesforce.onFreePort();
        salesforce.start();
        salesforce.reset();
        salesforce.noLeads();
        salesforce.createsEach();
        dataverse = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(new DataverseBatch()));
        dataverse.start();
        dataverse.stubFor(post("/aad/t/oauth2/v2.0/token").willReturn(okJson(
                "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"d-token\"}")));
        dataverse.stubFor(get(urlPathEqualTo(API)).willReturn(okJson("{\"value\":[]}")));
        dataverse.stubFor(post("/org/api/data/v9.2/$batch").willReturn(aResponse().withTransformers(DataverseBatch.NAME)));
        webhook = new Webhook();
        // the receiver refuses leads (a 4xx is permanent: parked at once) until the test fixes it
        webhook.server().stubFor(post(urlPathEqualTo("/hook")).atPriority(1)
                .willReturn(aResponse().withStatus(422).withBody("flow is switched off")));
        connector = RunningConnector.start(dataDir, Stream.of(salesforce.settings(), webhook.settings(), new String[] {
                "leads.targets.salesforce.batch.max-wait=100ms",
                "leads.targets.salesforce.record-link=https://contoso.lightning.force.com/lightning/r/Lead/{id}/view",
                "leads.targets.dynamics.enabled=true",
                "leads.targets.dynamics.url=" + dataverse.baseUrl() + "/org",
                "leads.targets.dynamics.authority=" + dataverse.baseUrl() + "/aad",
                "leads.targets.dynamics.tenant-id=t",
                "leads.targets.dynamics.client-id=c",
                "leads.targets.dynamics.client-secret=s",
                "leads.targets.dynamics.batch.max-wait=100ms"}).flatMap(Stream::of).toArray(String[]::new));
    }

    @AfterAll
    static void stop() {
        connector.close();
        salesforce.close();
        dataverse.stop();
        webhook.close();
    }

    @Test
    void aLeadsJourneyShowsEachTargetWithItsRecordAndTheReplayOfTheOneThatRefusedIt() {
        String lead = TestLeads.lead("journey@fabrikam.example", "INS");
        String id = acceptedId(connector.postLead(lead));

        JsonNode journey = awaitJourney(id, j -> state(j, "https").equals("parked") && state(j, "salesforce").equals("delivered")
                && state(j, "dynamics").equals("delivered") && state(j, "archive").equals("delivered"));
        assertThat(journey.path("lead").path("id").asText()).isEqualTo(id);
        assertThat(journey.path("lead").path("customer").path("email").asText()).isEqualTo("journey@fabrikam.example");
        JsonNode sf = target(journey, "salesforce");
        String leadIdInSalesforce = salesforceId("journey@fabrikam.example");
        assertThat(sf.path("recordId").asText()).isEqualTo(leadIdInSalesforce);
        assertThat(sf.path("link").asText())
                .isEqualTo("https://contoso.lightning.force.com/lightning/r/Lead/" + leadIdInSalesforce + "/view");
        String leadid = UUID.nameUUIDFromBytes(dynamicsPart("journey@fabrikam.example").getBytes(StandardCharsets.UTF_8)).toString();
        assertThat(target(journey, "dynamics").path("recordId").asText()).isEqualTo(leadid);
        assertThat(target(journey, "dynamics").path("link").asText())
                .isEqualTo(dataverse.baseUrl() + "/org/main.aspx?etn=lead&pagetype=entityrecord&id=" + leadid);
        assertThat(target(journey, "archive").path("recordId").asText()).endsWith("/leads/" + id + ".json");
        JsonNode https = target(journey, "https");
        assertThat(https.path("reason").asText()).startsWith("refused by https");
        assertThat(https.path("attempts")).hasSize(1);
        assertThat(https.path("attempts").get(0).path("error").asText()).contains("https answered 422: flow is switched off");
        assertThat(events(journey)).startsWith("received", "routed");

        // the receiver is fixed, the operator replays the parked lead
        webhook.server().resetMappings();
        webhook.server().stubFor(post(urlPathEqualTo("/hook")).willReturn(aResponse().withStatus(202)));
        assertThat(ManagementClient.operator(connector).post("/actuator/deadletters",
                "{\"leadId\":\"" + id + "\",\"target\":\"https\"}").statusCode()).isEqualTo(200);
        journey = awaitJourney(id, j -> state(j, "https").equals("delivered"));
        assertThat(events(journey)).containsSubsequence("parked", "replayed", "delivered");

        // the marketplace sends it again
        assertThat(acceptedId(connector.postLead(lead))).isEqualTo(id);
        journey = awaitJourney(id, j -> j.path("duplicates").asInt() == 1);
        assertThat(events(journey)).endsWith("duplicate");
    }

    @Test
    void aDoNotContactLeadIsNotSentToTheSalesTargetsAndSaysWhy() {
        String id = acceptedId(connector.postLead(TestLeads.lead("dnc-journey@fabrikam.example", "DNC")));
        JsonNode journey = awaitJourney(id, j -> state(j, "archive").equals("delivered"));
        for (String sales : List.of("salesforce", "dynamics", "https")) {
            assertThat(state(journey, sales)).as(sales).isEqualTo("not-sent");
            assertThat(target(journey, sales).path("reason").asText()).isEqualTo("do-not-contact: a sales target never gets DNC leads");
        }
    }

    @Test
    void aCustomersLeadsAreFoundByEmailNewestFirstWithoutKeepingTheAddressTwice() {
        String first = acceptedId(connector.postLead(TestLeads.lead("returning@fabrikam.example", "StartTestDrive")));
        awaitJourney(first, j -> state(j, "archive").equals("delivered"));
        String second = acceptedId(connector.postLead(TestLeads.lead("returning@fabrikam.example", "PLT")));
        awaitJourney(second, j -> state(j, "archive").equals("delivered"));

        HttpResponse<String> answer = ManagementClient.viewer(connector).get("/actuator/leads?email=Returning@Fabrikam.example");
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode leads = json(answer.body());
        assertThat(leads).hasSize(2);
        assertThat(leads.get(0).path("leadId").asText()).isEqualTo(second);
        assertThat(leads.get(0).path("action").asText()).isEqualTo("PLT");
        assertThat(leads.get(0).path("states").path("archive").asText()).isEqualTo("delivered");
        assertThat(leads.get(0).path("journey").asText()).isEqualTo("/actuator/leads/" + second);
        assertThat(leads.get(1).path("leadId").asText()).isEqualTo(first);

        JdbcTemplate jdbc = new JdbcTemplate(connector.context().getBean(DataSource.class));
        assertThat(jdbc.queryForObject("SELECT email_hash FROM LEAD_JOURNAL_LEAD WHERE lead_id = ?", String.class, first))
                .matches("[0-9a-f]{64}");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM LEAD_JOURNAL WHERE detail LIKE ?", Integer.class,
                "%returning@%")).as("events keep no e-mail address").isZero();
        assertThat(json(ManagementClient.viewer(connector).get("/actuator/leads?email=nobody@fabrikam.example").body()))
                .isEmpty();
    }

    @Test
    void theViewerReadsJourneysOverJmxToo() {
        String id = acceptedId(connector.postLead(TestLeads.lead("jmx-journey@fabrikam.example", "INS")));
        awaitJourney(id, j -> state(j, "archive").equals("delivered"));
        JsonNode answer = ManagementClient.viewer(connector).jolokia(JSON.createObjectNode().put("type", "exec")
                .put("mbean", "org.springframework.boot:type=Endpoint,name=Leads")
                .put("operation", "getJourney").set("arguments", JSON.createArrayNode().add(id)));
        assertThat(answer.path("status").asInt()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.path("value").path("leadId").asText()).isEqualTo(id);
        JsonNode byEmail = ManagementClient.viewer(connector).jolokia(JSON.createObjectNode().put("type", "exec")
                .put("mbean", "org.springframework.boot:type=Endpoint,name=Leads")
                .put("operation", "listLeads").set("arguments", JSON.createArrayNode().add("jmx-journey@fabrikam.example")));
        assertThat(byEmail.path("value").get(0).path("leadId").asText()).isEqualTo(id);
    }

    @Test
    void journeysNeedALoginAndALeadIdAndAnUnknownLeadIsA404() {
        String unknown = "0123456789abcdef0123456789abcdef";
        assertThat(ManagementClient.anonymous(connector).get("/actuator/leads/" + unknown).statusCode()).isEqualTo(401);
        assertThat(ManagementClient.anonymous(connector).get("/actuator/leads?email=journey@fabrikam.example").statusCode())
                .isEqualTo(401);
        HttpResponse<String> notFound = ManagementClient.viewer(connector).get("/actuator/leads/" + unknown);
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("application/problem+json"));
        assertThat(json(notFound.body()).path("status").asInt()).isEqualTo(404);
        for (String notAnId : List.of("NOT-A-LEAD", "0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef", "%27%20OR%201=1")) {
            HttpResponse<String> invalid = ManagementClient.viewer(connector).get("/actuator/leads/" + notAnId);
            assertThat(invalid.statusCode()).as(notAnId).isEqualTo(400);
            assertThat(invalid.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                    .startsWith("application/problem+json"));
        }
    }

    private static JsonNode awaitJourney(String id, Predicate<JsonNode> until) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpResponse<String> answer = ManagementClient.viewer(connector).get("/actuator/leads/" + id);
            if (answer.statusCode() != 200) {
                return false;
            }
            last[0] = json(answer.body());
            return until.test(last[0]);
        });
        return last[0];
    }

    private static JsonNode target(JsonNode journey, String name) {
        for (JsonNode target : journey.path("targets")) {
            if (target.path("target").asText().equals(name)) {
                return target;
            }
        }
        return JSON.createObjectNode();
    }

    private static String state(JsonNode journey, String target) {
        return target(journey, target).path("state").asText();
    }

    private static List<String> events(JsonNode journey) {
        return journey.path("events").findValuesAsText("event");
    }

    /** The id the fake answered for this customer's new Lead: 00Q5g0000Burst<its index in the create request>. */
    private static String salesforceId(String email) {
        for (FakeSalesforce.Received call : salesforce.received()) {
            if (call.method().equals("POST") && call.url().startsWith(FakeSalesforce.COLLECTIONS)) {
                JsonNode records = json(call.body()).path("records");
                for (int i = 0; i < records.size(); i++) {
                    if (records.get(i).path("Email").asText().equals(email)) {
                        return "00Q5g0000Burst" + i;
                    }
                }
            }
        }
        throw new AssertionError("Salesforce got no Lead for " + email);
    }

    /** The body of the $batch part Dynamics got for this customer (its new record's id is derived from it). */
    private static String dynamicsPart(String email) {
        return DataverseBatch.sent(dataverse, postRequestedFor(urlPathEqualTo("/org/api/data/v9.2/$batch"))).stream()
                .filter(sent -> sent.part().body().contains("\"" + email + "\"")).findFirst().orElseThrow().part().body();
    }
}
