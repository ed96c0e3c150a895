package dev.leadconnector.azure;

import static dev.leadconnector.support.RunningConnector.files;
import static dev.leadconnector.support.RunningConnector.readJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.TableEntity;
import com.fasterxml.jackson.databind.JsonNode;
import dev.leadconnector.support.Azurite;
import dev.leadconnector.support.RunningConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Source azure-table against Azurite: entities written the way the marketplace writes them are read
 * into the pipeline once, also across a restart, and an entity that is no lead is parked.
 */
@ExtendWith({Azurite.Extension.class, OutputCaptureExtension.class})
class AzureTableSourceTest {

    static final String TABLE = "MarketplaceLeadsSource";
    static final String READ = "read from table " + TABLE;

    @Test
    void marketplaceEntitiesArePickedUpOnceAcrossARestart(Azurite azurite, @TempDir Path dataDir, CapturedOutput output)
            throws Exception {
        TableClient table = new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .createTableIfNotExists(TABLE);
        table.createEntity(marketplaceEntity("AzureMarketplace", "INS",
                "{\"FirstName\":\"Avery\",\"LastName\":\"Quinn\",\"Email\":\"Avery.Quinn@fabrikam.example\","
                        + "\"Phone\":\"14255550142\",\"Country\":\"US\",\"Company\":\"Fabrikam\",\"Title\":\"CTO\"}")
                .addProperty("ProductId", "contoso.contoso-analytics-suite"));
        table.createEntity(marketplaceEntity("AppSource", "PLT",
                "{\"FirstName\":\"Mei\",\"LastName\":\"Tanaka\",\"Email\":\"mei.tanaka@northwind.example\","
                        + "\"Phone\":\"\",\"Country\":\"Japan\",\"Company\":\"Northwind Traders\",\"Title\":\"\"}"));
        String[] settings = {
                "leads.sources.azure-table.enabled=true",
                "leads.sources.azure-table.connection-string=" + azurite.connectionString(),
                "leads.sources.azure-table.table=" + TABLE,
                "leads.sources.azure-table.poll-interval=200"};

        try (RunningConnector connector = RunningConnector.start(dataDir, settings)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> files(connector.archive()).size() == 2);
            Map<String, JsonNode> byAction = files(connector.archive()).stream().map(RunningConnector::readJson)
                    .collect(Collectors.toMap(lead -> lead.path("action").asText(), Function.identity()));
            JsonNode ins = byAction.get("INS");
            assertThat(ins.path("source").asText()).isEqualTo("AzureMarketplace");
            assertThat(ins.path("stage").asText()).isEqualTo("initial-interest");
            assertThat(ins.path("offer").path("id").asText()).isEqualTo("contoso.contoso-analytics-suite");
            assertThat(ins.path("offer").path("title").asText()).isEqualTo("Contoso Analytics Suite");
            assertThat(ins.path("customer").path("email").asText()).isEqualTo("avery.quinn@fabrikam.example");
            assertThat(ins.path("customer").path("company").asText()).isEqualTo("Fabrikam");
            assertThat(ins.path("original").path("PublisherDisplayName").asText()).isEqualTo("Contoso");
            JsonNode plt = byAction.get("PLT");
            assertThat(plt.path("customer").path("lastName").asText()).isEqualTo("Tanaka");
            assertThat(plt.path("customer").has("phone")).as("empty values are left out").isFalse();

            awaitMorePolls(connector);
            assertThat(occurrences(output.getOut(), READ)).isEqualTo(2);
        }
        int readBeforeRestart = occurrences(output.getOut(), READ);

        // while the connector is down, the marketplace writes one good lead and one broken entity
        TableEntity broken = marketplaceEntity("AppSource", "INS", "{not json");
        table.createEntity(broken);
        table.createEntity(marketplaceEntity("TestDrive", "StartTestDrive",
                "{\"FirstName\":\"Jonas\",\"LastName\":\"Weber\",\"Email\":\"j.weber@adatum.example\"}"));

        try (RunningConnector connector = RunningConnector.start(dataDir, settings)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> files(connector.archive()).size() == 3);
            Path parked = connector.deadLetters().resolve(broken.getPartitionKey() + "_" + broken.getRowKey() + "-router.json");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(parked));
            assertThat(readJson(parked).path("reason").asText()).contains("is not a lead").contains("CustomerInfo");
            assertThat(readJson(parked).path("lead").path("CustomerInfo").asText()).isEqualTo("{not json");

            awaitMorePolls(connector);
            assertThat(occurrences(output.getOut(), READ) - readBeforeRestart)
                    .as("only the lead written while it was down").isEqualTo(1);
            List<String> actions = files(connector.archive()).stream()
                    .map(file -> readJson(file).path("action").asText()).sorted().toList();
            assertThat(actions).containsExactly("INS", "PLT", "StartTestDrive");
        }
    }

    /** Five more polls of the table have ended (whatever they found), so a lead read twice would show by now. */
    private static void awaitMorePolls(RunningConnector connector) {
        NotifyBuilder polls = new NotifyBuilder(connector.context().getBean(CamelContext.class))
                .fromRoute("source-azure-table").whenCompleted(5).create();
        assertThat(polls.matches(20, TimeUnit.SECONDS)).as("five more polls of the table").isTrue();
    }

    /** An entity as the marketplace's table lead destination writes it (lead-format.md, section 2). */
    private static TableEntity marketplaceEntity(String leadSource, String action, String customerInfo) {
        return new TableEntity(OffsetDateTime.now().toLocalDate().toString(), UUID.randomUUID().toString())
                .addProperty("ActionCode", action)
                .addProperty("CreatedTime", OffsetDateTime.now())
                .addProperty("CustomerInfo", customerInfo)
                .addProperty("Description", "")
                .addProperty("LeadSource", leadSource)
                .addProperty("OfferDisplayName", "Contoso Analytics Suite")
                .addProperty("PublisherDisplayName", "Contoso");
    }

    private static int occurrences(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }
}
