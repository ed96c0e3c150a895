package dev.leadconnector.metrics;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.support.TestLeads;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The leads_* metrics whatever Camel's statistics level: Camel reports a send as sent only when some
 * notifier listens to its sending, which at the Default level only LeadEvents itself does (at Extended,
 * Camel's runtime endpoint registry did too, and at Default the metrics used to stay empty).
 */
class LeadEventsStatisticsLevelTest {

    @ParameterizedTest
    @ValueSource(strings = {"Default", "Extended"})
    void aLeadIsCountedReceivedAndDelivered(String level, @TempDir Path dataDir) {
        try (RunningConnector connector = RunningConnector.start(dataDir, "camel.main.jmx-management-statistics-level=" + level)) {
            String id = acceptedId(connector.postLead(TestLeads.lead("level-" + level + "@fabrikam.example", "INS")));
            connector.awaitArchived(id);
            MeterRegistry registry = connector.context().getBean(MeterRegistry.class);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(registry.find("leads.received").tag("action", "INS").counter()).isNotNull()
                        .extracting(counter -> counter.count()).isEqualTo(1.0);
                assertThat(registry.find("leads.delivered").tags("target", "archive", "action", "INS").counter()).isNotNull()
                        .extracting(counter -> counter.count()).isEqualTo(1.0);
            });
        }
    }
}
