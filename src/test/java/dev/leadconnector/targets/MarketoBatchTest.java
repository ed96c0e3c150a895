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
import dev.leadconnector.support.Bursts;
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
 * Target "marketo" under a burst: leads go in batches of up to leads.targets.marketo.batch.size, one
 * lookup and one sync per batch, and Marketo's result[] is read back record by record. The batch's
 * max-wait is 3 s here, so a burst fills its batches before they go.
 */
class MarketoBatchTest {

    static final String LEADS = "/rest/v1/leads.json";
    static final String TOKEN = "/identity/oauth/token";
    static final long MAX_WAIT_MS = 3000;

    @TempDir
    static Path dataDir;
    static WireMockServer marketo;
    static RunningConnector connector;

    @BeforeAll
    static void start() {
        marketo = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        marketo.start();
        marketo.stubFor(get(urlPathEqualTo(TOKEN)).willReturn(okJson(
                "{\"access_token\":\"token-1\",\"token_type\":\"bearer\",\"expires_in\":3599,\"scope\":\"api@example.com\"}")));
        marketo.stubFor(get(urlPathEqualTo(LEADS)).atPriority(10)
                .willReturn(okJson("{\"requestId\":\"e42b#14272d07d78\",\"result\":[],\"success\":true}")));
        marketo.stubFor(post(LEADS).atPriority(10).willReturn(results()));
        connector = RunningConnector.start(dataDir,
                "leads.targets.marketo.enabled=true",
                "leads.targets.marketo.endpoint=" + marketo.baseUrl(),
                "leads.targets.marketo.identity=" + marketo.baseUrl() + "/identity",
                "leads.targets.marketo.client-id=mkto-1",
                "leads.targets.marketo.client-secret=s3cret",
                "leads.targets.marketo.batch.max-wait=" + MAX_WAIT_MS + "ms",
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
    void aBurstOf450LeadsTakesTwoLookupsAndTwoSyncs() {
        List<String> ids = Bursts.deliveredBurst(connector, "marketo", "burst", 450, Duration.ofSeconds(90));

        List<LoggedRequest> lookups = marketo.findAll(getRequestedFor(urlPathEqualTo(LEADS))
                .withQueryParam("filterValues", containing("burst-")));
        List<LoggedRequest> syncs = marketo.findAll(postRequestedFor(urlPathEqualTo(LEADS)).withRequestBody(containing("burst-")));
        assertThat(lookups).hasSize(2);
        assertThat(syncs).hasSize(2);
        assertThat(lookups).extracting(r -> r.queryParameter("filterValues").firstValue().split(",").length)
                .containsExactlyInAnyOrder(300, 150);
        assertThat(syncs).extracting(r -> json(r.getBodyAsString()).path("input").size()).containsExactlyInAnyOrder(300, 150);
        assertThat(marketo.findAll(getRequestedFor(urlPathEqualTo(TOKEN))).size()).isLessThanOrEqualTo(1);
        // every lead's own record went out exactly once
        assertThat(syncs.stream().flatMap(r -> json(r.getBodyAsString()).path("input").findValuesAsText("email").stream()))
                .hasSize(450).doesNotHaveDuplicates();
        assertThat(lookups.get(0).queryParameter("fields").firstValue()).isEqualTo("id,email,leadStatus");
        assertThat(ids).noneMatch(id -> Files.exists(connector.deadLetters().resolve(id + "-marketo.json")));
    }

    @Test
    void aRecordMarketoSkipsFailsOnlyItsOwnLead() {
        String refused = "refused@contoso.example";
        marketo.stubFor(post(LEADS).withRequestBody(containing(refused)).atPriority(1).willReturn(okJson(
                "{\"requestId\":\"7a39#1511bf8a41c\",\"success\":true,\"result\":["
                        + "{{#each (jsonPath request.body '$.input') as |record|}}{{#unless @first}},{{/unless}}"
                        + "{{#if (eq record.email '" + refused + "')}}{\"status\":\"skipped\",\"reasons\":[{\"code\":\"1003\","
                        + "\"message\":\"Invalid value for field 'phone'\"}]}"
                        + "{{else}}{\"id\":{{math @index '+' 70}},\"status\":\"created\"}{{/if}}{{/each}}]}")
                .withTransformers("response-template")));
        List<String> emails = List.of("mix-1@contoso.example", refused, "mix-2@contoso.example", "mix-3@contoso.example");
        List<String> ids = Bursts.burst(connector, emails.stream().map(e -> TestLeads.lead(e, "INS")).toList());
        String refusedId = ids.get(1);

        JsonNode envelope = awaitDeadLetter(refusedId);
        assertThat(envelope.path("error").asText())
                .isEqualTo("dev.leadconnector.targets.crm.CrmException: marketo skipped the lead: 1003: Invalid value for field 'phone'");
        assertThat(envelope.path("lead").path("id").asText()).isEqualTo(refusedId);
        List<String> others = List.of(ids.get(0), ids.get(2), ids.get(3));
        Bursts.awaitDelivered(connector, "marketo", others, Duration.ofSeconds(20));
        assertThat(others).noneMatch(id -> Files.exists(connector.deadLetters().resolve(id + "-marketo.json")));

        // one sync for the four; the refused lead's retry went alone, in a batch of its own
        List<List<String>> syncs = marketo.findAll(postRequestedFor(urlPathEqualTo(LEADS))).stream()
                .filter(r -> r.getBodyAsString().contains("mix-") || r.getBodyAsString().contains(refused))
                .map(r -> json(r.getBodyAsString()).path("input").findValuesAsText("email")).toList();
        assertThat(syncs).hasSize(2);
        assertThat(syncs.get(0)).containsExactlyInAnyOrderElementsOf(emails);
        assertThat(syncs.get(1)).containsExactly(refused);
    }

    @Test
    void aLoneLeadGoesAloneOnceMaxWaitHasPassed() {
        String email = "lone@contoso.example";
        long posted = System.currentTimeMillis();
        acceptedId(connector.postLead(TestLeads.lead(email, "INS")));
        LoggedRequest lookup = awaitOne(getRequestedFor(urlPathEqualTo(LEADS)).withQueryParam("filterValues", containing(email)));
        LoggedRequest sync = awaitOne(postRequestedFor(urlPathEqualTo(LEADS)).withRequestBody(containing(email)));

        long waited = lookup.getLoggedDate().getTime() - posted;
        assertThat(waited).isBetween(MAX_WAIT_MS - 200, MAX_WAIT_MS + 2000);
        assertThat(lookup.queryParameter("filterValues").firstValue()).isEqualTo(email);
        assertThat(json(sync.getBodyAsString()).path("input")).hasSize(1);
    }

    @Test
    void aRateLimitedBatchIsRetriedForEveryLeadOfIt() {
        marketo.stubFor(post(LEADS).withRequestBody(containing("throttled-")).atPriority(1)
                .inScenario("rate limit").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("calm"));
        marketo.stubFor(post(LEADS).withRequestBody(containing("throttled-")).atPriority(1)
                .inScenario("rate limit").whenScenarioStateIs("calm").willReturn(results()));
        List<String> ids = Bursts.deliveredBurst(connector, "marketo", "throttled", 3, Duration.ofSeconds(30));

        List<LoggedRequest> syncs = marketo.findAll(postRequestedFor(urlPathEqualTo(LEADS)).withRequestBody(containing("throttled-")));
        assertThat(syncs).extracting(r -> json(r.getBodyAsString()).path("input").size()).containsExactly(3, 3);
        assertThat(syncs.get(1).getLoggedDate().getTime() - syncs.get(0).getLoggedDate().getTime()).isGreaterThanOrEqualTo(1000);
        assertThat(ids).noneMatch(id -> Files.exists(connector.deadLetters().resolve(id + "-marketo.json")));
    }

    /** Marketo's answer to a sync: one result per input record, in input order, each created. */
    static ResponseDefinitionBuilder results() {
        return okJson("{\"requestId\":\"e42b#14272d07d79\",\"success\":true,\"result\":["
                + "{{#each (jsonPath request.body '$.input') as |record|}}{{#unless @first}},{{/unless}}"
                + "{\"id\":{{math @index '+' 50}},\"status\":\"created\"}{{/each}}]}").withTransformers("response-template");
    }

    private static JsonNode awaitDeadLetter(String id) {
        Path parked = connector.deadLetters().resolve(id + "-marketo.json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(parked));
        return readJson(parked);
    }

    private static LoggedRequest awaitOne(RequestPatternBuilder pattern) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !marketo.findAll(pattern).isEmpty());
        return marketo.findAll(pattern).get(0);
    }
}
