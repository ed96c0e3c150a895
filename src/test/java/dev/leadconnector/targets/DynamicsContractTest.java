package dev.leadconnector.targets;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.leadconnector.support.DataverseBatch;
import dev.leadconnector.support.HeldCalls;
import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.targets.dynamics.HttpParts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The batched-CRM contract for target "dynamics", against a WireMock Dataverse answering as the Web API
 * documents: the lookup {@code GET leads?$filter=Microsoft.Dynamics.CRM.In(...)} (pages with
 * {@code @odata.nextLink}), {@code POST $batch} answered part by part (DataverseBatch), a refused part with
 * {@code {"error":{"code","message"}}}, 429 with Retry-After for its service protection limits.
 */
class DynamicsContractTest extends BatchedCrmContract {

    DynamicsContractTest() {
        super(crm);
    }

    static final String LEADS = "/org/api/data/v9.2/leads";
    static final String BATCH = "/org/api/data/v9.2/$batch";
    static final Pattern EMAIL = Pattern.compile("'([^',\\[\\]()]+@[^',\\[\\]()]+)'");

    static final DataverseBatch batches = new DataverseBatch();
    static final HeldCalls held = new HeldCalls();
    static final WireMockServer dataverse = ContractConnector.wireMock(batches, held);
    @RegisterExtension
    static final ContractConnector crm = ContractConnector.against(dataverse, "dynamics", DynamicsContractTest::settings);

    /** Dataverse's usual answers (a token, nobody found, each batch part created), and the target's settings. */
    static List<String> settings() {
        dataverse.stubFor(post("/aad/tenant-1/oauth2/v2.0/token").willReturn(okJson(DynamicsTargetTest.token("token-1"))));
        dataverse.stubFor(get(urlPathEqualTo(LEADS)).atPriority(10).willReturn(okJson("{\"value\":[]}")));
        dataverse.stubFor(post(BATCH).atPriority(10).willReturn(aResponse().withTransformers(DataverseBatch.NAME)));
        return List.of(DynamicsTargetTest.settings(dataverse));
    }

    @Override
    protected CrmFake fake() {
        return new CrmFake() {
            @Override
            public List<Call> calls(String marker) {
                return BatchedCrmContract.calls(dataverse, DynamicsContractTest::call, marker);
            }

            @Override
            public HeldCalls.Hold holdLookup(String email) {
                return held.hold(dataverse, get(urlPathEqualTo(LEADS)).withQueryParam("$filter", containing(email)).atPriority(1)
                        .willReturn(okJson("{\"value\":[]}")));
            }

            @Override
            public String refuse(String email) {
                batches.refuse(email, "{\"error\":{\"code\":\"0x80040237\",\"message\":\"Duplicate record: a lead with this email exists.\"}}");
                return "dev.leadconnector.targets.crm.CrmException: dynamics answered 400: 0x80040237: "
                        + "Duplicate record: a lead with this email exists.";
            }

            @Override
            public void failFirstWrite(String marker) {
                once(marker, aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"0x80040216\",\"message\":\"An unexpected error occurred.\"}}"));
            }

            @Override
            public Duration rateLimitFirstWrite(String marker) {
                once(marker, aResponse().withStatus(429).withHeader("Retry-After", "2").withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"0x80072322\",\"message\":\"Number of requests exceeded the limit of 6000 over time window of 300 seconds.\"}}"));
                return Duration.ofSeconds(2);
            }

            @Override
            public void knownOnSecondPage(String email, String recordId) {
                String skip = "%3Ccookie%20pagenumber%3D%222%22%20pagingcookie%3D%22" + Math.abs(email.hashCode()) + "%22%20%2F%3E";
                dataverse.stubFor(get(urlPathEqualTo(LEADS)).withQueryParam("$filter", containing(email)).atPriority(2)
                        .willReturn(okJson("{\"@odata.context\":\"https://org/api/data/v9.2/$metadata#leads\",\"value\":[],"
                                + "\"@odata.nextLink\":\"" + dataverse.baseUrl() + LEADS
                                + "?$select=leadid,emailaddress1,statuscode&$skiptoken=" + skip + "\"}")));
                dataverse.stubFor(get(urlPathEqualTo(LEADS)).withQueryParam("$skiptoken", containing(String.valueOf(Math.abs(email.hashCode()))))
                        .atPriority(1).willReturn(okJson("{\"value\":[{\"leadid\":\"" + recordId + "\",\"emailaddress1\":\""
                                + email + "\",\"statuscode\":2}]}")));
            }

            @Override
            public String updatedRecord(String email) {
                return DataverseBatch.sent(dataverse, com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathEqualTo(BATCH)))
                        .stream().filter(sent -> email.equals(sent.record().path("emailaddress1").asText(null)))
                        .map(sent -> sent.part().startLine()).filter(line -> line.startsWith("PATCH "))
                        .map(line -> line.substring(line.indexOf("leads(") + 6, line.indexOf(')'))).findFirst().orElse(null);
            }
        };
    }

    private static void once(String marker, ResponseDefinitionBuilder answer) {
        BatchedCrmContract.once(dataverse, () -> post(BATCH), marker, answer, aResponse().withTransformers(DataverseBatch.NAME));
    }

    /** A lookup (the e-mails of its In filter) or a $batch (its parts' e-mails); null for a token request. */
    static Call call(ServeEvent event) {
        LoggedRequest request = event.getRequest();
        int status = event.getResponse() == null ? 0 : event.getResponse().getStatus();
        if (request.getUrl().startsWith(LEADS + "?") && request.queryParameter("$filter").isPresent()) {
            List<String> emails = new ArrayList<>();
            Matcher email = EMAIL.matcher(request.queryParameter("$filter").firstValue());
            while (email.find()) {
                emails.add(email.group(1).replace("''", "'"));
            }
            return new Call(false, emails, request.getLoggedDate().getTime(), status);
        }
        if (request.getUrl().equals(BATCH)) {
            List<String> emails = DataverseBatch.parts(request).stream().map(HttpParts.Part::body)
                    .map(body -> RunningConnector.json(body).path("emailaddress1").asText(null))
                    .filter(java.util.Objects::nonNull).toList();
            return new Call(true, emails, request.getLoggedDate().getTime(), status);
        }
        return null;
    }
}
