package dev.leadconnector.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.readJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.leadconnector.support.RunningConnector;
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
 * The retry policy against a CRM that misbehaves the way real ones do (WireMock faults on the https
 * target): the count and the spacing of the requests it receives.
 */
class DeliveryFaultsTest {

    static final String HOOK = "/hook";
    @TempDir
    static Path dataDir;
    static WireMockServer crm;
    static RunningConnector connector;

    @BeforeAll
    static void start() {
        crm = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        crm.start();
        connector = RunningConnector.start(dataDir,
                "leads.targets.archive.enabled=false",
                "leads.targets.https.enabled=true",
                "leads.targets.https.url=http://127.0.0.1:" + crm.port() + HOOK,
                "leads.targets.https.retry.max-redeliveries=4",
                "leads.targets.https.retry.redelivery-delay=200ms",
                "leads.targets.https.retry.max-delay=1s",
                // the retry policy alone: the breaker (CircuitBreakerTest) would stop the storms early
                "camel.resilience4j.configurations.https.minimum-number-of-calls=1000",
                "camel.resilience4j.configurations.https.sliding-window-size=1000",
                "camel.resilience4j.configurations.https.throw-exception-when-half-open-or-open-state=true",
                "camel.component.http.response-timeout=1500");
        // one delivery first, so the first timed request does not pay for a cold JVM
        crm.stubFor(post(HOOK).willReturn(aResponse().withStatus(200)));
        connector.postLead(lead("warm-up"));
        await().atMost(Duration.ofSeconds(20)).until(() -> crm.findAll(postRequestedFor(urlPathEqualTo(HOOK))).size() == 1);
        connector.awaitInboxDrained();
    }

    @AfterAll
    static void stop() {
        connector.close();
        crm.stop();
    }

    @BeforeEach
    void reset() {
        crm.resetAll();
    }

    @Test
    void a429WaitsAtLeastItsRetryAfter() {
        crm.stubFor(post(HOOK).inScenario("429").whenScenarioStateIs(STARTED).willSetStateTo("ok")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")));
        crm.stubFor(post(HOOK).inScenario("429").whenScenarioStateIs("ok").willReturn(aResponse().withStatus(200)));

        connector.postLead(lead("rate-limited"));

        List<LoggedRequest> requests = awaitRequests(2);
        Duration waited = Duration.between(requests.get(0).getLoggedDate().toInstant(),
                requests.get(1).getLoggedDate().toInstant());
        assertThat(waited).as("Retry-After: 2 asked for two seconds").isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(waited).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void a503StormIsRetriedWithGrowingDelaysThenDelivered() {
        crm.stubFor(post(HOOK).inScenario("storm").whenScenarioStateIs(STARTED).willSetStateTo("2")
                .willReturn(aResponse().withStatus(503)));
        crm.stubFor(post(HOOK).inScenario("storm").whenScenarioStateIs("2").willSetStateTo("3")
                .willReturn(aResponse().withStatus(503)));
        crm.stubFor(post(HOOK).inScenario("storm").whenScenarioStateIs("3").willSetStateTo("ok")
                .willReturn(aResponse().withStatus(503)));
        crm.stubFor(post(HOOK).inScenario("storm").whenScenarioStateIs("ok").willReturn(aResponse().withStatus(200)));

        String id = acceptedId(connector.postLead(lead("storm")));

        List<LoggedRequest> requests = awaitRequests(4);
        // back-off with equal jitter: the n-th wait is at least half of 200 ms * 2^(n-1)
        for (int n = 1; n < requests.size(); n++) {
            long waited = requests.get(n).getLoggedDate().getTime() - requests.get(n - 1).getLoggedDate().getTime();
            assertThat(waited).as("wait before attempt %d", n + 1).isGreaterThanOrEqualTo((200L << (n - 1)) / 2 - 20);
        }
        connector.awaitInboxDrained();
        assertThat(connector.deadLetters().resolve(id + "-https.json")).doesNotExist();
    }

    @Test
    void connectionResetsAndTimeoutsAreRetriedThenParkedWithTheirCount() {
        crm.stubFor(post(HOOK).inScenario("faults").whenScenarioStateIs(STARTED).willSetStateTo("slow")
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        crm.stubFor(post(HOOK).inScenario("faults").whenScenarioStateIs("slow")
                .willReturn(aResponse().withStatus(200).withFixedDelay(3000)));

        String id = acceptedId(connector.postLead(lead("faults")));

        Path parked = connector.deadLetters().resolve(id + "-https.json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(parked));
        JsonNode envelope = readJson(parked);
        assertThat(envelope.path("reason").asText()).isEqualTo("delivery failed after 4 redeliveries");
        assertThat(envelope.path("attempts").asInt()).isEqualTo(5);
        assertThat(envelope.path("firstFailedAt").asText()).isNotBlank();
        assertThat(crm.findAll(postRequestedFor(urlPathEqualTo(HOOK)))).hasSize(5);
    }

    @Test
    void aPermanentRefusalIsParkedAtOnce() {
        crm.stubFor(post(HOOK).willReturn(aResponse().withStatus(422).withBody("{\"error\": \"unknown offer\"}")));

        String id = acceptedId(connector.postLead(lead("refused")));

        Path parked = connector.deadLetters().resolve(id + "-https.json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(parked));
        assertThat(readJson(parked).path("error").asText()).contains("https answered 422: {\"error\": \"unknown offer\"}");
        assertThat(crm.findAll(postRequestedFor(urlPathEqualTo(HOOK)))).hasSize(1);
    }

    private static List<LoggedRequest> awaitRequests(int count) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> crm.findAll(postRequestedFor(urlPathEqualTo(HOOK))).size() >= count);
        return crm.findAll(postRequestedFor(urlPathEqualTo(HOOK))).stream()
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    private static String lead(String name) {
        return "{\"UserDetails\": {\"Email\": \"" + name + "@faults.example\"}, \"LeadSource\": \"AzureMarketplace\", "
                + "\"ActionCode\": \"INS\", \"OfferTitle\": \"Faults\"}";
    }
}
