package dev.leadconnector.targets;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.json;
import static dev.leadconnector.support.RunningConnector.readJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.leadconnector.support.DataverseBatch;
import dev.leadconnector.support.DataverseBatch.Sent;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.support.TestLeads;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Target "dynamics" against a WireMock Dataverse and Azure AD, stubbed from their documented APIs:
 * the v2.0 token endpoint, GET /api/data/v9.2/leads, POST /api/data/v9.2/$batch (multipart/mixed, a
 * response per part), OData error bodies, 401 on a rejected token. Each lead is its own part of a batch.
 */
class DynamicsTargetTest {

    static final String API = "/org/api/data/v9.2/leads";
    static final String BATCH = "/org/api/data/v9.2/$batch";
    static final String TOKEN = "/aad/tenant-1/oauth2/v2.0/token";
    static final String LEAD_ID = "6f1c7a52-5d0e-4c4b-9a5e-2f8d3b1c0a11";

    @TempDir
    static Path dataDir;
    static WireMockServer dataverse;
    static final DataverseBatch batches = new DataverseBatch();
    static RunningConnector connector;

    @BeforeAll
    static void start() {
        dataverse = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(batches));
        dataverse.start();
        // Azure AD answers token-1 first, then token-2 (what a refresh after a 401 gets)
        dataverse.stubFor(post(TOKEN).inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(token("token-1"))).willSetStateTo("refreshed"));
        dataverse.stubFor(post(TOKEN).inScenario("tokens").whenScenarioStateIs("refreshed")
                .willReturn(okJson(token("token-2"))));
        // by default nobody has a lead yet, and every part of a $batch works (204, with the new record's URL)
        dataverse.stubFor(get(urlPathEqualTo(API)).atPriority(10).willReturn(okJson("{\"value\":[]}")));
        dataverse.stubFor(post(BATCH).willReturn(aResponse().withTransformers(DataverseBatch.NAME)));

        connector = RunningConnector.start(dataDir, settings(dataverse,
                // a custom status reason for customers who bought, so "active" is a step of its own
                "leads.targets.dynamics.stages.active=100000001",
                // each test's lead comes alone: it need not wait a second for a batch the test before just sent
                "leads.targets.dynamics.batch.max-wait=100ms"));
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
        dataverse.stop();
    }

    @Test
    void aNewCustomerBecomesADataverseLeadWithTheTokenFromAzureAd() {
        String id = acceptedId(connector.postLead(Fixtures.lead("azure-marketplace-ins.json")));
        Sent create = awaitPart("avery.quinn@fabrikam.example");

        assertThat(create.part().startLine()).isEqualTo("POST " + dataverse.baseUrl() + API + " HTTP/1.1");
        assertThat(create.part().header("Content-Type")).isEqualTo("application/json; type=entry");
        assertThat(create.part().header("If-Match")).isNull();
        assertThat(create.record()).isEqualTo(json("""
                {"subject": "INS from AzureMarketplace: Contoso Analytics Suite",
                 "firstname": "Avery", "lastname": "Quinn", "emailaddress1": "avery.quinn@fabrikam.example",
                 "telephone1": "14255550142", "companyname": "Fabrikam", "jobtitle": "Head of Platform",
                 "address1_country": "US", "leadsourcecode": 8, "statuscode": 2}"""));
        LoggedRequest batch = create.batch();
        assertThat(batch.getHeader("Authorization")).matches("Bearer token-[12]");
        assertThat(batch.getHeader("OData-Version")).isEqualTo("4.0");
        assertThat(batch.getHeader("OData-MaxVersion")).isEqualTo("4.0");
        assertThat(batch.getHeader("Prefer")).isEqualTo("odata.continue-on-error");
        assertThat(batch.getHeader("Content-Type")).matches("multipart/mixed; boundary=batch_[0-9a-f-]{36}(; charset=UTF-8)?");
        assertThat(batch.getBodyAsString()).as("independent parts, no change set").doesNotContain("changeset");
        assertThat(batch.containsHeader("leadId")).as("the routes' own headers stay inside").isFalse();

        LoggedRequest find = awaitOne(getRequestedFor(urlPathEqualTo(API)).withQueryParam("$filter", containing("avery.quinn")));
        assertThat(find.queryParameter("$filter").firstValue()).isEqualTo(
                "Microsoft.Dynamics.CRM.In(PropertyName='emailaddress1',PropertyValues=['avery.quinn@fabrikam.example'])");
        assertThat(find.queryParameter("$select").firstValue()).isEqualTo("leadid,emailaddress1,statuscode");

        LoggedRequest tokenRequest = dataverse.findAll(postRequestedFor(urlPathEqualTo(TOKEN))).get(0);
        assertThat(tokenRequest.getBodyAsString()).isEqualTo("grant_type=client_credentials&client_id=app-1"
                + "&client_secret=s3cret&scope=" + java.net.URLEncoder.encode(dataverse.baseUrl() + "/org/.default",
                java.nio.charset.StandardCharsets.UTF_8));
        connector.awaitArchived(id);
    }

    @Test
    void theLeadStatusOnlyMovesForwardAlongTheFunnel() {
        String email = "funnel@contoso.example";
        connector.postLead(TestLeads.lead(email, "INS"));
        assertThat(awaitPart(email).record().path("statuscode").asInt()).isEqualTo(2);

        // Dataverse now has the customer's lead, at "Contacted" (2)
        dataverse.stubFor(get(urlPathEqualTo(API)).withQueryParam("$filter", containing("'" + email + "'"))
                .willReturn(okJson(found(email, 2))));
        connector.postLead(TestLeads.lead(email, "Create"));
        await().atMost(Duration.ofSeconds(20)).until(() -> parts(email).size() == 2);
        Sent bought = parts(email).get(1);
        assertThat(bought.part().startLine()).isEqualTo("PATCH " + dataverse.baseUrl() + API + "(" + LEAD_ID + ") HTTP/1.1");
        assertThat(bought.part().header("If-Match")).isEqualTo("*");
        assertThat(bought.record().path("statuscode").asInt()).isEqualTo(100000001);

        // a test drive that arrives late sets no status on a customer who bought
        dataverse.stubFor(get(urlPathEqualTo(API)).withQueryParam("$filter", containing("'" + email + "'"))
                .willReturn(okJson(found(email, 100000001))));
        connector.postLead(TestLeads.lead(email, "StartTestDrive"));
        await().atMost(Duration.ofSeconds(20)).until(() -> parts(email).size() == 3);
        Sent late = parts(email).get(2);
        assertThat(late.part().startLine()).startsWith("PATCH ");
        assertThat(late.record().has("statuscode")).isFalse();
        assertThat(late.record().path("subject").asText()).isEqualTo("StartTestDrive from AzureMarketplace: Contoso Analytics Suite");
        assertThat(parts(email)).filteredOn(sent -> sent.part().startLine().startsWith("POST "))
                .as("one record per customer").hasSize(1);
    }

    @Test
    void aLeadWithoutEmailIsCreatedWithAPlaceholderLastName() {
        connector.postLead(Fixtures.lead("no-email.json"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !nobody().isEmpty());
        Sent create = nobody().get(0);
        assertThat(create.part().startLine()).startsWith("POST ");
        assertThat(create.record().path("lastname").asText()).isEqualTo("[not provided]");
        assertThat(create.record().has("emailaddress1")).isFalse();
        assertThat(dataverse.findAll(getRequestedFor(urlPathEqualTo(API)).withQueryParam("$filter", absent())))
                .as("nothing to look up without an email").isEmpty();
    }

    @Test
    void quotesInTheEmailAreEscapedInTheODataFilter() {
        connector.postLead(TestLeads.lead("o'brien@contoso.example", "INS"));
        awaitOne(getRequestedFor(urlPathEqualTo(API)).withQueryParam("$filter", equalTo(
                "Microsoft.Dynamics.CRM.In(PropertyName='emailaddress1',PropertyValues=['o''brien@contoso.example'])")));
    }

    @Test
    void aValidationErrorParksTheLeadWithDataversesMessage() {
        String email = "picklist@contoso.example";
        batches.refuse(email, """
                {"error":{"code":"0x80044331","message":"A validation error occurred. The value of 'address1_country' on record of type 'lead' is outside the valid range."}}""");
        String id = acceptedId(connector.postLead(TestLeads.lead(email, "INS")));

        Path parked = connector.deadLetters().resolve(id + "-dynamics.json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(parked));
        JsonNode envelope = readJson(parked);
        assertThat(envelope.path("error").asText()).isEqualTo("dev.leadconnector.targets.crm.CrmException: "
                + "dynamics answered 400: 0x80044331: A validation error occurred. The value of 'address1_country' "
                + "on record of type 'lead' is outside the valid range.");
        assertThat(envelope.path("lead").path("id").asText()).as("the canonical lead, ready to replay").isEqualTo(id);
        assertThat(envelope.path("reason").asText()).startsWith("refused by dynamics");
        assertThat(envelope.path("attempts").asInt()).isEqualTo(1);
        assertThat(parts(email)).as("a permanent refusal is not retried").hasSize(1);
    }

    @Test
    void anExpiredTokenIsRefreshedAndTheCallMadeAgain() {
        String email = "expired@contoso.example";
        awaitToken(); // a token is cached before the test
        String cached = "Bearer token-1";
        dataverse.stubFor(get(urlPathEqualTo(API)).withQueryParam("$filter", containing("'" + email + "'"))
                .withHeader("Authorization", equalTo(cached))
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"0x80072182\",\"message\":\"The access token has expired.\"}}")));
        connector.postLead(TestLeads.lead(email, "INS"));

        Sent create = awaitPart(email);
        assertThat(create.batch().getHeader("Authorization")).isEqualTo("Bearer token-2");
        List<LoggedRequest> finds = dataverse.findAll(getRequestedFor(urlPathEqualTo(API))
                .withQueryParam("$filter", containing("'" + email + "'")));
        assertThat(finds).extracting(r -> r.getHeader("Authorization")).containsExactly(cached, "Bearer token-2");
        assertThat(dataverse.findAll(postRequestedFor(urlPathEqualTo(TOKEN)))).hasSize(2);
    }

    @Test
    void validateSendsAMarkedTestLeadThroughTheRealRoute() {
        HttpResponse<String> answer = ManagementClient.operator(connector).post("/actuator/targets/dynamics/validate");
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode result = json(answer.body());
        assertThat(result.path("target").asText()).isEqualTo("dynamics");
        assertThat(result.path("ok").asBoolean()).isTrue();
        assertThat(result.path("message").asText()).startsWith("dynamics took the test lead ").contains("(created a lead)");

        Sent create = awaitPart("lead-connector-test@example.com");
        assertThat(create.record().path("subject").asText())
                .isEqualTo("[TEST] StartTestDrive from lead-connector-validation: lead-connector validation");

        HttpResponse<String> unknown = ManagementClient.operator(connector).post("/actuator/targets/nowhere/validate");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown.body()).path("message").asText()).isEqualTo("there is no target named 'nowhere' (no route deliver-nowhere in routes/)");
    }

    private static void awaitToken() {
        if (dataverse.findAll(postRequestedFor(urlPathEqualTo(TOKEN))).isEmpty()) {
            connector.postLead(TestLeads.lead("warm-up@contoso.example", "INS"));
            awaitPart("warm-up@contoso.example");
        }
    }

    /** The $batch parts Dataverse got for this email, in order. */
    static List<Sent> parts(String email) {
        return DataverseBatch.sent(dataverse, postRequestedFor(urlPathEqualTo(BATCH))).stream()
                .filter(sent -> email.equals(sent.record().path("emailaddress1").asText(null))).toList();
    }

    private static List<Sent> nobody() {
        return DataverseBatch.sent(dataverse, postRequestedFor(urlPathEqualTo(BATCH))).stream()
                .filter(sent -> "Nobody".equals(sent.record().path("firstname").asText(null))).toList();
    }

    static Sent awaitPart(String email) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !parts(email).isEmpty());
        return parts(email).get(0);
    }

    static LoggedRequest awaitOne(RequestPatternBuilder pattern) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !dataverse.findAll(pattern).isEmpty());
        return dataverse.findAll(pattern).get(0);
    }

    /** The target on this WireMock Dataverse (org under /org, Azure AD under /aad), one redelivery, and these settings. */
    static String[] settings(WireMockServer dataverse, String... more) {
        List<String> settings = new java.util.ArrayList<>(List.of(
                "leads.targets.dynamics.enabled=true",
                "leads.targets.dynamics.url=" + dataverse.baseUrl() + "/org",
                "leads.targets.dynamics.authority=" + dataverse.baseUrl() + "/aad",
                "leads.targets.dynamics.tenant-id=tenant-1",
                "leads.targets.dynamics.client-id=app-1",
                "leads.targets.dynamics.client-secret=s3cret",
                "leads.delivery.max-redeliveries=1",
                "leads.delivery.redelivery-delay=10"));
        settings.addAll(List.of(more));
        return settings.toArray(String[]::new);
    }

    static String token(String value) {
        return "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"" + value + "\"}";
    }

    /** Dataverse's answer to the lookup when the customer has a lead at this statuscode. */
    static String found(String email, int statuscode) {
        return "{\"@odata.context\":\"https://org/api/data/v9.2/$metadata#leads(leadid,emailaddress1,statuscode)\",\"value\":[{"
                + "\"@odata.etag\":\"W/\\\"4711\\\"\",\"leadid\":\"" + LEAD_ID + "\",\"emailaddress1\":\"" + email
                + "\",\"statuscode\":" + statuscode + "}]}";
    }
}
