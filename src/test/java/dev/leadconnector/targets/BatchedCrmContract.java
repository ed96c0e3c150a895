package dev.leadconnector.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.leadconnector.support.Bursts;
import dev.leadconnector.support.HeldCalls;
import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.support.TestLeads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every target that delivers in batches does, whatever its CRM: each CRM's test extends this with
 * its connector (a {@link ContractConnector}, started once for the class, with {@link #settings}) and its
 * CRM's fake, which answers as that CRM's API documents it. Waits are conditions with deadlines, never durations.
 */
public abstract class BatchedCrmContract {

    /**
     * Every contract connector's batch settings: small batches, and a max-wait far above a lone lead's way
     * (post to write, about 0.1 s on a loaded CI machine). Each test's first lead comes while the target is
     * still busy from the test before and waits up to max-wait, so it is what each test costs.
     */
    public static final int SIZE = 4;
    public static final Duration MAX_WAIT = Duration.ofSeconds(2);

    /** One request the fake CRM received: a lookup or a write, the e-mails it named, when, what it answered. */
    public record Call(boolean write, List<String> emails, long at, int status) {}

    /** What the contract needs of a CRM's fake. */
    public interface CrmFake {
        /** Every lookup and write naming an e-mail that contains {@code marker}, oldest first. */
        List<Call> calls(String marker);

        /**
         * Lookups naming this e-mail are held (in the fake's {@link HeldCalls}) until the hold is released: the
         * target has a call in flight meanwhile.
         */
        HeldCalls.Hold holdLookup(String email);

        /** This e-mail's record is refused in the CRM's own words; returns the dead letter's error. */
        String refuse(String email);

        /** The first write naming {@code marker} fails as a whole, as the CRM fails when it is down. */
        void failFirstWrite(String marker);

        /** The first write naming {@code marker} is rate limited as the CRM documents; returns the wait it asks. */
        Duration rateLimitFirstWrite(String marker);

        /** The lookup finds this customer's record only on its second page. */
        void knownOnSecondPage(String email, String recordId);

        /** The record id the write of this e-mail updated, or null when it created one. */
        String updatedRecord(String email);
    }

    /** A lead whose lookup the CRM holds in flight until the test releases it. */
    protected record Pacer(String email, HeldCalls.Hold hold) {
        public void release() {
            hold.release();
        }
    }

    private final ContractConnector crm;
    /** This test's holds: released after it, whatever became of it, so no call of it stays in flight. */
    private final List<HeldCalls.Hold> holds = new ArrayList<>();

    /** @param crm the test class's connector and fake, its {@code static} {@code @RegisterExtension} field */
    protected BatchedCrmContract(ContractConnector crm) {
        this.crm = crm;
    }

    protected String target() {
        return crm.target();
    }

    protected RunningConnector connector() {
        return crm.connector();
    }

    protected abstract CrmFake fake();

    /** The contract's settings for a target: batch size, max-wait, quick retries. */
    public static List<String> settings(String target) {
        return List.of(
                "leads.targets." + target + ".batch.size=" + SIZE,
                "leads.targets." + target + ".batch.max-wait=" + MAX_WAIT.toMillis() + "ms",
                "leads.delivery.max-redeliveries=1",
                "leads.delivery.redelivery-delay=10",
                "leads.delivery.max-delay=1s");
    }

    @AfterEach
    void releaseHeldCalls() {
        holds.forEach(HeldCalls.Hold::release);
    }

    @Test
    void aLoneLeadAtAnIdleCrmGoesAtOnce() {
        // the connector's first call to the CRM also logs in: not what this test is about (a test before
        // that called the CRM has logged in already)
        if (fake().calls("@").stream().noneMatch(Call::write)) {
            String warmUp = unique("warm-up");
            connector().postLead(TestLeads.lead(warmUp, "INS"));
            await().atMost(Duration.ofSeconds(20)).until(() -> writes(warmUp).size() == 1);
        }
        // idle: no call in flight and none for max-wait (the tests before may just have called the CRM)
        await().atMost(Duration.ofSeconds(20)).until(() -> fake().calls("@").stream()
                .allMatch(c -> System.currentTimeMillis() - c.at() > MAX_WAIT.toMillis() + 500));
        String email = unique("lone");
        connector().postLead(TestLeads.lead(email, "INS"));
        // far sooner than max-wait: nothing was in flight, so the lead did not wait for others
        await().atMost(MAX_WAIT.multipliedBy(3).dividedBy(4)).until(() -> writes(email).size() == 1);
        assertThat(fake().calls(email)).extracting(Call::emails).containsOnly(List.of(email));
    }

    @Test
    void whileACallIsInFlightLeadsGatherIntoBatchesOfBatchSize() {
        Pacer pacer = inFlight();
        String marker = unique("full").replace("@contoso.example", "");
        // posted one after the other while the pacer's call is in flight (stopping dispatch would wait for it)
        List<String> ids = IntStream.range(0, 2 * SIZE).mapToObj(i -> RunningConnector.acceptedId(
                connector().postLead(TestLeads.lead(marker + "-" + i + "@contoso.example", "INS")))).toList();
        Bursts.awaitDelivered(connector(), target(), ids, Duration.ofSeconds(30));

        List<Call> calls = fake().calls(marker);
        assertThat(calls.stream().filter(c -> !c.write())).extracting(c -> c.emails().size()).containsExactly(SIZE, SIZE);
        assertThat(calls.stream().filter(Call::write)).extracting(c -> c.emails().size()).containsExactly(SIZE, SIZE);
        assertThat(calls.stream().filter(Call::write).flatMap(c -> c.emails().stream())).hasSize(2 * SIZE).doesNotHaveDuplicates();
        assertThat(pacer.hold().holding()).as("the pacer's call still in flight").isTrue();
        pacer.release();
        await().atMost(Duration.ofSeconds(20)).until(() -> writes(pacer.email()).size() == 1);
        assertThat(calls.stream().filter(Call::write)).as("sent while the pacer's call was in flight")
                .allSatisfy(w -> assertThat(w.at()).isLessThan(writes(pacer.email()).get(0).at()));
    }

    @Test
    void maxWaitBoundsTheWaitWhileACallIsInFlight() {
        Pacer pacer = inFlight();
        String first = unique("wait");
        String second = unique("wait");
        connector().postLead(TestLeads.lead(first, "INS"));
        connector().postLead(TestLeads.lead(second, "INS"));
        // the two gather while the pacer's call is held: they go once max-wait passed, not when it ends
        await().atMost(Duration.ofSeconds(30)).until(() -> writes(first).size() == 1);
        assertThat(pacer.hold().holding()).as("the pacer's call still in flight").isTrue();
        pacer.release();
        await().atMost(Duration.ofSeconds(20)).until(() -> writes(pacer.email()).size() == 1);

        Call gathered = writes(first).get(0);
        assertThat(gathered.emails()).containsExactlyInAnyOrder(first, second);
        assertThat(gathered.at()).as("sent once max-wait passed, while the first call was still in flight")
                .isLessThan(writes(pacer.email()).get(0).at());
    }

    @Test
    void aRecordTheCrmRefusesFailsOnlyItsOwnLead() {
        String refused = unique("refused");
        String error = fake().refuse(refused);
        List<String> emails = List.of(unique("mix"), refused, unique("mix"), unique("mix"));
        // while a call is in flight the four gather into one batch of SIZE, which goes when full (posted one
        // after the other, not as a burst: stopping and starting dispatch for Bursts.burst takes longer than
        // max-wait)
        Pacer pacer = inFlight();
        List<String> ids = new ArrayList<>();
        for (String email : emails) {
            var answer = connector().postLead(TestLeads.lead(email, "INS"));
            assertThat(answer.statusCode()).isEqualTo(202);
            ids.add(RunningConnector.acceptedId(answer));
        }

        JsonNode envelope = awaitDeadLetter(ids.get(1));
        assertThat(writes(refused)).as("the refused record was written with other leads' records")
                .anyMatch(call -> call.emails().size() > 1);
        assertThat(envelope.path("error").asText()).isEqualTo(error);
        assertThat(envelope.path("target").asText()).isEqualTo(target());
        assertThat(envelope.path("lead").path("id").asText()).as("the canonical lead, ready to replay").isEqualTo(ids.get(1));
        List<String> others = List.of(ids.get(0), ids.get(2), ids.get(3));
        Bursts.awaitDelivered(connector(), target(), others, Duration.ofSeconds(20));
        assertThat(others).noneMatch(id -> Files.exists(deadLetter(id)));
        pacer.release();
    }

    @Test
    void aFailedCallFailsTheLeadsItCarriedAndEachIsRetried() {
        String marker = unique("down").replace("@contoso.example", "");
        fake().failFirstWrite(marker);
        List<String> ids = Bursts.deliveredBurst(connector(), target(), marker, SIZE, Duration.ofSeconds(30));

        List<Call> writes = writes(marker);
        assertThat(writes.get(0).status()).isGreaterThanOrEqualTo(500);
        for (String email : writes.get(0).emails()) {
            assertThat(writes.stream().skip(1).filter(w -> w.emails().contains(email) && w.status() < 300))
                    .as("%s written again", email).hasSize(1);
        }
        assertThat(ids).noneMatch(id -> Files.exists(deadLetter(id)));
    }

    @Test
    void aRateLimitedCallIsRetriedNoSoonerThanTheCrmAsked() {
        String marker = unique("throttled").replace("@contoso.example", "");
        Duration asked = fake().rateLimitFirstWrite(marker);
        List<String> ids = Bursts.deliveredBurst(connector(), target(), marker, SIZE, Duration.ofSeconds(60));

        List<Call> writes = writes(marker);
        Call limited = writes.get(0);
        List<Call> again = writes.stream().skip(1).filter(w -> w.emails().stream().anyMatch(limited.emails()::contains)).toList();
        assertThat(again.stream().flatMap(w -> w.emails().stream())).containsAll(limited.emails());
        assertThat(again).allSatisfy(w -> assertThat(w.at() - limited.at())
                .as("no sooner than asked").isGreaterThanOrEqualTo(asked.toMillis()));
        assertThat(ids).noneMatch(id -> Files.exists(deadLetter(id)));
    }

    @Test
    void aCustomerOnALaterPageOfTheLookupIsUpdatedNotCreatedAgain() {
        String email = unique("paged");
        fake().knownOnSecondPage(email, "rec-" + email.hashCode());
        connector().postLead(TestLeads.lead(email, "INS"));
        await().atMost(Duration.ofSeconds(20)).until(() -> writes(email).size() == 1);
        assertThat(fake().updatedRecord(email)).isEqualTo("rec-" + email.hashCode());
    }

    /**
     * A lead whose lookup the CRM holds in flight, once it has it, until the test releases it (or the test
     * ends): returns the pacer, once the CRM holds its call.
     */
    protected Pacer inFlight() {
        String pacer = unique("pacer");
        HeldCalls.Hold hold = fake().holdLookup(pacer);
        holds.add(hold);
        connector().postLead(TestLeads.lead(pacer, "INS"));
        await().atMost(Duration.ofSeconds(20)).until(() -> hold.holding() && !fake().calls(pacer).isEmpty());
        return new Pacer(pacer, hold);
    }

    private List<Call> writes(String marker) {
        return fake().calls(marker).stream().filter(Call::write).toList();
    }

    private Path deadLetter(String leadId) {
        return connector().deadLetters().resolve(leadId + "-" + target() + ".json");
    }

    private JsonNode awaitDeadLetter(String leadId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(deadLetter(leadId)));
        return RunningConnector.readJson(deadLetter(leadId));
    }

    /** The calls a WireMock fake received naming {@code marker}, oldest first, as {@code read} makes them out. */
    public static List<Call> calls(WireMockServer server, Function<ServeEvent, Call> read, String marker) {
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        Collections.reverse(events);
        return events.stream().map(read).filter(c -> c != null && c.emails().stream().anyMatch(e -> e.contains(marker))).toList();
    }

    /** The first request like {@code request} naming {@code marker} gets {@code first}, the later ones {@code then}. */
    public static void once(WireMockServer server, Supplier<MappingBuilder> request, String marker,
                            ResponseDefinitionBuilder first, ResponseDefinitionBuilder then) {
        server.stubFor(request.get().withRequestBody(containing(marker)).atPriority(1)
                .inScenario(marker).whenScenarioStateIs(Scenario.STARTED).willReturn(first).willSetStateTo("answered"));
        server.stubFor(request.get().withRequestBody(containing(marker)).atPriority(1)
                .inScenario(marker).whenScenarioStateIs("answered").willReturn(then));
    }

    protected static String unique(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.example";
    }
}
