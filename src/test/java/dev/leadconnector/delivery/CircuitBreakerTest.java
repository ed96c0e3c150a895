package dev.leadconnector.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.leadconnector.support.RunningConnector;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CRM that goes down: once the https target's circuit breaker opens, the CRM gets no more calls,
 * the other target (the archive) goes on, and the waiting leads use up none of their retries (3
 * here: without the breaker every lead would be dead-lettered within a second). When the CRM is
 * back, a trial call closes the breaker and every lead is delivered, once.
 */
class CircuitBreakerTest {

    static final String HOOK = "/hook";
    static final int LEADS = 10;

    @Test
    void anOpenBreakerHoldsTheTargetsLeadsWithoutCallingItAndReleasesThemWhenItIsBack(@TempDir Path dataDir) {
        WireMockServer crm = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        crm.start();
        crm.stubFor(post(HOOK).willReturn(aResponse().withStatus(503).withBody("down for maintenance")));
        try (RunningConnector connector = RunningConnector.start(dataDir,
                "leads.targets.https.enabled=true",
                "leads.targets.https.url=http://127.0.0.1:" + crm.port() + HOOK,
                "leads.targets.https.retry.max-redeliveries=3",
                "leads.targets.https.retry.redelivery-delay=100ms",
                "leads.targets.https.retry.max-delay=200ms",
                // the target's own resilience4j configuration (a named one starts from Camel's defaults,
                // so it says every key it needs)
                "camel.resilience4j.configurations.https.minimum-number-of-calls=4",
                "camel.resilience4j.configurations.https.sliding-window-size=4",
                "camel.resilience4j.configurations.https.wait-duration-in-open-state=3",
                "camel.resilience4j.configurations.https.permitted-number-of-calls-in-half-open-state=1",
                "camel.resilience4j.configurations.https.throw-exception-when-half-open-or-open-state=true")) {
            // four leads: their four failed calls open the breaker
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(acceptedId(connector.postLead(lead("breaker-" + i))));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> calls(crm).size() >= 4);
            await().atMost(Duration.ofSeconds(20)).until(() -> "OPEN".equals(breakerState(connector)));
            // six more while it is open: the archive takes them, the CRM is not called
            for (int i = 4; i < LEADS; i++) {
                ids.add(acceptedId(connector.postLead(lead("breaker-" + i))));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> files(connector.archive()).size() == LEADS);

            // then no call for the wait duration (3 s), then one trial call per wait (still failing), where
            // the retry policy alone would have made 40 calls and dead-lettered every lead: the calls
            // before the breaker opened came at most 2 s apart, then two trial calls each a wait apart
            int before = burstBeforeOpen(events(crm));
            await().atMost(Duration.ofSeconds(30)).until(() -> events(crm).size() >= before + 2);
            List<ServeEvent> down = events(crm);
            int burst = burstBeforeOpen(down);
            assertThat(down.subList(0, burst)).as("calls before the breaker opened: the first four leads only")
                    .allSatisfy(call -> assertThat(ids.subList(0, 4)).contains(call.getRequest().getHeader("X-Lead-Id")));
            assertThat(burst).isBetween(4, 8);
            // a busy machine makes the gaps longer, never shorter; the open state's 3 s count from the
            // failure's answer, which WireMock logs a little after the call
            assertThat(Duration.between(loggedAt(down.get(burst - 1)), loggedAt(down.get(burst))))
                    .as("an open breaker makes no call until its wait is over").isGreaterThan(Duration.ofMillis(2500));
            assertThat(Duration.between(loggedAt(down.get(burst)), loggedAt(down.get(burst + 1))))
                    .as("one trial call per wait").isGreaterThan(Duration.ofMillis(2500));
            assertThat(files(connector.deadLetters())).as("waiting leads use up no retries").isEmpty();
            System.out.printf("Circuit breaker: %d calls before it opened, then trial calls %s apart, 0 dead letters%n",
                    burst, Duration.between(loggedAt(down.get(burst)), loggedAt(down.get(burst + 1))));

            // the CRM is back: the next trial call succeeds, the breaker closes, every lead flows
            crm.stubFor(post(HOOK).willReturn(aResponse().withStatus(200)));
            await().atMost(Duration.ofSeconds(30)).until(() -> delivered(crm).size() == LEADS);
            connector.awaitInboxDrained();
            Map<String, Long> delivered = delivered(crm);
            assertThat(delivered.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(delivered.values()).as("each lead delivered once").containsOnly(1L);
            assertThat(files(connector.deadLetters())).isEmpty();
        } finally {
            crm.stop();
        }
    }

    /** The calls the CRM got, in order. */
    private static List<ServeEvent> events(WireMockServer crm) {
        return crm.getAllServeEvents().stream().sorted(java.util.Comparator.comparing(CircuitBreakerTest::loggedAt)).toList();
    }

    private static List<Instant> calls(WireMockServer crm) {
        return events(crm).stream().map(CircuitBreakerTest::loggedAt).toList();
    }

    private static Instant loggedAt(ServeEvent event) {
        return event.getRequest().getLoggedDate().toInstant();
    }

    /** Lead id to the number of 200 answers it got. */
    private static Map<String, Long> delivered(WireMockServer crm) {
        return crm.getAllServeEvents().stream()
                .filter(event -> event.getResponse().getStatus() == 200)
                .map(ServeEvent::getRequest)
                .collect(Collectors.groupingBy(request -> request.getHeader("X-Lead-Id"), Collectors.counting()));
    }

    /** How many of the first calls came less than 2 s after the one before: those before the breaker opened. */
    private static int burstBeforeOpen(List<ServeEvent> calls) {
        int burst = Math.min(1, calls.size());
        while (burst < calls.size()
                && Duration.between(loggedAt(calls.get(burst - 1)), loggedAt(calls.get(burst))).toMillis() < 2000) {
            burst++;
        }
        return burst;
    }

    /** The https target's breaker, as Resilience4j reports it (CLOSED, OPEN, HALF_OPEN). */
    private static String breakerState(RunningConnector connector) {
        return connector.context().getBean(CamelContext.class).getRoute("deliver-https").filter("*").stream()
                .filter(ResilienceProcessor.class::isInstance)
                .map(processor -> ((ResilienceProcessor) processor).getCircuitBreakerState())
                .findFirst().orElseThrow();
    }

    private static String lead(String name) {
        return "{\"UserDetails\": {\"Email\": \"" + name + "@breaker.example\"}, \"LeadSource\": \"AzureMarketplace\", "
                + "\"ActionCode\": \"INS\", \"OfferTitle\": \"Breaker\"}";
    }
}
