package dev.leadconnector.targets;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.leadconnector.support.RunningConnector.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.leadconnector.support.HeldCalls;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The batched-CRM contract for target "marketo", against a WireMock Marketo answering as its REST API
 * documents: the lookup {@code POST /rest/v1/leads.json?_method=GET} with a form body (pages with
 * {@code moreResult}/{@code nextPageToken}), the sync {@code POST /rest/v1/leads.json} with one
 * {@code result[]} entry per input, a skipped record with {@code reasons[]}, 606 for its rate limit.
 */
class MarketoContractTest extends BatchedCrmContract {

    MarketoContractTest() {
        super(crm);
    }

    static final String LEADS = "/rest/v1/leads.json";

    static final HeldCalls held = new HeldCalls();
    static final WireMockServer marketo = ContractConnector.wireMock(held);
    @RegisterExtension
    static final ContractConnector crm = ContractConnector.against(marketo, "marketo", MarketoContractTest::settings);

    /** Marketo's usual answers (a token, nobody found, each record created), and the target's settings. */
    static List<String> settings() {
        marketo.stubFor(get(urlPathEqualTo("/identity/oauth/token")).willReturn(okJson(
                "{\"access_token\":\"token-1\",\"token_type\":\"bearer\",\"expires_in\":3599,\"scope\":\"api@example.com\"}")));
        marketo.stubFor(MarketoTargetTest.lookupStub().atPriority(10).willReturn(nobody()));
        marketo.stubFor(post(urlEqualTo(LEADS)).atPriority(10).willReturn(results()));
        return List.of(
                "leads.targets.marketo.enabled=true",
                "leads.targets.marketo.endpoint=" + marketo.baseUrl(),
                "leads.targets.marketo.identity=" + marketo.baseUrl() + "/identity",
                "leads.targets.marketo.client-id=mkto-1",
                "leads.targets.marketo.client-secret=s3cret");
    }

    @Override
    protected CrmFake fake() {
        return new CrmFake() {
            @Override
            public List<Call> calls(String marker) {
                return BatchedCrmContract.calls(marketo, MarketoContractTest::call, marker);
            }

            @Override
            public HeldCalls.Hold holdLookup(String email) {
                return held.hold(marketo, MarketoTargetTest.lookupStub().withFormParam("filterValues", containing(email))
                        .atPriority(1).willReturn(nobody()));
            }

            @Override
            public String refuse(String email) {
                marketo.stubFor(post(urlEqualTo(LEADS)).withRequestBody(containing(email)).atPriority(1).willReturn(okJson(
                        "{\"requestId\":\"7a39#1511bf8a41c\",\"success\":true,\"result\":["
                                + "{{#each (jsonPath request.body '$.input') as |record|}}{{#unless @first}},{{/unless}}"
                                + "{{#if (eq record.email '" + email + "')}}{\"status\":\"skipped\",\"reasons\":[{\"code\":\"1003\","
                                + "\"message\":\"Invalid value for field 'phone'\"}]}"
                                + "{{else}}{\"id\":{{math @index '+' 70}},\"status\":\"created\"}{{/if}}{{/each}}]}")
                        .withTransformers("response-template")));
                return "dev.leadconnector.targets.crm.CrmException: marketo skipped the lead: 1003: Invalid value for field 'phone'";
            }

            @Override
            public void failFirstWrite(String marker) {
                once(marker, aResponse().withStatus(503).withBody("Service Unavailable"));
            }

            @Override
            public Duration rateLimitFirstWrite(String marker) {
                once(marker, okJson("{\"requestId\":\"d01f#15d672f8560\",\"success\":false,\"errors\":[{\"code\":\"606\","
                        + "\"message\":\"Max rate limit '100' exceeded with in '20' secs\"}]}"));
                return Duration.ofSeconds(20);
            }

            @Override
            public void knownOnSecondPage(String email, String recordId) {
                marketo.stubFor(MarketoTargetTest.lookupStub().withFormParam("filterValues", containing(email)).atPriority(2)
                        .willReturn(okJson("{\"requestId\":\"1\",\"success\":true,\"result\":[],\"moreResult\":true,"
                                + "\"nextPageToken\":\"GIYDAOBNGEYS2MBWKQYDAORQGA5DAMBOGAYDAKZQGAYDALBQ\"}")));
                marketo.stubFor(MarketoTargetTest.lookupStub().withFormParam("filterValues", containing(email))
                        .withFormParam("nextPageToken", equalTo("GIYDAOBNGEYS2MBWKQYDAORQGA5DAMBOGAYDAKZQGAYDALBQ")).atPriority(1)
                        .willReturn(okJson("{\"requestId\":\"2\",\"success\":true,\"result\":[{\"id\":\"" + recordId
                                + "\",\"email\":\"" + email + "\",\"leadStatus\":\"Customer\"}]}")));
            }

            /** Marketo's sync is an upsert by e-mail: the person found on page 2, at "Customer", keeps that status. */
            @Override
            public String updatedRecord(String email) {
                JsonNode sent = calls(email).stream().filter(Call::write).findFirst()
                        .map(c -> inputOf(email)).orElse(null);
                return sent == null || sent.has("leadStatus") ? null : "rec-" + email.hashCode();
            }
        };
    }

    private static void once(String marker, ResponseDefinitionBuilder answer) {
        BatchedCrmContract.once(marketo, () -> post(urlEqualTo(LEADS)), marker, answer, results());
    }

    private static JsonNode inputOf(String email) {
        return marketo.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .filter(r -> r.getUrl().equals(LEADS)).map(r -> json(r.getBodyAsString()).path("input"))
                .flatMap(input -> Stream.of(input).flatMap(i -> java.util.stream.StreamSupport.stream(i.spliterator(), false)))
                .filter(record -> email.equals(record.path("email").asText())).findFirst().orElse(null);
    }

    /** A lookup (the e-mails of its form body) or a sync (its input's e-mails); null for a token request. */
    static Call call(ServeEvent event) {
        LoggedRequest request = event.getRequest();
        int status = event.getResponse() == null ? 0 : event.getResponse().getStatus();
        if (request.getUrl().startsWith(LEADS + "?_method=GET")) {
            String values = request.formParameters().get("filterValues").firstValue();
            return new Call(false, Arrays.asList(values.split(",")), request.getLoggedDate().getTime(), status);
        }
        if (request.getUrl().equals(LEADS)) {
            List<String> emails = json(request.getBodyAsString()).path("input").findValuesAsText("email");
            return new Call(true, emails, request.getLoggedDate().getTime(), status);
        }
        return null;
    }

    static ResponseDefinitionBuilder nobody() {
        return okJson("{\"requestId\":\"e42b#14272d07d78\",\"result\":[],\"success\":true}");
    }

    /** Marketo's answer to a sync: one result per input record, in input order, each created. */
    static ResponseDefinitionBuilder results() {
        return okJson("{\"requestId\":\"e42b#14272d07d79\",\"success\":true,\"result\":["
                + "{{#each (jsonPath request.body '$.input') as |record|}}{{#unless @first}},{{/unless}}"
                + "{\"id\":{{math @index '+' 50}},\"status\":\"created\"}{{/each}}]}").withTransformers("response-template");
    }
}
