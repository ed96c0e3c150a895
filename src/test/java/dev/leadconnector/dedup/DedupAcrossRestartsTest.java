package dev.leadconnector.dedup;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.files;
import static dev.leadconnector.support.RunningConnector.readJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.RunningConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** What the embedded defaults keep across a restart: waiting leads and seen lead ids. */
class DedupAcrossRestartsTest {

    @TempDir
    Path dataDir;

    @Test
    void aDuplicateIsStillRecognisedAfterARestart() {
        String lead = Fixtures.lead("test-drive-start.json");
        String id;
        String receivedAt;
        try (RunningConnector first = RunningConnector.start(dataDir)) {
            id = acceptedId(first.postLead(lead));
            receivedAt = first.awaitArchived(id).path("receivedAt").asText();
        }
        try (RunningConnector second = RunningConnector.start(dataDir)) {
            assertThat(acceptedId(second.postLead(lead))).isEqualTo(id);
            second.awaitInboxDrained();
            assertThat(readJson(second.archived(id)).path("receivedAt").asText())
                    .as("not dispatched again after the restart").isEqualTo(receivedAt);
            assertThat(files(second.archive())).hasSize(1);
        }
    }

    @Test
    void aLeadAcceptedButNotYetDispatchedIsDeliveredAfterARestart() throws Exception {
        String id;
        try (RunningConnector first = RunningConnector.start(dataDir)) {
            first.context().getBean(CamelContext.class).getRouteController().stopRoute("lead-dispatch");
            id = acceptedId(first.postLead(Fixtures.lead("azure-portal-create.json")));
            assertThat(files(first.inbox())).hasSize(1);
            assertThat(first.archived(id)).doesNotExist();
        }
        try (RunningConnector second = RunningConnector.start(dataDir)) {
            assertThat(second.awaitArchived(id).path("action").asText()).isEqualTo("Create");
        }
    }

    /**
     * A power cut plays out as: the inbox files the page cache held are gone or cut short, and the
     * inbox log's segments were written in an earlier boot of the machine.
     */
    @Test
    void leadsWhoseInboxFilesTheMachineLostAreDeliveredAfterItRestarts() throws Exception {
        List<String> ids = new ArrayList<>();
        Path log = dataDir.resolve("inbox-log");
        try (RunningConnector first = RunningConnector.start(dataDir)) {
            first.context().getBean(CamelContext.class).getRouteController().stopRoute("lead-dispatch");
            for (String fixture : List.of("azure-portal-create.json", "test-drive-start.json", "azure-marketplace-ins.json")) {
                ids.add(acceptedId(first.postLead(Fixtures.lead(fixture))));
            }
            assertThat(files(first.inbox())).hasSize(3);
            assertThat(files(log)).isNotEmpty();
        }
        Files.delete(dataDir.resolve("inbox").resolve(ids.get(0) + ".json"));
        Files.writeString(dataDir.resolve("inbox").resolve(ids.get(1) + ".json"), "");
        for (Path segment : files(log)) {
            Files.writeString(segment, Files.readString(segment).replaceFirst("\\{\"boot\":\"[^\"]*\"", "{\"boot\":\"an-earlier-boot\""));
        }

        try (RunningConnector second = RunningConnector.start(dataDir)) {
            for (String id : ids) {
                assertThat(second.awaitArchived(id).path("id").asText()).isEqualTo(id);
            }
            second.awaitInboxDrained();
            await().atMost(Duration.ofSeconds(20)).until(() -> files(log).isEmpty());
        }
    }

    @Test
    void keysOlderThanTheWindowAreForgotten() {
        try (RunningConnector connector = RunningConnector.start(dataDir,
                "leads.dedup.window=PT1S", "leads.dedup.purge-interval=200")) {
            String lead = Fixtures.lead("partial-details.json");
            String id = acceptedId(connector.postLead(lead));
            String firstReceivedAt = connector.awaitArchived(id).path("receivedAt").asText();

            JdbcTemplate jdbc = new JdbcTemplate(connector.context().getBean(DataSource.class));
            // both the dispatch key and the archive's delivery key, written a moment later
            await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                    "SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE messageId IN (?, ?)", Integer.class,
                    id, "archive:" + id) == 0);

            connector.postLead(lead);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    !readJson(connector.archived(id)).path("receivedAt").asText().equals(firstReceivedAt));
        }
    }
}
