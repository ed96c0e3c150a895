package dev.leadconnector.azure;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.files;
import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.leadconnector.support.Azurite;
import dev.leadconnector.support.ConnectorProcess;
import dev.leadconnector.support.DeliveredContent;
import dev.leadconnector.support.DeliveredContent.Webhook;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.targets.salesforce.FakeSalesforce;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two connector processes with profile azure, as two machines would run them: one Azurite queue as
 * the inbox, one PostgreSQL (zonky) for de-duplication, a shared archive folder. 1,000 leads, 20% of
 * them duplicates, are posted alternately to both; halfway, one process is killed (SIGKILL) with
 * leads in hand. Every unique lead must be archived, once, and reach the HTTPS endpoint and
 * Salesforce (WireMock fakes in this JVM) whole: each file, request and record is checked against
 * the payload posted for its lead. A poison message goes to the dead-letter queue.
 *
 * <p>The processes' output is kept in target/scale-out-{a,b}.log. Archive writes are counted from the processes' own "Lead ... archived" log lines, which the
 * archive route writes after each file: a lead written twice would show two lines.
 */
@ExtendWith(Azurite.Extension.class)
class ScaleOutTest {

    static final int LEADS = 1_000;
    static final double DUPLICATE_SHARE = 0.2;
    static final Pattern ARCHIVED = Pattern.compile("Lead ([0-9a-f]{32}) archived");
    static final Pattern DUPLICATE = Pattern.compile("Lead ([0-9a-f]{32}) is a duplicate");
    static final Pattern AGAIN = Pattern.compile("Lead ([0-9a-f]{32}) handed out again");
    int backlogAtKill;

    @Test
    void twoInstancesDeliverEveryUniqueLeadOnceAndLoseNoneWhenOneIsKilled(Azurite azurite, @TempDir Path dir)
            throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
             Webhook webhook = new Webhook();
             FakeSalesforce salesforce = FakeSalesforce.onFreePort()) {
            salesforce.start();
            salesforce.reset();
            salesforce.noLeads();
            salesforce.createsEach();
            // targets archive, https and salesforce: the router hands each lead to all three in parallel
            String[] settings = Stream.of(webhook.settings(), salesforce.settings(), new String[] {
                    "spring.profiles.active=azure",
                    "leads.azure-queue.connection-string=" + azurite.connectionString(),
                    // short enough for a test: a dead instance's leads come back after 10 s
                    "leads.azure-queue.visibility-timeout=PT10S",
                    "leads.azure-queue.batch-size=32",
                    "leads.dedup.lease=PT10S",
                    // a lead handed out a third time is parked (b's leads come back only once)
                    "leads.inbox.max-deliveries=2",
                    "leads.dedup.jdbc-url=" + postgres.getJdbcUrl("postgres", "postgres"),
                    "leads.dedup.username=postgres",
                    "leads.dedup.password=",
                    "leads.targets.archive.directory=" + dir.resolve("archive"),
                    "leads.targets.salesforce.batch.max-wait=200ms",
                    // two processes, Azurite and 8 senders on a shared 2-core machine: a send can take
                    // longer than the production bounds (5 s), which would answer 503; here every lead
                    // must be taken (OutageTest is about the bounds)
                    "leads.inbox.azure.send-timeout=PT30S",
                    "leads.inbox.azure.try-timeout=PT20S",
                    "leads.inbox.azure.response-timeout=PT20S"}).flatMap(Stream::of).toArray(String[]::new);
            ConnectorProcess a = ConnectorProcess.start("a", Path.of("target/scale-out-a.log"), with(settings, dir.resolve("a")));
            ConnectorProcess b = ConnectorProcess.start("b", Path.of("target/scale-out-b.log"), with(settings, dir.resolve("b")));
            try (a; b) {
                a.awaitReady();
                b.awaitReady();
                long started = System.nanoTime();

                // 800 distinct leads and 200 re-posts of earlier ones, interleaved
                Random random = new Random(4);
                String template = Fixtures.lead("azure-marketplace-ins.json");
                List<String> posted = new ArrayList<>();
                List<String> unique = new ArrayList<>();
                for (int i = 0; i < LEADS; i++) {
                    boolean duplicate = !unique.isEmpty() && random.nextDouble() < DUPLICATE_SHARE
                            && posted.size() - unique.size() < LEADS * DUPLICATE_SHARE;
                    if (!duplicate && LEADS - i <= LEADS * DUPLICATE_SHARE - (posted.size() - unique.size())) {
                        duplicate = true; // make up the exact share at the end
                    }
                    String lead = duplicate ? unique.get(random.nextInt(unique.size()))
                            : template.replace("avery.quinn@", "lead-" + i + "@");
                    if (!duplicate) {
                        unique.add(lead);
                    }
                    posted.add(lead);
                }

                // posted by 8 clients at once, so the queue fills faster than it drains and b is
                // holding leads when it is killed
                QueueClient inbox = new QueueServiceClientBuilder().connectionString(azurite.connectionString())
                        .buildClient().getQueueClient("leads-inbox");
                inbox.sendMessage("this is not a lead"); // a poison message among the leads
                Set<String> acceptedIds = ConcurrentHashMap.newKeySet();
                DeliveredContent content = new DeliveredContent();
                int killedAt = LEADS / 2;
                ExecutorService clients = Executors.newFixedThreadPool(8);
                try {
                    post(clients, posted, 0, killedAt, i -> i % 2 == 0 ? a : b, acceptedIds, content);
                    // kill b right after it finished a lead, in the middle of a batch of 32 (on a
                    // loaded machine b may already have drained its share: then it is killed idle)
                    int archivedByB = count(ARCHIVED, b.log()).size();
                    try {
                        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                                .until(() -> count(ARCHIVED, b.log()).size() > archivedByB
                                        || inbox.getProperties().getApproximateMessagesCount() == 0);
                    } catch (org.awaitility.core.ConditionTimeoutException stalled) {
                        // b made no progress for 30 s: killing it now is just as abrupt
                    }
                    backlogAtKill = inbox.getProperties().getApproximateMessagesCount();
                    b.kill(); // the leads it took from the queue and had not finished die with it
                    post(clients, posted, killedAt, LEADS, i -> a, acceptedIds, content);
                } finally {
                    clients.shutdownNow();
                }
                double postedIn = seconds(started);

                Path archive = dir.resolve("archive");
                try {
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                            inbox.getProperties().getApproximateMessagesCount() == 0
                                    && archivedIds(archive).containsAll(acceptedIds)
                                    && webhook.leadIds().containsAll(acceptedIds)
                                    && salesforceEmails(salesforce).size() >= acceptedIds.size());
                } catch (org.awaitility.core.ConditionTimeoutException stuck) {
                    // what was left and what the survivor said: a CI's clone, and its logs, are gone after the run
                    Set<String> notArchived = new HashSet<>(acceptedIds);
                    notArchived.removeAll(archivedIds(archive));
                    Set<String> notAtWebhook = new HashSet<>(acceptedIds);
                    notAtWebhook.removeAll(webhook.leadIds());
                    throw new AssertionError(String.format("not delivered within 120 s: %d messages still in the queue,"
                                    + " %d of %d accepted leads not archived, %d not at the HTTPS endpoint, %d of them in"
                                    + " Salesforce; the last lines of a's log:%n%s",
                            inbox.getProperties().getApproximateMessagesCount(), notArchived.size(), acceptedIds.size(),
                            notAtWebhook.size(), salesforceEmails(salesforce).size(), lastLines(a.log(), 80)), stuck);
                }
                double deliveredIn = seconds(started);

                Map<String, Long> writes = count(ARCHIVED, a.log() + b.log());
                Map<String, Long> writesByB = count(ARCHIVED, b.log());
                long duplicatesDropped = count(DUPLICATE, a.log() + b.log()).values().stream().mapToLong(n -> n).sum();
                Set<String> archived = archivedIds(archive);
                List<String> brokenFiles = content.archiveProblems(archive);
                List<String> wrongRequests = content.httpsProblems(webhook);
                List<String> wrongRecords = content.salesforceProblems(salesforce);
                Set<String> lost = new HashSet<>(acceptedIds);
                lost.removeAll(archived);
                List<String> writtenTwice = writes.entrySet().stream().filter(e -> e.getValue() > 1)
                        .map(Map.Entry::getKey).toList();
                long handedOutAgain = count(AGAIN, a.log()).size();
                long deliveredOnce = writes.values().stream().filter(n -> n == 1).count();

                System.out.printf("%nScale-out: %d leads sent (%d unique, %d duplicates) to 2 instances, one killed"
                                + " after %d; %d delivered, %d delivered once, %d written twice, %d duplicates"
                                + " dropped by de-duplication, %d lost; all posted in %.1f s, all delivered in"
                                + " %.1f s; b archived %d before it was killed with %d leads waiting in the queue, %d leads"
                                + " it had taken came back to a; content: %d of %d archive files broken, %d of %d HTTPS"
                        + " requests and %d of %d Salesforce records not their lead's%n%n",
                        LEADS, unique.size(), LEADS - unique.size(), killedAt, archived.size(), deliveredOnce,
                        writtenTwice.size(), duplicatesDropped, lost.size(), postedIn, deliveredIn, writesByB.size(), backlogAtKill, handedOutAgain,
                        brokenFiles.size(), archived.size(), wrongRequests.size(), webhook.server().getAllServeEvents().size(),
                        wrongRecords.size(), DeliveredContent.salesforceRecords(salesforce).size());

                assertThat(unique).hasSize(800);
                assertThat(acceptedIds).hasSize(800);
                assertThat(lost).as("accepted leads never archived").isEmpty();
                assertThat(archived).isEqualTo(acceptedIds);
                // every target got every lead whole: what each file, request and record holds, not only how many
                assertThat(brokenFiles).as("archive files").isEmpty();
                assertThat(wrongRequests).as("requests at the HTTPS endpoint").isEmpty();
                assertThat(webhook.leadIds()).isEqualTo(acceptedIds);
                assertThat(wrongRecords).as("Salesforce records").isEmpty();
                assertThat(salesforceEmails(salesforce)).hasSize(acceptedIds.size());
                assertThat(writes.keySet()).isEqualTo(acceptedIds);
                // Only a lead b had in hand when it was killed may have been written again by a: its file
                // was written, its confirmation was not.
                assertThat(writtenTwice).hasSizeLessThanOrEqualTo((int) Math.max(1, handedOutAgain));
                assertThat(writesByB.keySet()).containsAll(writtenTwice);
                assertThat(writtenTwice).allSatisfy(id -> assertThat(writesByB.get(id)).isEqualTo(1));
                assertThat(duplicatesDropped).isGreaterThanOrEqualTo(LEADS - unique.size());
                assertThat(writesByB).as("b did take part before it was killed").isNotEmpty();
                // how many leads b held at the kill depends on timing (a loaded machine may find it idle); the
                // figures above say it, and every lead it held is among the delivered ones

                // the poison message went to the dead-letter queue, as text, with the reason
                List<String> deadLetters = new QueueServiceClientBuilder().connectionString(azurite.connectionString())
                        .buildClient().getQueueClient("leads-dead-letter").receiveMessages(32).stream()
                        .map(message -> message.getBody().toString()).toList();
                assertThat(deadLetters).hasSize(1);
                JsonNode poison = json(deadLetters.get(0));
                assertThat(poison.path("lead").asText()).isEqualTo("this is not a lead");
                assertThat(poison.path("reason").asText()).startsWith("the inbox handed over a message that is not JSON");

                JdbcTemplate jdbc = new JdbcTemplate(postgres.getPostgresDatabase());
                assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED "
                        + "WHERE processorName = 'lead-dispatch' AND confirmed", Integer.class)).isEqualTo(800);
            }
        }
    }

    /** Posts leads from..to (exclusive) in parallel, each to the instance chosen for its index; every one must be accepted. */
    private static void post(ExecutorService clients, List<String> leads, int from, int to,
                             IntFunction<ConnectorProcess> instance, Set<String> acceptedIds,
                             DeliveredContent content) throws Exception {
        List<Future<?>> posts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            int index = i;
            posts.add(clients.submit(() -> {
                ConnectorProcess target = instance.apply(index);
                HttpResponse<String> answer = target.postLead(leads.get(index));
                assertThat(answer.statusCode()).as("lead %d to %s", index, target.name()).isEqualTo(202);
                acceptedIds.add(acceptedId(answer));
                content.accepted(acceptedId(answer), leads.get(index));
            }));
        }
        for (Future<?> post : posts) {
            post.get(60, TimeUnit.SECONDS);
        }
    }

    /** The lead ids of the archive's lead files (not of temporary files a killed process left). */
    private static Set<String> archivedIds(Path archive) {
        return files(archive).stream().map(p -> p.getFileName().toString())
                .filter(name -> name.matches("[0-9a-f]{32}\\.json"))
                .map(name -> name.substring(0, 32))
                .collect(Collectors.toSet());
    }

    /** The customers Salesforce got a Lead record for. */
    private static Set<String> salesforceEmails(FakeSalesforce salesforce) {
        return DeliveredContent.salesforceRecords(salesforce).stream().map(record -> record.path("Email").asText())
                .collect(Collectors.toSet());
    }

    private static String[] with(String[] settings, Path dataDir) {
        List<String> all = new ArrayList<>(List.of(settings));
        all.add("leads.data-dir=" + dataDir);
        return all.toArray(String[]::new);
    }

    private static Map<String, Long> count(Pattern pattern, String log) {
        Matcher matcher = pattern.matcher(log);
        List<String> ids = new ArrayList<>();
        while (matcher.find()) {
            ids.add(matcher.group(1));
        }
        return ids.stream().collect(Collectors.groupingBy(Function.identity(), LinkedHashMap::new, Collectors.counting()));
    }

    private static String lastLines(String log, int count) {
        List<String> lines = log.lines().toList();
        return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
