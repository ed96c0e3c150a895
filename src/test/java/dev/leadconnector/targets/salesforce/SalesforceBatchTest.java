package dev.leadconnector.targets.salesforce;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.leadconnector.support.RunningConnector.json;
import static dev.leadconnector.support.RunningConnector.readJson;
import static dev.leadconnector.targets.salesforce.FakeSalesforce.COLLECTIONS;
import static dev.leadconnector.targets.salesforce.FakeSalesforce.QUERY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadconnector.support.Bursts;
import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.support.TestLeads;
import dev.leadconnector.targets.salesforce.FakeSalesforce.Received;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The salesforce target under a burst: batches of up to leads.targets.salesforce.batch.size, one
 * query, one create and one update per batch, and Salesforce's per-record results read back. The
 * batch's max-wait is 5 s here, so a burst fills its batches before they go.
 */
class SalesforceBatchTest {

    static final long MAX_WAIT_MS = 5000;

    @TempDir
    static Path dataDir;
    static FakeSalesforce salesforce;
    static RunningConnector connector;

    @BeforeAll
    static void start() {
        salesforce = FakeSalesforce.onFreePort();
        salesforce.start();
        connector = RunningConnector.start(dataDir,
                "leads.targets.salesforce.enabled=true",
                "leads.targets.salesforce.login-url=" + salesforce.url(),
                "leads.targets.salesforce.client-id=" + FakeSalesforce.CLIENT_ID,
                "leads.targets.salesforce.client-secret=" + FakeSalesforce.CLIENT_SECRET,
                "leads.targets.salesforce.batch.max-wait=" + MAX_WAIT_MS + "ms",
                "leads.delivery.max-redeliveries=1",
                "leads.delivery.redelivery-delay=10",
                "leads.delivery.max-delay=1s");
    }

    @AfterAll
    static void stop() {
        connector.close();
        salesforce.close();
    }

    @BeforeEach
    void resetSalesforce() {
        salesforce.reset();
        salesforce.noLeads();
        salesforce.createsEach();
    }

    @Test
    void aBurstOf450LeadsTakesThreeQueriesAndThreeCreates() {
        List<String> ids = Bursts.deliveredBurst(connector, "salesforce", "burst", 450, Duration.ofSeconds(90));

        List<Received> queries = calls("GET", QUERY, "burst-");
        List<Received> creates = calls("POST", COLLECTIONS, "burst-");
        assertThat(queries).hasSize(3);
        assertThat(creates).hasSize(3);
        assertThat(calls("PATCH", COLLECTIONS, "burst-")).isEmpty();
        assertThat(queries).extracting(q -> q.line().split("@contoso.example").length - 1).containsExactlyInAnyOrder(200, 200, 50);
        assertThat(creates).extracting(c -> json(c.body()).path("records").size()).containsExactlyInAnyOrder(200, 200, 50);
        assertThat(creates).allSatisfy(c -> assertThat(json(c.body()).path("allOrNone").asBoolean(true)).isFalse());
        assertThat(creates.stream().flatMap(c -> json(c.body()).path("records").findValuesAsText("Email").stream()))
                .hasSize(450).doesNotHaveDuplicates();
        assertThat(salesforce.received()).filteredOn(r -> r.url().startsWith("/services/oauth2/token")).hasSizeLessThanOrEqualTo(1);
        assertThat(ids).noneMatch(id -> Files.exists(connector.deadLetters().resolve(id + "-salesforce.json")));
    }

    @Test
    void knownCustomersAreUpdatedAndNewOnesCreatedFromOneQuery() {
        // Salesforce compares emails without case: the Lead's own spelling still finds the lead's customer
        salesforce.leadInAnyQueryFor("known@contoso.example", "00Q5g00000Known", "Open - Not Contacted", "Known@Contoso.example");
        salesforce.server().stubFor(salesforce.stub(patch(urlPathEqualTo(COLLECTIONS))).willReturn(okJson(
                "[{\"id\":\"00Q5g00000Known\",\"success\":true,\"errors\":[]}]")));
        List<String> ids = Bursts.burst(connector, List.of(TestLeads.lead("known@contoso.example", "INS"),
                TestLeads.lead("new@contoso.example", "INS")));
        Bursts.awaitDelivered(connector, "salesforce", ids, Duration.ofSeconds(30));

        List<Received> data = salesforce.received().stream().filter(r -> r.url().startsWith("/services/data/")).toList();
        assertThat(data).extracting(Received::method).containsExactly("GET", "POST", "PATCH");
        assertThat(data.get(0).line()).contains("Email IN ('").contains("known@contoso.example").contains("new@contoso.example");
        assertThat(json(data.get(1).body())).isEqualTo(json("""
                {"allOrNone": false, "records": [{"attributes": {"type": "Lead"},
                  "FirstName": "Avery", "LastName": "Quinn", "Company": "Fabrikam", "Email": "new@contoso.example",
                  "Phone": "14255550142", "Title": "Head of Platform", "Country": "US", "LeadSource": "AzureMarketplace",
                  "Description": "Contoso Analytics Suite: clicked Get it now (AzureMarketplace INS)",
                  "Status": "Working - Contacted"}]}"""));
        JsonNode update = json(data.get(2).body());
        assertThat(update.path("allOrNone").asBoolean(true)).isFalse();
        assertThat(update.path("records")).hasSize(1);
        assertThat(update.path("records").path(0).path("Id").asText()).isEqualTo("00Q5g00000Known");
        assertThat(update.path("records").path(0).path("attributes").path("type").asText()).isEqualTo("Lead");
        assertThat(update.path("records").path(0).path("Status").asText()).isEqualTo("Working - Contacted");
    }

    @Test
    void aRecordSalesforceRefusesFailsOnlyItsOwnLead() {
        String refused = "refused@contoso.example";
        salesforce.server().stubFor(salesforce.stub(post(urlPathEqualTo(COLLECTIONS))).withRequestBody(containing(refused))
                .willReturn(okJson("[{{#each (jsonPath request.body '$.records') as |record|}}{{#unless @first}},{{/unless}}"
                        + "{{#if (eq record.Email '" + refused + "')}}{\"success\":false,\"errors\":[{\"statusCode\":"
                        + "\"FIELD_CUSTOM_VALIDATION_EXCEPTION\",\"message\":\"Country must be a two-letter ISO code\","
                        + "\"fields\":[\"Country\"]}]}{{else}}{\"id\":\"00Q5g0000Mix{{@index}}\",\"success\":true,\"errors\":[]}"
                        + "{{/if}}{{/each}}]").withTransformers("response-template")));
        List<String> emails = List.of("mix-1@contoso.example", refused, "mix-2@contoso.example", "mix-3@contoso.example");
        List<String> ids = Bursts.burst(connector, emails.stream().map(e -> TestLeads.lead(e, "INS")).toList());

        JsonNode envelope = awaitDeadLetter(ids.get(1));
        assertThat(envelope.path("error").asText()).isEqualTo(SalesforceApiException.class.getName()
                + ": Salesforce refused the Lead: FIELD_CUSTOM_VALIDATION_EXCEPTION: Country must be a two-letter ISO code [Country]");
        List<String> others = List.of(ids.get(0), ids.get(2), ids.get(3));
        Bursts.awaitDelivered(connector, "salesforce", others, Duration.ofSeconds(20));
        assertThat(others).noneMatch(id -> Files.exists(connector.deadLetters().resolve(id + "-salesforce.json")));
        // a refusal is permanent: one create, for all four, and no second try
        List<Received> creates = calls("POST", COLLECTIONS, "contoso.example");
        assertThat(creates).hasSize(1);
        assertThat(json(creates.get(0).body()).path("records").findValuesAsText("Email")).containsExactlyInAnyOrderElementsOf(emails);
    }

    @Test
    void aLoneLeadGoesAloneOnceMaxWaitHasPassed() {
        long posted = System.currentTimeMillis();
        List<String> ids = List.of(RunningConnector.acceptedId(connector.postLead(TestLeads.lead("lone@contoso.example", "INS"))));
        Bursts.awaitDelivered(connector, "salesforce", ids, Duration.ofSeconds(20));
        Received create = calls("POST", COLLECTIONS, "lone@contoso.example").get(0);
        assertThat(json(create.body()).path("records")).hasSize(1);
        long waited = System.currentTimeMillis() - posted;
        assertThat(waited).isBetween(MAX_WAIT_MS - 200, MAX_WAIT_MS + 3000);
    }

    @Test
    void theOrgsApiLimitOnABatchRetriesEveryLeadOfIt() {
        salesforce.server().stubFor(salesforce.stub(post(urlPathEqualTo(COLLECTIONS))).withRequestBody(containing("limited-"))
                .inScenario("limit").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                        .withBody("[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]"))
                .willSetStateTo("freed"));
        List<String> ids = Bursts.deliveredBurst(connector, "salesforce", "limited", 3, Duration.ofSeconds(40));

        List<Received> creates = calls("POST", COLLECTIONS, "limited-");
        assertThat(creates).extracting(Received::status).containsExactly(403, 200);
        assertThat(creates).extracting(c -> json(c.body()).path("records").size()).containsExactly(3, 3);
        assertThat(calls("GET", QUERY, "limited-")).hasSize(2);
        assertThat(ids).noneMatch(id -> Files.exists(connector.deadLetters().resolve(id + "-salesforce.json")));
    }

    /** Data calls of this method and path whose query or body mentions {@code marker}. */
    private static List<Received> calls(String method, String path, String marker) {
        return salesforce.received().stream()
                .filter(r -> r.method().equals(method) && r.url().startsWith(path))
                .filter(r -> URLDecoder.decode(r.url(), StandardCharsets.UTF_8).contains(marker)
                        || (r.body() != null && r.body().contains(marker)))
                .toList();
    }

    private static JsonNode awaitDeadLetter(String leadId) {
        Path parked = connector.deadLetters().resolve(leadId + "-salesforce.json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(parked));
        return readJson(parked);
    }
}
