package dev.leadconnector.azure;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.leadconnector.support.Azurite;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** Target azure-table against Azurite: the entity read back through the Azure SDK, and an upsert on a repeat. */
@ExtendWith(Azurite.Extension.class)
class AzureTableTargetTest {

    static final String TABLE = "TargetLeads";
    @TempDir
    static Path dataDir;
    static RunningConnector connector;
    static TableClient table;

    @BeforeAll
    static void start(Azurite azurite) {
        connector = RunningConnector.start(dataDir,
                "leads.targets.azure-table.enabled=true",
                "leads.targets.azure-table.connection-string=" + azurite.connectionString(),
                "leads.targets.azure-table.table=" + TABLE);
        table = new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getTableClient(TABLE);
    }

    @AfterAll
    static void stop() {
        connector.close();
    }

    @Test
    void theLeadIsWrittenInTheMarketplacesOwnShapeWithFlatCustomerColumns() {
        String id = acceptedId(connector.postLead(Fixtures.lead("combined-lead-source.json")));

        TableEntity entity = awaitEntity("AzureMarketplace", id);
        assertThat(entity.getProperty("ActionCode")).isEqualTo("INS");
        assertThat(entity.getProperty("LeadSource")).isEqualTo("AzureMarketplace");
        assertThat(entity.getProperty("OfferDisplayName")).isEqualTo("Contoso Analytics Suite");
        assertThat(entity.getProperty("ProductId")).isEqualTo("contoso.contoso-analytics-suite");
        assertThat(entity.getProperty("Description")).isEqualTo("{\"mktcmpid\":\"spring-launch\",\"partnerid\":\"4711\"}");
        assertThat(entity.getProperty("CreatedTime")).isInstanceOf(OffsetDateTime.class);
        JsonNode customerInfo = json((String) entity.getProperty("CustomerInfo"));
        assertThat(customerInfo.toString()).isEqualTo("{\"FirstName\":\"Priya\",\"LastName\":\"Raman\","
                + "\"Email\":\"priya.raman@wingtip.example\",\"Phone\":\"919845550111\",\"Country\":\"IN\","
                + "\"Company\":\"Wingtip Toys\",\"Title\":\"Architect\"}");
        assertThat(entity.getProperty("FirstName")).isEqualTo("Priya");
        assertThat(entity.getProperty("LastName")).isEqualTo("Raman");
        assertThat(entity.getProperty("Email")).isEqualTo("priya.raman@wingtip.example");
        assertThat(entity.getProperty("Phone")).isEqualTo("919845550111");
        assertThat(entity.getProperty("Country")).isEqualTo("IN");
        assertThat(entity.getProperty("Company")).isEqualTo("Wingtip Toys");
        assertThat(entity.getProperty("Title")).isEqualTo("Architect");
        assertThat(entity.getProperty("LeadId")).isEqualTo(id);
        assertThat(entity.getProperty("Stage")).isEqualTo("initial-interest");
        assertThat(entity.getProperty("Test")).isEqualTo(false);

        // the lead's journey names the entity it became
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode journey = json(ManagementClient.viewer(connector).get("/actuator/leads/" + id).body());
            JsonNode target = StreamSupport.stream(journey.path("targets").spliterator(), false)
                    .filter(t -> t.path("target").asText().equals("azure-table")).findFirst().orElseThrow();
            assertThat(target.path("state").asText()).isEqualTo("delivered");
            assertThat(target.path("recordId").asText()).isEqualTo("AzureMarketplace/" + id);
        });
    }

    @Test
    void doNotContactLeadsAreRecordedToo() {
        String id = acceptedId(connector.postLead(Fixtures.lead("appsource-do-not-contact.json")));

        TableEntity entity = awaitEntity("AppSource", id);
        assertThat(entity.getProperty("ActionCode")).isEqualTo("DNC");
        assertThat(entity.getProperty("Stage")).isEqualTo("do-not-contact");
        assertThat(entity.getProperty("ProductId")).as("no offer id in a plain LeadSource").isNull();
    }

    @Test
    void aRepeatedDeliveryReplacesTheSameEntity() {
        String lead = Fixtures.lead("test-drive-start.json");
        String id = acceptedId(connector.postLead(lead));
        TableEntity first = awaitEntity("TestDrive", id);

        // an earlier delivery left a stale column; the dedup keys are gone (window passed, or the
        // confirmation was lost in a crash), so the lead is delivered to the table again
        table.upsertEntityWithResponse(new TableEntity("TestDrive", id).setProperties(first.getProperties())
                .addProperty("Stale", "from an earlier write"), TableEntityUpdateMode.REPLACE, null, null);
        new JdbcTemplate(connector.context().getBean(DataSource.class))
                .update("DELETE FROM CAMEL_MESSAGEPROCESSED WHERE messageId IN (?, ?)", id, "azure-table:" + id);
        connector.postLead(lead);

        await().atMost(Duration.ofSeconds(20)).until(() -> table.getEntity("TestDrive", id).getProperty("Stale") == null);
        TableEntity second = table.getEntity("TestDrive", id);
        assertThat((OffsetDateTime) second.getProperty("CreatedTime")).isAfter((OffsetDateTime) first.getProperty("CreatedTime"));
        List<TableEntity> withThisId = StreamSupport.stream(table.listEntities().spliterator(), false)
                .filter(e -> e.getRowKey().equals(id)).toList();
        assertThat(withThisId).hasSize(1);
    }

    private static TableEntity awaitEntity(String partitionKey, String rowKey) {
        await().atMost(Duration.ofSeconds(20)).ignoreException(TableServiceException.class)
                .until(() -> table.getEntity(partitionKey, rowKey) != null);
        return table.getEntity(partitionKey, rowKey);
    }
}
