package dev.leadconnector.azure;

import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadconnector.lead.MarketplacePayloadReader;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Source {@code azure-table}: reads the entities the marketplace wrote to a publisher's own table
 * since the last poll, oldest first, and turns each into the payload the marketplace would have
 * POSTed, for the same intake steps (schema check, canonical lead, inbox). What was read is kept in
 * a {@link TableWatermark}, moved past each entity only once its lead is in the inbox.
 */
@Component("azureTableSource")
public class AzureTableSource {

    /** Headers that say which entity an exchange holds. */
    public static final String TIMESTAMP = "tableTimestamp";
    public static final String PARTITION_KEY = "tablePartitionKey";
    public static final String ROW_KEY = "tableRowKey";
    private static final DateTimeFormatter ODATA = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'");

    /**
     * {@code leads.sources.azure-table.*} as this bean reads it (the route reads {@code enabled} and
     * {@code poll-interval}); defaults in {@code application.yaml}.
     */
    @ConfigurationProperties("leads.sources.azure-table")
    public record Settings(String connectionString, String table) {

        /** Never the connection string itself. */
        @Override
        public String toString() {
            return AzureTable.describe(table);
        }
    }

    private final ObjectMapper mapper;
    private final MarketplaceTableShape shape;
    private final MarketplacePayloadReader reader;
    private final TableWatermark watermark;
    private final AzureTable table;

    public AzureTableSource(ObjectMapper mapper, MarketplacePayloadReader reader, TableWatermark watermark,
                            Settings settings) {
        this.mapper = mapper;
        this.shape = new MarketplaceTableShape(mapper);
        this.reader = reader;
        this.watermark = watermark;
        this.table = AzureTable.existing("leads.sources.azure-table", settings.connectionString(), settings.table());
    }

    /** The entities not read yet, oldest first: at or after the watermark's time, less those already read at it. */
    public List<TableEntity> newEntities() {
        TableWatermark.Position from = watermark.position(sourceName());
        ListEntitiesOptions query = new ListEntitiesOptions();
        if (from != null) {
            query.setFilter("Timestamp ge datetime'" + ODATA.format(from.timestamp().atZoneSameInstant(ZoneOffset.UTC)) + "'");
        }
        // the service lists by PartitionKey and RowKey: read every match, then order by time
        return StreamSupport.stream(table.client().listEntities(query, null, null).spliterator(), false)
                .filter(entity -> from == null || !from.alreadyRead(entity.getTimestamp(), keyOf(entity)))
                .sorted(Comparator.comparing(TableEntity::getTimestamp))
                .toList();
    }

    /**
     * Replaces the entity with its properties as JSON (kept in the dead-letter store if it cannot be
     * read) and names it in headers; the lead id header is a stand-in until the lead has its id.
     */
    public String describe(@Body TableEntity entity, Exchange exchange) throws JsonProcessingException {
        exchange.getMessage().setHeader(TIMESTAMP, entity.getTimestamp());
        exchange.getMessage().setHeader(PARTITION_KEY, entity.getPartitionKey());
        exchange.getMessage().setHeader(ROW_KEY, entity.getRowKey());
        exchange.getMessage().setHeader("leadId", MarketplaceTableShape.key(keyOf(entity)).replace(' ', '_'));
        Map<String, Object> properties = new LinkedHashMap<>(entity.getProperties());
        properties.remove("odata.etag");
        return mapper.writeValueAsString(properties);
    }

    /**
     * The marketplace payload of an entity, with canonical key names, ready for the schema check;
     * the entity itself becomes the canonical lead's {@code original}.
     */
    public ObjectNode payload(@Body String entityJson, Exchange exchange) throws JsonProcessingException {
        ObjectNode entity = (ObjectNode) mapper.readTree(entityJson);
        exchange.setProperty(MarketplacePayloadReader.ORIGINAL, entity);
        return reader.read(mapper.writeValueAsBytes(shape.toPayload(entity)));
    }

    /** Moves the watermark past an entity whose lead is in the inbox (or parked). */
    public void markRead(@Header(TIMESTAMP) OffsetDateTime timestamp, @Header(PARTITION_KEY) String partitionKey,
                         @Header(ROW_KEY) String rowKey) {
        watermark.advance(sourceName(), timestamp, partitionKey + "/" + rowKey);
    }

    private String sourceName() {
        return "azure-table:" + table.name();
    }

    private static String keyOf(TableEntity entity) {
        return entity.getPartitionKey() + "/" + entity.getRowKey();
    }
}
