package dev.leadconnector.targets;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.readJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.leadconnector.support.Bursts;
import dev.leadconnector.support.DataverseBatch;
import dev.leadconnector.support.DataverseBatch.Sent;
import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.support.TestLeads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Target "dynamics" under a burst: leads go in batches of up to leads.targets.dynamics.batch.size, one
 * lookup (Microsoft.Dynamics.CRM.In on emailaddress1) and one POST $batch per batch, and Dataverse's
 * response parts are read back lead by lead. The batch's max-wait is 3 s here, so a burst fills its
 * batches before they go.
 */
class DynamicsBatchTest {

    static final String LEADS = "/org/api/data/v9.2/leads";
    static final String BATCH = "/org/api/data/v9.2/$batch";
    static final String TOKEN = "/aad/tenant-1/oauth2/v2.0/token";
    static final long MAX_WAIT_MS = 3000;

    @TempDir
    static Path dataDir;
    static WireMockServer dataverse;
    static final DataverseBatch batches = new DataverseBatch();
    static RunningConnector connector;

    @BeforeAll
    static void start() {
        dataverse = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(batches));
        dataverse.start();
        dataverse.stubFor(post(TOKEN).willReturn(okJson(DynamicsTargetTest.token("token-1"))));
        dataverse.stubFor(get(urlPathEqualTo(LEADS)).atPriority(10).willReturn(okJson("{\"value\":[]}")));
        dataverse.stubFor(post(BATCH).atPriority(10).willReturn(aResponse().withTransformers(DataverseBatch.NAME)));
        connector = RunningConnector.start(dataDir, DynamicsTargetTest.settings(dataverse,
                "leads.targets.dynamics.batch.size=100",
                "leads.targets.dynamics.batch.max-wait=" + MAX_WAIT_MS + "ms"));
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
        dataverse.stop();
    }

    @Test
    void aBurstOf250LeadsTakesOneTokenThreeLookupsAndThreeBatches() {
        List<String> ids = Bursts.deliveredBurst(connector, "dynamics", "burst", 250, Duration.ofSeconds(90));

        List<LoggedRequest> lookups = dataverse.findAll(getRequestedFor(urlPathEqualTo(LEADS))
                .withQueryParam("$filter", containing("burst-")));
        RequestPatternBuilder burstBatches = postRequestedFor(urlPathEqualTo(BATCH)).withRequestBody(containing("burst-"));
        List<LoggedRequest> calls = dataverse.findAll(burstBatches);
        assertThat(lookups).hasSize(3);
        assertThat(calls).hasSize(3);
        assertThat(dataverse.findAll(postRequestedFor(urlPathEqualTo(TOKEN)))).hasSize(1);
        assertThat(lookups).extracting(r -> r.queryParameter("$filter").firstValue().split(",").length)
                .as("one email per lead, the first after PropertyName's comma").containsExactlyInAnyOrder(101, 101, 51);
        assertThat(lookups.get(0).queryParameter("$filter").firstValue())
                .startsWith("Microsoft.Dynamics.CRM.In(PropertyName='emailaddress1',PropertyValues=['burst-").endsWith("'])");
        assertThat(calls).extracting(r -> DataverseBatch.parts(r).size()).containsExactlyInAnyOrder(100, 100, 50);

        // every lead's own record went out exactly once, each as an independent POST part
        List<Sent> parts = DataverseBatch.sent(dataverse, burstBatches);
        assertThat(parts).extracting(sent -> sent.record().path("emailaddress1").asText()).hasSize(250).doesNotHaveDuplicates();
        assertThat(parts).allSatisfy(sent -> {
            assertThat(sent.part().startLine()).isEqualTo("POST " + dataverse.baseUrl() + LEADS + " HTTP/1.1");
            assertThat(sent.part().header("Content-Type")).isEqualTo("application/json; type=entry");
            assertThat(sent.record().path("statuscode").asInt()).isEqualTo(2);
        });
        assertThat(calls).allSatisfy(call -> assertThat(call.getHeader("Prefer")).isEqualTo("odata.continue-on-error"));
        assertThat(ids).noneMatch(id -> Files.exists(connector.deadLetters().resolve(id + "-dynamics.json")));
    }

    @Test
    void aPartDataverseRefusesFailsOnlyItsOwnLead() {
        String refused = "refused@contoso.example";
        batches.refuse(refused, "{\"error\":{\"code\":\"0x80040237\",\"message\":\"Duplicate record: a lead with this email exists.\"}}");
        List<String> emails = List.of("mix-1@contoso.example", refused, "mix-2@contoso.example", "mix-3@contoso.example");
        List<String> ids = Bursts.burst(connector, emails.stream().map(e -> TestLeads.lead(e, "INS")).toList());
        String refusedId = ids.get(1);

        Path parked = connector.deadLetters().resolve(refusedId + "-dynamics.json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(parked));
        JsonNode envelope = readJson(parked);
        assertThat(envelope.path("error").asText()).isEqualTo("dev.leadconnector.targets.crm.CrmException: "
                + "dynamics answered 400: 0x80040237: Duplicate record: a lead with this email exists.");
        assertThat(envelope.path("reason").asText()).startsWith("refused by dynamics");
        assertThat(envelope.path("attempts").asInt()).as("a refusal is permanent").isEqualTo(1);
        List<String> others = List.of(ids.get(0), ids.get(2), ids.get(3));
        Bursts.awaitDelivered(connector, "dynamics", others, Duration.ofSeconds(20));
        assertThat(others).noneMatch(id -> Files.exists(connector.deadLetters().resolve(id + "-dynamics.json")));

        // the four went in one $batch, the refused lead's part among them, and it was not sent again
        List<LoggedRequest> calls = dataverse.findAll(postRequestedFor(urlPathEqualTo(BATCH)).withRequestBody(containing("mix-")));
        assertThat(calls).hasSize(1);
        assertThat(DataverseBatch.parts(calls.get(0))).extracting(part -> RunningConnector.json(part.body())
                .path("emailaddress1").asText()).containsExactlyInAnyOrderElementsOf(emails);
        assertThat(dataverse.findAll(postRequestedFor(urlPathEqualTo(BATCH)).withRequestBody(containing(refused)))).hasSize(1);
    }

    @Test
    void aLoneLeadGoesAloneOnceMaxWaitHasPassed() {
        String email = "lone@contoso.example";
        long posted = System.currentTimeMillis();
        acceptedId(connector.postLead(TestLeads.lead(email, "INS")));
        LoggedRequest lookup = awaitOne(getRequestedFor(urlPathEqualTo(LEADS)).withQueryParam("$filter", containing(email)));
        LoggedRequest call = awaitOne(postRequestedFor(urlPathEqualTo(BATCH)).withRequestBody(containing(email)));

        long waited = lookup.getLoggedDate().getTime() - posted;
        assertThat(waited).isBetween(MAX_WAIT_MS - 200, MAX_WAIT_MS + 2000);
        assertThat(lookup.queryParameter("$filter").firstValue())
                .isEqualTo("Microsoft.Dynamics.CRM.In(PropertyName='emailaddress1',PropertyValues=['" + email + "'])");
        assertThat(DataverseBatch.parts(call)).hasSize(1);
    }

    @Test
    void aThrottledBatchIsRetriedForEveryLeadOfItAfterRetryAfter() {
        dataverse.stubFor(post(BATCH).withRequestBody(containing("throttled-")).atPriority(1)
                .inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"0x80072322\",\"message\":\"Number of requests exceeded the limit of 6000 over time window of 300 seconds.\"}}"))
                .willSetStateTo("calm"));
        dataverse.stubFor(post(BATCH).withRequestBody(containing("throttled-")).atPriority(1)
                .inScenario("429").whenScenarioStateIs("calm").willReturn(aResponse().withTransformers(DataverseBatch.NAME)));
        List<String> ids = Bursts.deliveredBurst(connector, "dynamics", "throttled", 3, Duration.ofSeconds(30));

        List<LoggedRequest> calls = dataverse.findAll(postRequestedFor(urlPathEqualTo(BATCH)).withRequestBody(containing("throttled-")));
        assertThat(calls).extracting(r -> DataverseBatch.parts(r).size()).containsExactly(3, 3);
        assertThat(calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime())
                .as("Retry-After: 2").isGreaterThanOrEqualTo(2000);
        assertThat(ids).noneMatch(id -> Files.exists(connector.deadLetters().resolve(id + "-dynamics.json")));
    }

    private static LoggedRequest awaitOne(RequestPatternBuilder pattern) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !dataverse.findAll(pattern).isEmpty());
        return dataverse.findAll(pattern).get(0);
    }
}
