package dev.leadconnector.targets;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
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
 * the v2.0 token endpoint, GET/POST/PATCH /api/data/v9.2/leads, OData error bodies, 401 on a rejected token.
 */
class DynamicsTargetTest {

    static final String API = "/org/api/data/v9.2/leads";
    static final String TOKEN = "/aad/tenant-1/oauth2/v2.0/token";
    static final String LEAD_ID = "6f1c7a52-5d0e-4c4b-9a5e-2f8d3b1c0a11";

    @TempDir
    static Path dataDir;
    static WireMockServer dataverse;
    static RunningConnector connector;

    @BeforeAll
    static void start() {
        dataverse = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        dataverse.start();
        // Azure AD answers token-1 first, then token-2 (what a refresh after a 401 gets)
        dataverse.stubFor(post(TOKEN).inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(token("token-1"))).willSetStateTo("refreshed"));
        dataverse.stubFor(post(TOKEN).inScenario("tokens").whenScenarioStateIs("refreshed")
                .willReturn(okJson(token("token-2"))));
        // by default nobody has a lead yet, and creating one works (204 with the new record's URL)
        dataverse.stubFor(get(urlPathEqualTo(API)).atPriority(10).willReturn(okJson("{\"value\":[]}")));
        dataverse.stubFor(post(API).atPriority(10).willReturn(aResponse().withStatus(204)
                .withHeader("OData-EntityId", dataverse.baseUrl() + API + "(" + LEAD_ID + ")")));
        dataverse.stubFor(patch(urlPathEqualTo(API + "(" + LEAD_ID + ")")).willReturn(aResponse().withStatus(204)));

        connector = RunningConnector.start(dataDir,
                "leads.targets.dynamics.enabled=true",
                "leads.targets.dynamics.url=" + dataverse.baseUrl() + "/org",
                "leads.targets.dynamics.authority=" + dataverse.baseUrl() + "/aad",
                "leads.targets.dynamics.tenant-id=tenant-1",
                "leads.targets.dynamics.client-id=app-1",
                "leads.targets.dynamics.client-secret=s3cret",
                // a custom status reason for customers who bought, so "active" is a step of its own
                "leads.targets.dynamics.stages.active=100000001",
                "leads.delivery.max-redeliveries=1",
                "leads.delivery.redelivery-delay=10");
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
        LoggedRequest create = awaitOne(postRequestedFor(urlPathEqualTo(API))
                .withRequestBody(matchingJsonPath("$.emailaddress1", equalTo("avery.quinn@fabrikam.example"))));

        assertThat(json(create.getBodyAsString())).isEqualTo(json("""
                {"subject": "INS from AzureMarketplace: Contoso Analytics Suite",
                 "firstname": "Avery", "lastname": "Quinn", "emailaddress1": "avery.quinn@fabrikam.example",
                 "telephone1": "14255550142", "companyname": "Fabrikam", "jobtitle": "Head of Platform",
                 "address1_country": "US", "leadsourcecode": 8, "statuscode": 2}"""));
        assertThat(create.getHeader("Authorization")).matches("Bearer token-[12]");
        assertThat(create.getHeader("OData-Version")).isEqualTo("4.0");
        assertThat(create.getHeader("Content-Type")).startsWith("application/json");
        assertThat(create.containsHeader("leadId")).as("the routes' own headers stay inside").isFalse();
        assertThat(create.containsHeader("If-Match")).isFalse();

        LoggedRequest find = dataverse.findAll(getRequestedFor(urlPathEqualTo(API))
                .withQueryParam("$filter", equalTo("emailaddress1 eq 'avery.quinn@fabrikam.example'"))).get(0);
        assertThat(find.queryParameter("$select").firstValue()).isEqualTo("leadid,statuscode");
        assertThat(find.queryParameter("$top").firstValue()).isEqualTo("1");

        LoggedRequest tokenRequest = dataverse.findAll(postRequestedFor(urlPathEqualTo(TOKEN))).get(0);
        assertThat(tokenRequest.getBodyAsString()).isEqualTo("grant_type=client_credentials&client_id=app-1"
                + "&client_secret=s3cret&scope=" + java.net.URLEncoder.encode(dataverse.baseUrl() + "/org/.default",
                java.nio.charset.StandardCharsets.UTF_8));
        connector.awaitArchived(id);
    }

    @Test
    void theLeadStatusOnlyMovesForwardAlongTheFunnel() {
        String email = "funnel@contoso.example";
        RequestPatternBuilder writes = postRequestedFor(urlPathEqualTo(API))
                .withRequestBody(matchingJsonPath("$.emailaddress1", equalTo(email)));

        connector.postLead(TestLeads.lead(email, "INS"));
        assertThat(json(awaitOne(writes).getBodyAsString()).path("statuscode").asInt()).isEqualTo(2);

        // Dataverse now has the customer's lead, at "Contacted" (2)
        dataverse.stubFor(get(urlPathEqualTo(API)).withQueryParam("$filter", equalTo("emailaddress1 eq '" + email + "'"))
                .willReturn(okJson(found(2))));
        connector.postLead(TestLeads.lead(email, "Create"));
        RequestPatternBuilder updates = patchRequestedFor(urlPathEqualTo(API + "(" + LEAD_ID + ")"))
                .withRequestBody(matchingJsonPath("$.emailaddress1", equalTo(email)));
        LoggedRequest bought = awaitOne(updates);
        assertThat(json(bought.getBodyAsString()).path("statuscode").asInt()).isEqualTo(100000001);
        assertThat(bought.getHeader("If-Match")).isEqualTo("*");

        // a test drive that arrives late sets no status on a customer who bought
        dataverse.stubFor(get(urlPathEqualTo(API)).withQueryParam("$filter", equalTo("emailaddress1 eq '" + email + "'"))
                .willReturn(okJson(found(100000001))));
        connector.postLead(TestLeads.lead(email, "StartTestDrive"));
        await().atMost(Duration.ofSeconds(20)).until(() -> dataverse.findAll(updates).size() == 2);
        JsonNode late = json(dataverse.findAll(updates).get(1).getBodyAsString());
        assertThat(late.has("statuscode")).isFalse();
        assertThat(late.path("subject").asText()).isEqualTo("StartTestDrive from AzureMarketplace: Contoso Analytics Suite");
        assertThat(dataverse.findAll(writes)).as("one record per customer").hasSize(1);
    }

    @Test
    void aLeadWithoutEmailIsCreatedWithAPlaceholderLastName() {
        connector.postLead(Fixtures.lead("no-email.json"));
        LoggedRequest create = awaitOne(postRequestedFor(urlPathEqualTo(API))
                .withRequestBody(matchingJsonPath("$.firstname", equalTo("Nobody"))));
        assertThat(json(create.getBodyAsString()).path("lastname").asText()).isEqualTo("[not provided]");
        assertThat(json(create.getBodyAsString()).has("emailaddress1")).isFalse();
        assertThat(dataverse.findAll(getRequestedFor(urlPathEqualTo(API)).withQueryParam("$filter", absent())))
                .as("nothing to look up without an email").isEmpty();
    }

    @Test
    void quotesInTheEmailAreEscapedInTheODataFilter() {
        connector.postLead(TestLeads.lead("o'brien@contoso.example", "INS"));
        awaitOne(getRequestedFor(urlPathEqualTo(API))
                .withQueryParam("$filter", equalTo("emailaddress1 eq 'o''brien@contoso.example'")));
    }

    @Test
    void aValidationErrorParksTheLeadWithDataversesMessage() {
        String email = "picklist@contoso.example";
        dataverse.stubFor(post(API).withRequestBody(matchingJsonPath("$.emailaddress1", equalTo(email)))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody("""
                        {"error":{"code":"0x80044331","message":"A validation error occurred. The value of 'address1_country' on record of type 'lead' is outside the valid range."}}""")));
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
        assertThat(dataverse.findAll(postRequestedFor(urlPathEqualTo(API))
                .withRequestBody(matchingJsonPath("$.emailaddress1", equalTo(email)))))
                .as("a permanent refusal is not retried").hasSize(1);
    }

    @Test
    void anExpiredTokenIsRefreshedAndTheCallMadeAgain() {
        String email = "expired@contoso.example";
        awaitToken(); // a token is cached before the test
        String cached = "Bearer token-1";
        dataverse.stubFor(get(urlPathEqualTo(API)).withQueryParam("$filter", equalTo("emailaddress1 eq '" + email + "'"))
                .withHeader("Authorization", equalTo(cached))
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"0x80072182\",\"message\":\"The access token has expired.\"}}")));
        connector.postLead(TestLeads.lead(email, "INS"));

        LoggedRequest create = awaitOne(postRequestedFor(urlPathEqualTo(API))
                .withRequestBody(matchingJsonPath("$.emailaddress1", equalTo(email))));
        assertThat(create.getHeader("Authorization")).isEqualTo("Bearer token-2");
        List<LoggedRequest> finds = dataverse.findAll(getRequestedFor(urlPathEqualTo(API))
                .withQueryParam("$filter", equalTo("emailaddress1 eq '" + email + "'")));
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

        LoggedRequest create = awaitOne(postRequestedFor(urlPathEqualTo(API))
                .withRequestBody(matchingJsonPath("$.emailaddress1", equalTo("lead-connector-test@example.com"))));
        assertThat(json(create.getBodyAsString()).path("subject").asText())
                .isEqualTo("[TEST] StartTestDrive from lead-connector-validation: lead-connector validation");

        HttpResponse<String> unknown = ManagementClient.operator(connector).post("/actuator/targets/nowhere/validate");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown.body()).path("message").asText()).isEqualTo("there is no target named 'nowhere' (no route deliver-nowhere in routes/)");
    }

    private static void awaitToken() {
        if (dataverse.findAll(postRequestedFor(urlPathEqualTo(TOKEN))).isEmpty()) {
            connector.postLead(TestLeads.lead("warm-up@contoso.example", "INS"));
            awaitOne(postRequestedFor(urlPathEqualTo(API)).withRequestBody(matchingJsonPath("$.emailaddress1",
                    equalTo("warm-up@contoso.example"))));
        }
    }

    static LoggedRequest awaitOne(RequestPatternBuilder pattern) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !dataverse.findAll(pattern).isEmpty());
        return dataverse.findAll(pattern).get(0);
    }

    static String token(String value) {
        return "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"" + value + "\"}";
    }

    static String found(int statuscode) {
        return "{\"@odata.context\":\"https://org/api/data/v9.2/$metadata#leads(leadid,statuscode)\",\"value\":[{"
                + "\"@odata.etag\":\"W/\\\"4711\\\"\",\"leadid\":\"" + LEAD_ID + "\",\"statuscode\":" + statuscode + "}]}";
    }
}
