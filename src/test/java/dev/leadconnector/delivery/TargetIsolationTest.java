package dev.leadconnector.delivery;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.leadconnector.support.FlakyTarget;
import dev.leadconnector.support.RunningConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A CRM that is down and being retried slowly delays neither the other targets nor the leads behind it. */
class TargetIsolationTest {

    @Test
    void aDownCrmDoesNotHoldBackTheArchive(@TempDir Path dataDir) {
        FlakyTarget.down = true;
        FlakyTarget.RECEIVED.clear();
        try (RunningConnector connector = RunningConnector.start(dataDir,
                "camel.main.routes-include-pattern=file:routes/*.camel.yaml,classpath:test-routes/deliver-flaky.camel.yaml",
                "leads.targets.flaky.enabled=true",
                // each lead waits 2-4 s, then 4-8 s, then 8 s for the flaky CRM: far beyond 5 s if retries blocked the pipeline
                "leads.targets.flaky.retry.max-redeliveries=3",
                "leads.targets.flaky.retry.redelivery-delay=4s",
                "leads.targets.flaky.retry.max-delay=8s")) {
            List<String> ids = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                ids.add(acceptedId(connector.postLead("{\"UserDetails\": {\"Email\": \"isolated-" + i
                        + "@example.test\"}, \"LeadSource\": \"AzureMarketplace\", \"ActionCode\": \"INS\"}")));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> ids.stream().allMatch(id -> Files.exists(connector.archived(id))));
            Duration allArchived = Duration.ofNanos(System.nanoTime() - start);
            assertThat(allArchived).as("all five archived while the flaky CRM's first retry is still pending")
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(ids).noneMatch(id -> Files.exists(connector.deadLetters().resolve(id + "-flaky.json")));

            FlakyTarget.down = false; // the CRM comes back: the pending retries deliver
            await().atMost(Duration.ofSeconds(30)).until(() -> FlakyTarget.RECEIVED.containsAll(ids));
            assertThat(FlakyTarget.RECEIVED).hasSize(5);
        } finally {
            FlakyTarget.down = false;
        }
    }
}
