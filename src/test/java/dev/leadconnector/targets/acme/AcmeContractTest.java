package dev.leadconnector.targets.acme;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.leadconnector.support.RunningConnector.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.leadconnector.support.HeldCalls;
import dev.leadconnector.targets.BatchedCrmContract;
import dev.leadconnector.targets.ContractConnector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The batched-CRM contract for the test-only target "acme" (AcmeCrm), against a WireMock Acme. */
class AcmeContractTest extends BatchedCrmContract {

    AcmeContractTest() {
        super(crm);
    }

    static final String SEARCH = "/v1/contacts/search";
    static final String BATCH = "/v1/contacts/batch";

    static final HeldCalls held = new HeldCalls();
    static final WireMockServer acme = ContractConnector.wireMock(held);
    @RegisterExtension
    static final ContractConnector crm = ContractConnector.against(acme, "acme", AcmeContractTest::settings);

    /** Acme's usual answers (nobody found, each contact created), and the test-only target's settings and route. */
    static List<String> settings() {
        acme.stubFor(post(SEARCH).atPriority(10).willReturn(okJson("{\"contacts\":[],\"next\":null}")));
        acme.stubFor(post(BATCH).atPriority(10).willReturn(results()));
        return List.of(
                "leads.targets.acme.enabled=true",
                "leads.targets.acme.url=" + acme.baseUrl(),
                "leads.targets.acme.api-key=acme-key",
                "leads.targets.acme.stages.initial-interest=interested",
                "leads.routes.mappings=src/test/resources/test-routes/mappings",
                "camel.main.routes-include-pattern=file:routes/*.camel.yaml,file:src/test/resources/test-routes/deliver-acme.camel.yaml");
    }

    @Override
    protected CrmFake fake() {
        return new CrmFake() {
            @Override
            public List<Call> calls(String marker) {
                return BatchedCrmContract.calls(acme, AcmeContractTest::call, marker);
            }

            @Override
            public HeldCalls.Hold holdLookup(String email) {
                return held.hold(acme, post(SEARCH).withRequestBody(containing(email)).atPriority(1)
                        .willReturn(okJson("{\"contacts\":[]}")));
            }

            @Override
            public String refuse(String email) {
                acme.stubFor(post(BATCH).withRequestBody(containing(email)).atPriority(1).willReturn(okJson(
                        "{\"results\":[{{#each (jsonPath request.body '$.contacts') as |c|}}{{#unless @first}},{{/unless}}"
                                + "{{#if (eq c.email '" + email + "')}}{\"error\":{\"code\":\"invalid_company\",\"message\":\"company is required\"}}"
                                + "{{else}}{\"id\":\"c{{@index}}\",\"status\":\"created\"}{{/if}}{{/each}}]}")
                        .withTransformers("response-template")));
                return "dev.leadconnector.targets.crm.CrmException: acme refused the contact: invalid_company: company is required";
            }

            @Override
            public void failFirstWrite(String marker) {
                once(marker, aResponse().withStatus(502).withBody("Bad Gateway"));
            }

            @Override
            public Duration rateLimitFirstWrite(String marker) {
                once(marker, aResponse().withStatus(429).withHeader("Retry-After", "1").withBody("{\"error\":\"slow down\"}"));
                return Duration.ofSeconds(1);
            }

            @Override
            public void knownOnSecondPage(String email, String recordId) {
                acme.stubFor(post(SEARCH).withRequestBody(containing(email)).atPriority(2)
                        .willReturn(okJson("{\"contacts\":[],\"next\":\"/v1/contacts/search/next?cursor=" + recordId + "\"}")));
                acme.stubFor(get(urlPathEqualTo(SEARCH + "/next")).withQueryParam("cursor", equalTo(recordId)).atPriority(1)
                        .willReturn(okJson("{\"contacts\":[{\"id\":\"" + recordId + "\",\"email\":\"" + email
                                + "\",\"stage\":\"interested\"}],\"next\":null}")));
            }

            @Override
            public String updatedRecord(String email) {
                return acme.getAllServeEvents().stream().map(ServeEvent::getRequest).filter(r -> r.getUrl().equals(BATCH))
                        .flatMap(r -> StreamSupport.stream(json(r.getBodyAsString()).path("contacts").spliterator(), false))
                        .filter(c -> email.equals(c.path("email").asText())).map(c -> c.path("id").asText(null))
                        .findFirst().orElse(null);
            }
        };
    }

    private static void once(String marker, ResponseDefinitionBuilder answer) {
        BatchedCrmContract.once(acme, () -> post(BATCH), marker, answer, results());
    }

    static Call call(ServeEvent event) {
        LoggedRequest request = event.getRequest();
        int status = event.getResponse() == null ? 0 : event.getResponse().getStatus();
        JsonNode body = request.getBodyAsString().isBlank() ? null : json(request.getBodyAsString());
        if (request.getUrl().equals(SEARCH)) {
            List<String> emails = new ArrayList<>();
            body.path("emails").forEach(e -> emails.add(e.asText()));
            return new Call(false, emails, request.getLoggedDate().getTime(), status);
        }
        if (request.getUrl().equals(BATCH)) {
            return new Call(true, body.path("contacts").findValuesAsText("email"), request.getLoggedDate().getTime(), status);
        }
        return null;
    }

    static ResponseDefinitionBuilder results() {
        return okJson("{\"results\":[{{#each (jsonPath request.body '$.contacts') as |c|}}{{#unless @first}},{{/unless}}"
                + "{\"id\":\"c{{@index}}\",\"status\":\"created\"}{{/each}}]}").withTransformers("response-template");
    }
}
