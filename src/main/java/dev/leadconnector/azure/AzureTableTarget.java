package dev.leadconnector.azure;

import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.lead.Lead;
import dev.leadconnector.targets.batch.Ticket;
import org.apache.camel.Body;
import org.apache.camel.Message;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Target {@code azure-table}: upserts each lead into an Azure Table in the marketplace's own entity
 * shape ({@link MarketplaceTableShape}). The client is built and the table created on the first lead,
 * so a storage account that is down fails deliveries (redelivered, then parked), not the start-up.
 */
@Component("azureTableTarget")
public class AzureTableTarget {

    /**
     * {@code leads.targets.azure-table.*}: the storage account and the table (defaults in
     * {@code application.yaml}); an empty connection string fails the first delivery, not the start.
     */
    @ConfigurationProperties("leads.targets.azure-table")
    public record Settings(String connectionString, String table) {

        /** Never the connection string itself. */
        @Override
        public String toString() {
            return AzureTable.describe(table);
        }
    }

    private final ObjectMapper mapper;
    private final MarketplaceTableShape shape;
    private final AzureTable table;

    public AzureTableTarget(ObjectMapper mapper, Settings settings) {
        this.mapper = mapper;
        this.shape = new MarketplaceTableShape(mapper);
        this.table = AzureTable.createdOnFirstUse("leads.targets.azure-table", settings.connectionString(), settings.table());
    }

    /**
     * Writes the lead (canonical JSON) as one entity, replacing the entity of an earlier delivery, and
     * names the entity ({@code PartitionKey/RowKey}) in {@code crmRecordId} for the lead's journey.
     */
    public void upsert(@Body String leadJson, Message message) throws Exception {
        Lead lead = mapper.readValue(leadJson, Lead.class);
        TableEntity entity = shape.toEntity(lead);
        table.client().upsertEntityWithResponse(entity, TableEntityUpdateMode.REPLACE, null, null);
        message.setHeader(Ticket.RECORD_ID, entity.getPartitionKey() + "/" + entity.getRowKey());
    }
}
