package dev.leadconnector.azure;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.leadconnector.support.Azurite;
import dev.leadconnector.support.ConnectorProcess;
import dev.leadconnector.support.ConnectorProcess.Probe;
import dev.leadconnector.support.DeliveredContent;
import dev.leadconnector.support.DeliveredContent.Webhook;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.targets.salesforce.FakeSalesforce;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #31: the scale-out profile (Azure queue inbox, PostgreSQL for de-duplication and the journal)
 * with one instance, Salesforce and an HTTPS hook, while a shared service goes away and comes back on
 * the same address with its data. During the outage intake keeps answering within its bound (202, or
 * 503 with Retry-After and a problem body), every readiness probe answers within a few seconds (DOWN
 * while the dependency is), and afterwards, without a restart, every lead answered 202 reaches the
 * hook and Salesforce exactly once.
 *
 * <p>Measured figures (answer times before, during and after) are printed; the assertions are loose
 * bounds on a shared 2-core machine. The process's output is kept in target/outage-*.log.
 */
@ExtendWith(Azurite.Extension.class)
class OutageTest {

    /** Intake's bound on the request path (leads.inbox.azure.send-timeout) plus room for a loaded machine. */
    static final Duration INTAKE_BOUND = Duration.ofSeconds(9);
    /** A probe answers within leads.health.timeout (800 ms) plus room for a loaded machine. */
    static final Duration PROBE_BOUND = Duration.ofSeconds(3);

    @Test
    void azuriteHangs_intakeAnswers503InTimeAndProbesDoNotHang(Azurite azurite, @TempDir Path dir) throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            try (Run run = new Run("queue-hang", azurite, postgres.getJdbcUrl("postgres", "postgres"), dir)) {
                run.outage(azurite::pause, azurite::resume, Duration.ofSeconds(15));
                run.assertIntakeDuringOutage(true);
                run.assertViewerSawDown("inbox");
            }
        }
    }

    /**
     * A port the server gets back after its 20 s away: one from the ephemeral range (ServerSocket(0)) was
     * taken meanwhile, in a clean-clone CI, by another test's connection, and the restart could not bind.
     */
    private static int freePortBelowTheEphemeralRange() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int tries = 0; tries < 100; tries++) {
            int candidate = 20_000 + random.nextInt(10_000); // Linux hands out 32768-60999 to bind(0) and connect
            try (ServerSocket free = new ServerSocket(candidate, 1, java.net.InetAddress.getLoopbackAddress())) {
                return free.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 20000-29999");
    }

    @Test
    void postgresStopped_intakeGoesOnAndProbesAnswerDownInTime(Azurite azurite, @TempDir Path dir) throws Exception {
        int port = freePortBelowTheEphemeralRange();
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPort(port)
                .setDataDirectory(dir.resolve("pgdata")).setCleanDataDirectory(false);
        EmbeddedPostgres[] postgres = {builder.start()};
        try {
            try (Run run = new Run("postgres-stop", azurite, postgres[0].getJdbcUrl("postgres", "postgres"), dir)) {
                run.outage(() -> postgres[0].close(), () -> postgres[0] = builder.start(), Duration.ofSeconds(20));
                run.assertIntakeDuringOutage(false);
                run.assertViewerSawDown("db");
                // the inbox is the queue, which is up: intake takes every lead
                assertThat(run.during).allSatisfy(answer -> assertThat(answer.status).isEqualTo(202));
            }
        } finally {
            postgres[0].close();
        }
    }

    static final String VIEWER = "Basic " + Base64.getEncoder().encodeToString(
            (ManagementClient.VIEWER + ":" + ManagementClient.VIEWER_PASSWORD).getBytes(StandardCharsets.UTF_8));

    /** Stopping or restarting a service. */
    interface Step {
        void run() throws Exception;
    }

    record Answer(int status, long millis, String retryAfter, String contentType, String leadId, String email,
                  String detail) {}

    /** One connector with its fakes, the leads posted and the answers measured. */
    static final class Run implements AutoCloseable {
        final String name;
        final Webhook webhook = new Webhook();
        final FakeSalesforce salesforce = FakeSalesforce.onFreePort();
        final ConnectorProcess connector;
        final String template = Fixtures.lead("azure-marketplace-ins.json");
        final AtomicInteger numbers = new AtomicInteger();
        final List<Answer> before = new CopyOnWriteArrayList<>();
        final List<Answer> during = new CopyOnWriteArrayList<>();
        final List<Answer> after = new CopyOnWriteArrayList<>();
        final List<Probe> probesBefore = new CopyOnWriteArrayList<>();
        final List<Probe> probesDuring = new CopyOnWriteArrayList<>();
        final List<Probe> viewerProbes = new CopyOnWriteArrayList<>();
        long recoveredMillis;

        Run(String name, Azurite azurite, String jdbcUrl, Path dir) throws Exception {
            this.name = name;
            salesforce.start();
            salesforce.reset();
            salesforce.noLeads();
            salesforce.createsEach();
            // queues of its own, so that nothing left here meets another test's assertions
            String queue = "outage-" + name;
            String client = "?serviceClient=#queueServiceClient";
            String[] settings = Stream.of(webhook.settings(), salesforce.settings(), new String[] {
                    "spring.profiles.active=azure",
                    "leads.azure-queue.connection-string=" + azurite.connectionString(),
                    "leads.azure-queue.queues=" + queue + "," + queue + "-dead",
                    "leads.inbox.uri=azure-storage-queue:storage/" + queue + client
                            + "&maxMessages=32&visibilityTimeout=PT10S&greedy=true&delay=500",
                    "leads.inbox.send-uri=azure-storage-queue:storage/" + queue + client
                            + "&timeout={{leads.inbox.azure.send-timeout}}",
                    "leads.dead-letter.uri=azure-storage-queue:storage/" + queue + "-dead" + client,
                    "leads.dedup.lease=PT10S",
                    "leads.dedup.jdbc-url=" + jdbcUrl,
                    "leads.dedup.username=postgres",
                    "leads.dedup.password=",
                    "leads.data-dir=" + dir.resolve("data"),
                    "leads.management.viewer.username=" + ManagementClient.VIEWER,
                    "leads.management.viewer.password=" + ManagementClient.VIEWER_PASSWORD,
                    "leads.routes.reload=false",
                    "leads.targets.archive.directory=" + dir.resolve("archive"),
                    "leads.targets.salesforce.batch.max-wait=200ms"}).flatMap(Stream::of).toArray(String[]::new);
            connector = ConnectorProcess.start(name, Path.of("target/outage-" + name + ".log"), settings);
            connector.awaitReady();
        }

        /** Leads and probes before, during (for {@code length}) and after the outage, then waits for delivery. */
        void outage(Step stop, Step restart, Duration length) throws Exception {
            for (int i = 0; i < 5; i++) {
                before.add(post());
                probesBefore.add(readiness());
            }
            // two senders posting a lead every 100 ms after their last answer, as a marketplace's
            // retries would come, and an orchestrator probing readiness every 500 ms (giving up after 5 s)
            ScheduledExecutorService clients = Executors.newScheduledThreadPool(3);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            stop.run();
            long stopped = System.nanoTime();
            try {
                for (int c = 0; c < 2; c++) {
                    clients.scheduleWithFixedDelay(() -> record(failures, () -> during.add(post())), 0, 100, TimeUnit.MILLISECONDS);
                }
                clients.scheduleWithFixedDelay(() -> record(failures, () -> {
                    probesDuring.add(readiness());
                    viewerProbes.add(connector.probe("/actuator/health/readiness", Duration.ofSeconds(5), VIEWER));
                }), 0, 500, TimeUnit.MILLISECONDS);
                await().atMost(length.plusSeconds(10)).pollInterval(Duration.ofMillis(200))
                        .until(() -> System.nanoTime() - stopped >= length.toNanos());
                clients.shutdown(); // no new posts or probes; those under way finish
                assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).as("posts and probes finished").isTrue();
            } finally {
                clients.shutdownNow();
                restart.run();
            }
            long restarted = System.nanoTime();
            assertThat(failures).isEmpty();
            // ready again, on its own: no restart of the connector
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> readiness().status() == 200);
            recoveredMillis = (System.nanoTime() - restarted) / 1_000_000;
            for (int i = 0; i < 5; i++) {
                after.add(post());
            }
            List<Answer> accepted = accepted();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                    webhook.leadIds().containsAll(ids(accepted))
                            && salesforceEmails().keySet().containsAll(emails(accepted)));
            report();
        }

        private static void record(List<Throwable> failures, Runnable step) {
            try {
                step.run();
            } catch (Throwable t) {
                failures.add(t);
            }
        }

        Answer post() {
            int number = numbers.incrementAndGet();
            String email = "outage-" + name + "-" + number + "@fabrikam.example";
            long started = System.nanoTime();
            HttpResponse<String> answer = connector.postLead(template.replace("avery.quinn@fabrikam.example", email));
            long millis = (System.nanoTime() - started) / 1_000_000;
            String id = answer.statusCode() == 202 ? acceptedId(answer) : null;
            String detail = null;
            if (answer.statusCode() == 503) {
                assertThat(json(answer.body()).path("type").asText()).isEqualTo("urn:lead-connector:problem:not-stored");
                detail = json(answer.body()).path("detail").asText();
            }
            return new Answer(answer.statusCode(), millis, answer.headers().firstValue("Retry-After").orElse(null),
                    answer.headers().firstValue("Content-Type").orElse(null), id, email, detail);
        }

        Probe readiness() {
            return connector.probe("/actuator/health/readiness", Duration.ofSeconds(5));
        }

        List<Answer> accepted() {
            return Stream.of(before, during, after).flatMap(List::stream).filter(a -> a.status == 202).toList();
        }

        static List<String> ids(List<Answer> answers) {
            return answers.stream().map(Answer::leadId).toList();
        }

        static List<String> emails(List<Answer> answers) {
            return answers.stream().map(Answer::email).toList();
        }

        /** Salesforce Lead records by e-mail: how many each customer got. */
        Map<String, Long> salesforceEmails() {
            return DeliveredContent.salesforceRecords(salesforce).stream().map(r -> r.path("Email").asText())
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        }

        /** Requests the hook got, by lead id. */
        Map<String, Long> hookRequests() {
            Map<String, Long> requests = new ConcurrentHashMap<>();
            webhook.server().getAllServeEvents().forEach(event -> {
                String id = event.getRequest().getHeader("X-Lead-Id");
                if (id != null) {
                    requests.merge(id, 1L, Long::sum);
                }
            });
            return requests;
        }

        void report() {
            System.out.printf("%nOutage %s: intake before %s; during %d answers %s, times (ms) %s; after %s;"
                            + " readiness before %s, during %s (a viewer's: %s); ready again %d ms after the service came back%n%n",
                    name, times(before), during.size(), statuses(during), times(during), times(after),
                    probesBefore, probesDuring, viewerProbes, recoveredMillis);
        }

        static Map<Integer, Long> statuses(List<Answer> answers) {
            return answers.stream().collect(Collectors.groupingBy(Answer::status, Collectors.counting()));
        }

        /** Answer times in ms: min, median, max, and each status/time when there are few. */
        static String times(List<Answer> answers) {
            List<Long> millis = new ArrayList<>(answers.stream().map(Answer::millis).toList());
            Collections.sort(millis);
            return millis.isEmpty() ? "none" : "min " + millis.get(0) + " median " + millis.get(millis.size() / 2)
                    + " max " + millis.get(millis.size() - 1)
                    + (answers.size() <= 20 ? " " + answers.stream().map(a -> a.status + "/" + a.millis).toList() : "");
        }

        void assertIntakeDuringOutage(boolean inboxDown) {
            assertThat(before).allSatisfy(a -> assertThat(a.status).isEqualTo(202));
            assertThat(after).allSatisfy(a -> assertThat(a.status).isEqualTo(202));
            assertThat(during).as("answers during the outage").isNotEmpty().allSatisfy(a -> {
                assertThat(a.status).isIn(202, 503);
                assertThat(a.millis).as("answer time (ms)").isLessThan(INTAKE_BOUND.toMillis());
                if (a.status == 503) {
                    assertThat(a.retryAfter).isNotBlank();
                    assertThat(a.contentType).startsWith("application/problem+json");
                }
            });
            if (inboxDown) {
                assertThat(statuses(during)).as("the inbox could not take leads").containsKey(503);
                assertThat(during).filteredOn(a -> a.status == 503)
                        .allSatisfy(a -> assertThat(a.detail).contains("did not take the lead in time"));
            }
            // every probe answered (none given up after 5 s), quickly, and readiness was DOWN meanwhile
            assertThat(probesBefore).allSatisfy(p -> assertThat(p.status()).isEqualTo(200));
            assertThat(probesDuring).isNotEmpty().allSatisfy(p -> {
                assertThat(p.status()).as("readiness answered").isIn(200, 503);
                assertThat(p.millis()).as("readiness answer time (ms)").isLessThan(PROBE_BOUND.toMillis());
            });
            assertThat(probesDuring).as("readiness DOWN during the outage").anyMatch(p -> p.status() == 503);
            // every lead answered 202 reached each target exactly once; a 503's lead at most once
            List<Answer> accepted = accepted();
            Map<String, Long> hook = hookRequests();
            Map<String, Long> records = salesforceEmails();
            assertThat(accepted).allSatisfy(a -> {
                assertThat(hook.get(a.leadId)).as("hook requests for %s", a.email).isEqualTo(1L);
                assertThat(records.get(a.email)).as("Salesforce records for %s", a.email).isEqualTo(1L);
            });
            assertThat(records.values()).as("no customer twice in Salesforce").allMatch(n -> n == 1);
            assertThat(hook.values()).as("no lead twice at the hook").allMatch(n -> n == 1);
        }

        /** A logged-in viewer's readiness probes named the dependency that was down, within the bound. */
        void assertViewerSawDown(String dependency) {
            assertThat(viewerProbes).isNotEmpty().allSatisfy(p -> {
                assertThat(p.millis()).as("viewer's readiness answer time (ms)").isLessThan(PROBE_BOUND.toMillis());
                assertThat(p.status()).isIn(200, 503);
            });
            assertThat(viewerProbes).as("a viewer's readiness named %s DOWN", dependency).anySatisfy(p -> {
                assertThat(p.status()).isEqualTo(503);
                assertThat(json(p.body()).path("components").path(dependency).path("status").asText()).isEqualTo("DOWN");
                assertThat(json(p.body()).path("components").path(dependency).path("details").path("error").asText())
                        .isNotBlank();
            });
        }

        @Override
        public void close() throws Exception {
            try {
                connector.close();
            } finally {
                webhook.close();
                salesforce.close();
            }
        }
    }
}
