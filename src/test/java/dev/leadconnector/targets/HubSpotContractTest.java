package dev.leadconnector.targets;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.leadconnector.support.Bursts;
import dev.leadconnector.support.FakeHubSpot;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.HeldCalls;
import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.support.TestLeads;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The batched-CRM contract for target "hubspot", and what is HubSpot's own, against a WireMock HubSpot
 * answering as the CRM v3 API documents (FakeHubSpot): {@code batch/read} by email (a 207 with
 * {@code OBJECT_NOT_FOUND} for contacts it does not have; it answers every input at once, so a customer
 * is never on a "second page"), {@code batch/upsert} and {@code batch/create} with per-input errors in a
 * 207, 429 with its {@code X-HubSpot-RateLimit-*} headers, 401 and 403 {@code MISSING_SCOPES}.
 */
class HubSpotContractTest extends BatchedCrmContract {

    HubSpotContractTest() {
        super(crm);
    }

    static final String BATCH = "/crm/v3/objects/contacts/batch/";
    static final String READ = BATCH + "read";
    static final String UPSERT = BATCH + "upsert";
    static final String CREATE = BATCH + "create";
    static final String TOKEN = "pat-na1-0a1b2c3d-4e5f-6789-abcd-ef0123456789";

    static final FakeHubSpot contacts = new FakeHubSpot();
    static final HeldCalls held = new HeldCalls();
    static final WireMockServer hubspot = ContractConnector.wireMock(contacts, held);
    @RegisterExtension
    static final ContractConnector crm = ContractConnector.against(hubspot, "hubspot", HubSpotContractTest::settings);

    /** HubSpot's answers (FakeHubSpot's contacts), and the target's settings. */
    static List<String> settings() {
        for (String path : List.of(READ, UPSERT, CREATE)) {
            hubspot.stubFor(post(urlEqualTo(path)).atPriority(10).willReturn(hubspotAnswer()));
        }
        return List.of(
                "leads.targets.hubspot.enabled=true",
                "leads.targets.hubspot.url=" + hubspot.baseUrl(),
                "leads.targets.hubspot.token=" + TOKEN,
                "leads.targets.hubspot.portal-id=4711");
    }

    @Test
    void aNewCustomerIsLookedUpThenUpsertedOnEmailWithABearerToken() {
        String id = acceptedId(crm.connector().postLead(Fixtures.lead("azure-marketplace-ins.json")));
        LoggedRequest upsert = awaitOne(UPSERT, "avery.quinn@fabrikam.example");

        assertThat(json(upsert.getBodyAsString())).isEqualTo(json("""
                {"inputs": [{"idProperty": "email", "id": "avery.quinn@fabrikam.example",
                             "properties": {"email": "avery.quinn@fabrikam.example", "firstname": "Avery", "lastname": "Quinn",
                                            "phone": "14255550142", "company": "Fabrikam", "jobtitle": "Head of Platform",
                                            "country": "US", "hs_lead_status": "OPEN"},
                             "objectWriteTraceId": "%s"}]}""".formatted(id)));
        assertThat(upsert.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(upsert.getHeader("Content-Type")).startsWith("application/json");
        assertThat(upsert.containsHeader("leadId")).isFalse();

        LoggedRequest read = awaitOne(READ, "avery.quinn@fabrikam.example");
        assertThat(json(read.getBodyAsString())).isEqualTo(json("""
                {"idProperty": "email", "properties": ["email", "hs_lead_status"],
                 "inputs": [{"id": "avery.quinn@fabrikam.example"}]}"""));
        assertThat(read.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);

        // the lead's journey names the contact and links to it in the portal
        JsonNode target = awaitJourneyTarget(id);
        String contactId = target.path("recordId").asText();
        assertThat(contactId).matches("9\\d{4}");
        assertThat(target.path("link").asText()).isEqualTo("https://app.hubspot.com/contacts/4711/record/0-1/" + contactId);
    }

    @Test
    void theLeadStatusOnlyMovesForwardAndAStatusTheConnectorDidNotSetStays() {
        String email = unique("funnel");
        contacts.known(email, "70001", "OPEN");
        crm.connector().postLead(TestLeads.lead(email, "Create"));
        assertThat(properties(awaitOne(UPSERT, email)).path("hs_lead_status").asText()).isEqualTo("IN_PROGRESS");

        // a late test drive leaves IN_PROGRESS alone; so does any lead a salesperson's CONNECTED
        crm.connector().postLead(TestLeads.lead(email, "StartTestDrive"));
        await().atMost(Duration.ofSeconds(20)).until(() -> upserts(email).size() == 2);
        assertThat(properties(upserts(email).get(1)).has("hs_lead_status")).isFalse();
        String salesperson = unique("connected");
        contacts.known(salesperson, "70002", "CONNECTED");
        crm.connector().postLead(TestLeads.lead(salesperson, "Create"));
        assertThat(properties(awaitOne(UPSERT, salesperson)).has("hs_lead_status")).isFalse();
        assertThat(contacts.updated(salesperson)).isEqualTo("70002");
    }

    @Test
    void aCustomersTwoLeadsInOneBatchGoInTwoUpsertsNeverTwiceInOne() {
        String email = unique("twice");
        List<String> ids = Bursts.burst(crm.connector(), List.of(TestLeads.lead(email, "INS"), TestLeads.lead(email, "Create")));
        Bursts.awaitDelivered(crm.connector(), "hubspot", ids, Duration.ofSeconds(30));
        assertThat(upserts(email)).hasSize(2)
                .allSatisfy(upsert -> assertThat(json(upsert.getBodyAsString()).path("inputs").findValuesAsText("id")).containsOnlyOnce(email));
    }

    @Test
    void aLeadWithoutEmailIsCreatedNeverLookedUp() {
        String id = acceptedId(crm.connector().postLead(Fixtures.lead("no-email.json")));
        LoggedRequest create = awaitOne(CREATE, id);
        assertThat(json(create.getBodyAsString())).isEqualTo(json("""
                {"inputs": [{"properties": {"firstname": "Nobody", "country": "US", "hs_lead_status": "OPEN"},
                             "objectWriteTraceId": "%s"}]}""".formatted(id)));
        assertThat(hubspot.findAll(postRequestedFor(urlEqualTo(READ)).withRequestBody(containing("Nobody")))).isEmpty();
        Bursts.awaitDelivered(crm.connector(), "hubspot", List.of(id), Duration.ofSeconds(20));
    }

    @Test
    void aRefusedTokenIsPermanentAndTheMessageNamesTheScopes() {
        String email = unique("revoked");
        stubOnce(UPSERT, email, aResponse().withStatus(401).withHeader("Content-Type", "application/json;charset=utf-8").withBody(
                "{\"status\":\"error\",\"message\":\"Authentication credentials not found. This API supports OAuth 2.0 authentication "
                        + "and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview\","
                        + "\"correlationId\":\"5a1c3b8e-6f0d-4d8c-9a3e-0d2b7c1e4f55\",\"category\":\"INVALID_AUTHENTICATION\"}"));
        String id = acceptedId(crm.connector().postLead(TestLeads.lead(email, "INS")));

        JsonNode envelope = awaitDeadLetter(id);
        assertThat(envelope.path("error").asText()).isEqualTo("dev.leadconnector.targets.crm.CrmException: hubspot answered 401: "
                + "INVALID_AUTHENTICATION: Authentication credentials not found. This API supports OAuth 2.0 authentication and you "
                + "can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview "
                + "(leads.targets.hubspot.token must be a private app's access token with the scope crm.objects.contacts.write)");
        assertThat(upserts(email)).as("permanent: not tried again").hasSize(1);
        assertThat(envelope.toString()).doesNotContain(TOKEN);
    }

    @Test
    void aTokenWithoutTheReadScopeIsPermanentAndTheMessageNamesIt() {
        String email = unique("scopeless");
        stubOnce(READ, email, aResponse().withStatus(403).withHeader("Content-Type", "application/json;charset=utf-8").withBody(
                "{\"status\":\"error\",\"message\":\"This app hasn't been granted all required scopes to make this call. Read more "
                        + "about required scopes here: https://developers.hubspot.com/scopes.\",\"correlationId\":"
                        + "\"0b7e9c4a-2d1f-4e3b-8a6c-5f9d0e1a2b3c\",\"errors\":[{\"message\":\"One or more of the following scopes "
                        + "are required.\",\"context\":{\"requiredGranularScopes\":[\"crm.objects.contacts.read\"]}}],"
                        + "\"links\":{\"scopes\":\"https://developers.hubspot.com/scopes\"},\"category\":\"MISSING_SCOPES\"}"));
        String id = acceptedId(crm.connector().postLead(TestLeads.lead(email, "INS")));

        JsonNode envelope = awaitDeadLetter(id);
        assertThat(envelope.path("error").asText()).startsWith("dev.leadconnector.targets.crm.CrmException: hubspot answered 403: "
                + "MISSING_SCOPES: This app hasn't been granted all required scopes").endsWith(
                "(leads.targets.hubspot.token must be a private app's access token with the scope crm.objects.contacts.read)");
        assertThat(hubspot.findAll(postRequestedFor(urlEqualTo(READ)).withRequestBody(containing(email)))).hasSize(1);
        assertThat(upserts(email)).isEmpty();
    }

    @Test
    void validateSendsAMarkedTestLeadAndReportsTheContact() {
        HttpResponse<String> answer = ManagementClient.operator(crm.connector()).post("/actuator/targets/hubspot/validate");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(json(answer.body()).path("ok").asBoolean()).isTrue();
        assertThat(json(answer.body()).path("message").asText()).startsWith("hubspot took the test lead ")
                .containsPattern("\\((created|updated) contact 9\\d{4}\\), marked as a test lead\\.$");
        JsonNode sent = properties(awaitOne(UPSERT, "lead-connector-test@example.com"));
        assertThat(sent.path("lastname").asText()).isEqualTo("[TEST] Lead");
    }

    @Override
    protected CrmFake fake() {
        return new CrmFake() {
            @Override
            public List<Call> calls(String marker) {
                return BatchedCrmContract.calls(hubspot, HubSpotContractTest::call, marker);
            }

            @Override
            public HeldCalls.Hold holdLookup(String email) {
                return held.hold(hubspot, post(urlEqualTo(READ)).withRequestBody(containing(email)).atPriority(1)
                        .willReturn(hubspotAnswer()));
            }

            @Override
            public String refuse(String email) {
                String message = "Property values were not valid: [{\"isValid\":false,\"message\":\"555-ABC is not a valid phone "
                        + "number\",\"error\":\"INVALID_PHONE_NUMBER\",\"name\":\"phone\"}]";
                contacts.refuse(email, "VALIDATION_ERROR", message);
                return "dev.leadconnector.targets.crm.CrmException: hubspot refused the contact: VALIDATION_ERROR: " + message;
            }

            @Override
            public void failFirstWrite(String marker) {
                stubOnce(UPSERT, marker, aResponse().withStatus(502).withHeader("Content-Type", "text/html")
                        .withBody("<html><body><h1>502 Bad Gateway</h1></body></html>"));
            }

            /** HubSpot's burst limit: 429 with its rate-limit headers, none of the 10 s window's calls left. */
            @Override
            public Duration rateLimitFirstWrite(String marker) {
                stubOnce(UPSERT, marker, aResponse().withStatus(429).withHeader("Content-Type", "application/json;charset=utf-8")
                        .withHeader("X-HubSpot-RateLimit-Interval-Milliseconds", "10000")
                        .withHeader("X-HubSpot-RateLimit-Max", "100")
                        .withHeader("X-HubSpot-RateLimit-Remaining", "0")
                        .withHeader("X-HubSpot-RateLimit-Daily", "250000")
                        .withHeader("X-HubSpot-RateLimit-Daily-Remaining", "249112")
                        .withBody("{\"status\":\"error\",\"message\":\"You have reached your ten_secondly_rolling limit.\","
                                + "\"errorType\":\"RATE_LIMIT\",\"correlationId\":\"c033cdaa-2c40-4a64-ae48-b4cec88dad24\","
                                + "\"policyName\":\"TEN_SECONDLY_ROLLING\"}"));
                return Duration.ofSeconds(10);
            }

            /** HubSpot's batch/read has no pages: the known contact is in its one answer (at IN_PROGRESS). */
            @Override
            public void knownOnSecondPage(String email, String recordId) {
                contacts.known(email, recordId, "IN_PROGRESS");
            }

            /** The upsert updated the known contact, and the lookup's status kept hs_lead_status from moving back. */
            @Override
            public String updatedRecord(String email) {
                List<LoggedRequest> sent = upserts(email);
                return sent.isEmpty() || properties(sent.get(0)).has("hs_lead_status") ? null : contacts.updated(email);
            }
        };
    }

    /** A batch/read or batch/upsert naming e-mails; null for a create (it names none). */
    static Call call(ServeEvent event) {
        LoggedRequest request = event.getRequest();
        int status = event.getResponse() == null ? 0 : event.getResponse().getStatus();
        boolean read = request.getUrl().equals(READ);
        if (!read && !request.getUrl().equals(UPSERT)) {
            return null;
        }
        List<String> emails = new ArrayList<>();
        json(request.getBodyAsString()).path("inputs").forEach(input -> emails.add(input.path("id").asText()));
        return new Call(!read, emails, request.getLoggedDate().getTime(), status);
    }

    private static ResponseDefinitionBuilder hubspotAnswer() {
        return aResponse().withTransformers(FakeHubSpot.NAME);
    }

    private static void stubOnce(String path, String marker, ResponseDefinitionBuilder answer) {
        Supplier<MappingBuilder> request = () -> post(urlEqualTo(path));
        BatchedCrmContract.once(hubspot, request, marker, answer, hubspotAnswer());
    }

    /** The first input's properties. */
    private static JsonNode properties(LoggedRequest write) {
        return json(write.getBodyAsString()).path("inputs").path(0).path("properties");
    }

    private static List<LoggedRequest> upserts(String email) {
        return hubspot.findAll(postRequestedFor(urlEqualTo(UPSERT)).withRequestBody(containing("\"" + email + "\"")));
    }

    private static LoggedRequest awaitOne(String path, String marker) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !hubspot.findAll(postRequestedFor(urlEqualTo(path))
                .withRequestBody(containing(marker))).isEmpty());
        return hubspot.findAll(postRequestedFor(urlEqualTo(path)).withRequestBody(containing(marker))).get(0);
    }

    private static JsonNode awaitDeadLetter(String id) {
        Path parked = crm.connector().deadLetters().resolve(id + "-hubspot.json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(parked));
        return RunningConnector.readJson(parked);
    }

    private static JsonNode awaitJourneyTarget(String id) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            HttpResponse<String> answer = ManagementClient.viewer(crm.connector()).get("/actuator/leads/" + id);
            if (answer.statusCode() != 200) {
                return false;
            }
            for (JsonNode target : json(answer.body()).path("targets")) {
                if (target.path("target").asText().equals("hubspot") && target.path("state").asText().equals("delivered")) {
                    found[0] = target;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }
}
