package dev.leadconnector;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.readJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.RunningConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** One target failing for good: the lead is parked for it, and every other target still gets it. */
class FailingTargetTest {

    @Test
    void aTargetThatKeepsFailingParksTheLeadAndTheOthersStillGetIt(@TempDir Path dataDir) {
        try (RunningConnector connector = RunningConnector.start(dataDir,
                "camel.main.routes-include-pattern=file:routes/*.camel.yaml,classpath:test-routes/deliver-broken.camel.yaml",
                "leads.targets.broken.enabled=true",
                "leads.delivery.max-redeliveries=2",
                "leads.delivery.redelivery-delay=10")) {
            String id = acceptedId(connector.postLead(Fixtures.lead("azure-marketplace-ins.json")));

            assertThat(connector.awaitArchived(id).path("action").asText()).isEqualTo("INS");
            Path parked = connector.deadLetters().resolve(id + "-broken.json");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(parked));
            JsonNode envelope = readJson(parked);
            assertThat(envelope.path("target").asText()).isEqualTo("broken");
            assertThat(envelope.path("reason").asText()).isEqualTo("delivery failed after 2 redeliveries");
            assertThat(envelope.path("error").asText()).isEqualTo("java.net.ConnectException: CRM unreachable");
            assertThat(envelope.path("lead").path("id").asText()).isEqualTo(id);

            // the archive has it for good; the broken target does not, so a replay can still deliver there
            connector.awaitInboxDrained();
            JdbcTemplate jdbc = new JdbcTemplate(connector.context().getBean(DataSource.class));
            assertThat(jdbc.queryForList("SELECT messageId FROM CAMEL_MESSAGEPROCESSED "
                    + "WHERE processorName = 'lead-delivery' AND confirmed", String.class))
                    .containsExactly("archive:" + id);
        }
    }
}
