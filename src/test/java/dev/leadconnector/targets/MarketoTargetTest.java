package dev.leadconnector.targets;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.json;
import static dev.leadconnector.support.RunningConnector.readJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
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
 * Target "marketo" against a WireMock Marketo, stubbed from its documented REST API: the identity
 * service's GET /identity/oauth/token, GET and POST /rest/v1/leads.json, failures reported inside a
 * 200 (success:false with errors[], a skipped record with reasons[]), 602 for an expired token.
 */
class MarketoTargetTest {

    static final String LEADS = "/rest/v1/leads.json";
    static final String TOKEN = "/identity/oauth/token";

    @TempDir
    static Path dataDir;
    static WireMockServer marketo;
    static RunningConnector connector;

    @BeforeAll
    static void start() {
        marketo = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        marketo.start();
        marketo.stubFor(get(urlPathEqualTo(TOKEN)).inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(token("token-1"))).willSetStateTo("refreshed"));
        marketo.stubFor(get(urlPathEqualTo(TOKEN)).inScenario("tokens").whenScenarioStateIs("refreshed")
                .willReturn(okJson(token("token-2"))));
        marketo.stubFor(lookupStub().atPriority(10)
                .willReturn(okJson("{\"requestId\":\"e42b#14272d07d78\",\"result\":[],\"success\":true}")));
        marketo.stubFor(post(LEADS).atPriority(10).willReturn(createdEach()));

        connector = RunningConnector.start(dataDir,
                "leads.targets.marketo.enabled=true",
                "leads.targets.marketo.endpoint=" + marketo.baseUrl(),
                "leads.targets.marketo.identity=" + marketo.baseUrl() + "/identity",
                "leads.targets.marketo.client-id=mkto-1",
                "leads.targets.marketo.client-secret=s3cret",
                // each test's lead comes alone: it need not wait a second for a batch the test before just sent
                "leads.targets.marketo.batch.max-wait=100ms",
                "leads.delivery.max-redeliveries=1",
                "leads.delivery.redelivery-delay=10");
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
        marketo.stop();
    }

    @Test
    void aNewCustomerIsSyncedWithCreateOrUpdateOnEmailAndABearerToken() {
        String id = acceptedId(connector.postLead(Fixtures.lead("azure-marketplace-ins.json")));
        LoggedRequest sync = awaitOne(sync("avery.quinn@fabrikam.example"));

        assertThat(json(sync.getBodyAsString())).isEqualTo(json("""
                {"action": "createOrUpdate", "lookupField": "email",
                 "input": [{"email": "avery.quinn@fabrikam.example", "firstName": "Avery", "lastName": "Quinn",
                            "phone": "14255550142", "company": "Fabrikam", "title": "Head of Platform",
                            "country": "US", "leadSource": "AzureMarketplace", "leadStatus": "Interested"}]}"""));
        assertThat(sync.getHeader("Authorization")).matches("Bearer token-[12]");
        assertThat(sync.getUrl()).as("never a query-parameter token").isEqualTo(LEADS);
        assertThat(sync.containsHeader("leadId")).isFalse();

        // Marketo's documented lookup for e-mail lists too long for a URI: the query as a form body
        LoggedRequest lookup = awaitOne(lookup("avery.quinn@fabrikam.example"));
        assertThat(lookup.getUrl()).isEqualTo(LEADS + "?_method=GET");
        assertThat(lookup.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(lookup.getBodyAsString()).isEqualTo("filterType=email&filterValues=avery.quinn%40fabrikam.example"
                + "&fields=id%2Cemail%2CleadStatus");
        assertThat(lookup.getHeader("Authorization")).matches("Bearer token-[12]");

        LoggedRequest tokenRequest = marketo.findAll(getRequestedFor(urlPathEqualTo(TOKEN))).get(0);
        assertThat(tokenRequest.getUrl()).isEqualTo(TOKEN + "?grant_type=client_credentials&client_id=mkto-1&client_secret=s3cret");
        connector.awaitArchived(id);
    }

    @Test
    void theLeadStatusOnlyMovesForwardAlongTheFunnel() {
        String email = "funnel@contoso.example";
        connector.postLead(TestLeads.lead(email, "INS"));
        assertThat(status(awaitOne(sync(email)))).isEqualTo("Interested");

        knownAs(email, "Interested");
        connector.postLead(TestLeads.lead(email, "Create"));
        await().atMost(Duration.ofSeconds(20)).until(() -> marketo.findAll(sync(email)).size() == 2);
        assertThat(status(marketo.findAll(sync(email)).get(1))).isEqualTo("Customer");

        // a test drive that arrives late leaves the customer's status alone
        knownAs(email, "Customer");
        connector.postLead(TestLeads.lead(email, "StartTestDrive"));
        await().atMost(Duration.ofSeconds(20)).until(() -> marketo.findAll(sync(email)).size() == 3);
        JsonNode late = json(marketo.findAll(sync(email)).get(2).getBodyAsString()).path("input").path(0);
        assertThat(late.has("leadStatus")).isFalse();
        assertThat(late.path("email").asText()).isEqualTo(email);
    }

    @Test
    void aSkippedRecordInsideA200IsAFailureWithMarketosReasons() {
        String email = "skipped@contoso.example";
        marketo.stubFor(post(LEADS).withRequestBody(matchingJsonPath("$.input[0].email", equalTo(email))).willReturn(okJson("""
                {"requestId":"7a39#1511bf8a41c","result":[{"status":"skipped","reasons":[{"code":"1006","message":"Field 'leadStatus' not found"}]}],"success":true}""")));
        String id = acceptedId(connector.postLead(TestLeads.lead(email, "INS")));

        JsonNode envelope = awaitDeadLetter(id);
        assertThat(envelope.path("error").asText())
                .isEqualTo("dev.leadconnector.targets.crm.CrmException: marketo skipped the lead: 1006: Field 'leadStatus' not found");
        assertThat(envelope.path("lead").path("id").asText()).isEqualTo(id);
    }

    @Test
    void anExpiredTokenIsRefreshedAndTheCallMadeAgain() {
        String email = "expired@contoso.example";
        awaitToken();
        marketo.stubFor(lookupStub().withFormParam("filterValues", equalTo(email))
                .withHeader("Authorization", equalTo("Bearer token-1")).willReturn(okJson("""
                        {"requestId":"d01f#15d672f8560","success":false,"errors":[{"code":"602","message":"Access token expired"}]}""")));
        connector.postLead(TestLeads.lead(email, "INS"));

        assertThat(awaitOne(sync(email)).getHeader("Authorization")).isEqualTo("Bearer token-2");
        assertThat(marketo.findAll(lookup(email))).extracting(r -> r.getHeader("Authorization"))
                .containsExactly("Bearer token-1", "Bearer token-2");
        assertThat(marketo.findAll(getRequestedFor(urlPathEqualTo(TOKEN)))).hasSize(2);
    }

    @Test
    void aLeadWithoutEmailIsCreatedNeverMerged() {
        connector.postLead(Fixtures.lead("no-email.json"));
        LoggedRequest create = awaitOne(postRequestedFor(urlEqualTo(LEADS))
                .withRequestBody(matchingJsonPath("$.input[0].firstName", equalTo("Nobody"))));
        assertThat(marketo.findAll(postRequestedFor(urlPathEqualTo(LEADS)).withQueryParam("_method", equalTo("GET"))
                .withRequestBody(containing("Nobody")))).as("nothing to look up without an e-mail").isEmpty();
        assertThat(json(create.getBodyAsString()).path("action").asText()).isEqualTo("createOnly");
    }

    @Test
    void validateSendsAMarkedTestLeadAndReportsMarketosAnswer() {
        HttpResponse<String> answer = validate();
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(json(answer.body()).path("ok").asBoolean()).isTrue();
        assertThat(json(answer.body()).path("message").asText()).startsWith("marketo took the test lead ").endsWith("(created), marked as a test lead.");
        JsonNode sent = json(awaitOne(sync("lead-connector-test@example.com")).getBodyAsString()).path("input").path(0);
        assertThat(sent.path("leadSource").asText()).isEqualTo("[TEST] lead-connector-validation");

        // the same button, now that Marketo refuses the request, says so in Marketo's words
        marketo.stubFor(post(LEADS).withRequestBody(matchingJsonPath("$.input[0].email", equalTo("lead-connector-test@example.com")))
                .willReturn(okJson("{\"requestId\":\"x\",\"success\":false,\"errors\":[{\"code\":\"1003\",\"message\":\"Invalid value for field 'country'\"}]}")));
        HttpResponse<String> refused = validate();
        assertThat(refused.statusCode()).isEqualTo(502);
        assertThat(json(refused.body()).path("ok").asBoolean()).isFalse();
        assertThat(json(refused.body()).path("message").asText()).contains("marketo refused the request: 1003: Invalid value for field 'country'");
    }

    private static HttpResponse<String> validate() {
        return ManagementClient.operator(connector).post("/actuator/targets/marketo/validate");
    }

    private static JsonNode awaitDeadLetter(String id) {
        Path parked = connector.deadLetters().resolve(id + "-marketo.json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(parked));
        return readJson(parked);
    }

    private static void knownAs(String email, String status) {
        marketo.stubFor(lookupStub().withFormParam("filterValues", equalTo(email)).willReturn(okJson(
                "{\"requestId\":\"1\",\"result\":[{\"id\":50,\"email\":\"" + email + "\",\"leadStatus\":\"" + status
                        + "\"}],\"success\":true}")));
    }

    private static void awaitToken() {
        if (marketo.findAll(getRequestedFor(urlPathEqualTo(TOKEN))).isEmpty()) {
            connector.postLead(TestLeads.lead("warm-up@contoso.example", "INS"));
            awaitOne(sync("warm-up@contoso.example"));
        }
    }

    private static String status(LoggedRequest sync) {
        return json(sync.getBodyAsString()).path("input").path(0).path("leadStatus").asText();
    }

    private static RequestPatternBuilder sync(String email) {
        return postRequestedFor(urlEqualTo(LEADS)).withRequestBody(matchingJsonPath("$.input[0].email", equalTo(email)));
    }

    static RequestPatternBuilder lookup(String email) {
        return postRequestedFor(urlPathEqualTo(LEADS)).withQueryParam("_method", equalTo("GET"))
                .withFormParam("filterValues", equalTo(email));
    }

    /** Marketo's lookup: POST /rest/v1/leads.json?_method=GET with the query as a form body. */
    static com.github.tomakehurst.wiremock.client.MappingBuilder lookupStub() {
        return post(urlPathEqualTo(LEADS)).withQueryParam("_method", equalTo("GET"));
    }

    private static LoggedRequest awaitOne(RequestPatternBuilder pattern) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !marketo.findAll(pattern).isEmpty());
        List<LoggedRequest> found = marketo.findAll(pattern);
        return found.get(0);
    }

    /** Marketo's answer to a sync: one result per input record, in input order, each created. */
    private static ResponseDefinitionBuilder createdEach() {
        return okJson("{\"requestId\":\"e42b#14272d07d79\",\"success\":true,\"result\":["
                + "{{#each (jsonPath request.body '$.input') as |record|}}{{#unless @first}},{{/unless}}"
                + "{\"id\":{{math @index '+' 50}},\"status\":\"created\"}{{/each}}]}").withTransformers("response-template");
    }

    private static String token(String value) {
        return "{\"access_token\":\"" + value + "\",\"token_type\":\"bearer\",\"expires_in\":3599,\"scope\":\"api@example.com\"}";
    }
}
