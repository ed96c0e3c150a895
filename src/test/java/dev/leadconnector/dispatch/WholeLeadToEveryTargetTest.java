package dev.leadconnector.dispatch;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import dev.leadconnector.support.Azurite;
import dev.leadconnector.support.DeliveredContent;
import dev.leadconnector.support.DeliveredContent.Webhook;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.targets.salesforce.FakeSalesforce;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router hands each lead to its targets in parallel: archive, https and salesforce here. Several
 * hundred leads, posted by several clients at once so deliveries overlap, must reach every target
 * whole, whatever the inbox: the file inbox of the embedded defaults and the Azure Storage Queue of
 * the azure profile (whose consumer hands over a stream).
 */
@ExtendWith(Azurite.Extension.class)
class WholeLeadToEveryTargetTest {

    static final int LEADS = 300;

    @TempDir
    Path dataDir;
    Webhook webhook;
    FakeSalesforce salesforce;

    @BeforeEach
    void startFakes() {
        webhook = new Webhook();
        salesforce = FakeSalesforce.onFreePort();
        salesforce.start();
        salesforce.reset();
        salesforce.noLeads();
        salesforce.createsEach();
    }

    @AfterEach
    void stopFakes() {
        webhook.close();
        salesforce.close();
    }

    @Test
    void theFileInboxGivesEveryTargetTheWholeLead() throws Exception {
        try (RunningConnector connector = RunningConnector.start(dataDir, targets())) {
            deliverAndCheck(connector);
        }
    }

    @Test
    void theQueueInboxGivesEveryTargetTheWholeLead(Azurite azurite) throws Exception {
        String queue = "whole-lead-inbox";
        String deadLetters = "whole-lead-dead-letter";
        QueueClient inbox = new QueueServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getQueueClient(queue);
        inbox.createIfNotExists();
        // a lead whose handling failed twice before (dequeue count 3 when dispatch takes it): parked, not tried again
        String stuck = "{\"id\":\"0123456789abcdef0123456789abcdef\",\"action\":\"INS\",\"test\":false}";
        inbox.sendMessage(stuck);
        for (int handedOut = 0; handedOut < 2; handedOut++) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> inbox.receiveMessages(1, Duration.ofSeconds(1), null, null).stream().count() == 1);
        }
        // and a message that is no lead at all: parked at once
        inbox.sendMessage("this is not a lead");

        String queueUri = "azure-storage-queue:storage/" + queue + "?serviceClient=#queueServiceClient";
        try (RunningConnector connector = RunningConnector.start(dataDir, Stream.concat(Stream.of(targets()), Stream.of(
                "spring.profiles.active=azure",
                "leads.azure-queue.connection-string=" + azurite.connectionString(),
                "leads.azure-queue.queues=" + queue + "," + deadLetters,
                "leads.inbox.uri=" + queueUri + "&maxMessages=16&visibilityTimeout=PT2M&greedy=true&delay=200",
                "leads.inbox.send-uri=" + queueUri,
                "leads.inbox.max-deliveries=2",
                "leads.dead-letter.uri=azure-storage-queue:storage/" + deadLetters + "?serviceClient=#queueServiceClient",
                "leads.dedup.jdbc-url=jdbc:h2:file:" + dataDir.toAbsolutePath() + "/dedup",
                "leads.dedup.username=sa")).toArray(String[]::new))) {
            deliverAndCheck(connector);

            QueueClient parked = new QueueServiceClientBuilder().connectionString(azurite.connectionString())
                    .buildClient().getQueueClient(deadLetters);
            List<String> reasons = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                parked.receiveMessages(32).forEach(message -> reasons.add(json(message.getBody().toString())
                        .path("reason").asText()));
                return reasons.size() >= 2;
            });
            assertThat(reasons).hasSize(2).contains("handed out 3 times by the inbox, more than 2")
                    .anySatisfy(reason -> assertThat(reason).startsWith("the inbox handed over a message that is not JSON"));
        }
    }

    private String[] targets() {
        return Stream.of(webhook.settings(), salesforce.settings(), new String[] {
                        "leads.targets.salesforce.batch.max-wait=200ms",
                        "leads.delivery.redelivery-delay=10",
                        "leads.delivery.max-delay=1s"})
                .flatMap(Stream::of).toArray(String[]::new);
    }

    /** Posts LEADS leads of distinct customers from 8 clients, waits for every target, checks what each got. */
    private void deliverAndCheck(RunningConnector connector) throws Exception {
        DeliveredContent content = new DeliveredContent();
        String template = Fixtures.lead("azure-marketplace-ins.json");
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> posts = new ArrayList<>();
            for (int i = 0; i < LEADS; i++) {
                String lead = template.replace("avery.quinn@", "whole-" + i + "@").replace("\"Avery\"", "\"Avery" + i + "\"");
                posts.add(clients.submit(() -> {
                    HttpResponse<String> answer = connector.postLead(lead);
                    assertThat(answer.statusCode()).isEqualTo(202);
                    content.accepted(acceptedId(answer), lead);
                }));
            }
            for (Future<?> post : posts) {
                post.get(60, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(content.acceptedIds()).hasSize(LEADS);

        boolean allArrived = true;
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() ->
                    RunningConnector.files(connector.archive()).stream()
                            .filter(file -> file.getFileName().toString().matches("[0-9a-f]{32}\\.json")).count() >= LEADS
                            && webhook.leadIds().size() >= LEADS
                            && DeliveredContent.salesforceRecords(salesforce).size() >= LEADS);
        } catch (ConditionTimeoutException missing) {
            allArrived = false; // what did arrive is checked all the same, then the test fails
        }

        List<String> archive = content.archiveProblems(connector.archive());
        List<String> https = content.httpsProblems(webhook);
        List<String> records = content.salesforceProblems(salesforce);
        System.out.printf("%nWhole lead to every target: %d leads; archive files broken %d, HTTPS requests wrong %d"
                        + " of %d, Salesforce records wrong %d of %d%n%n", LEADS, archive.size(), https.size(),
                webhook.server().getAllServeEvents().size(), records.size(),
                DeliveredContent.salesforceRecords(salesforce).size());
        assertThat(archive).as("archive files").isEmpty();
        assertThat(allArrived).as("every target got every lead within 2 minutes").isTrue();
        assertThat(https).as("requests at the HTTPS endpoint").isEmpty();
        assertThat(webhook.leadIds()).isEqualTo(content.acceptedIds());
        assertThat(records).as("Salesforce records").isEmpty();
        assertThat(connector.deadLetters().toFile().list()).as("dead letters").isNullOrEmpty();
    }
}
