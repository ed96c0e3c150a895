package dev.leadconnector.azure;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;

/**
 * One Azure Table the connector reaches with a connection string (the azure-table source's and target's).
 * Its client is made on first use, so a storage account that is down or not configured fails that use (a
 * poll, a delivery), not the start-up; the connection string is in no log line and no settings' {@code toString} ({@link #describe}).
 */
final class AzureTable {

    private final String prefix;
    private final String connectionString;
    private final String table;
    private final boolean create;
    private volatile TableClient client;

    private AzureTable(String prefix, String connectionString, String table, boolean create) {
        this.prefix = prefix;
        this.connectionString = connectionString == null ? "" : connectionString;
        this.table = table;
        this.create = create;
    }

    /** A table someone else writes (the marketplace's): read as it is, never created. */
    static AzureTable existing(String prefix, String connectionString, String table) {
        return new AzureTable(prefix, connectionString, table, false);
    }

    /** A table of the connector's own: created on first use when it is not there yet. */
    static AzureTable createdOnFirstUse(String prefix, String connectionString, String table) {
        return new AzureTable(prefix, connectionString, table, true);
    }

    /** The settings' {@code toString}: the table, never the connection string. */
    static String describe(String table) {
        return "Settings[table=" + table + "]";
    }

    String name() {
        return table;
    }

    TableClient client() {
        TableClient current = client;
        if (current == null) {
            synchronized (this) {
                if (client == null) {
                    if (connectionString.isBlank()) {
                        throw new IllegalStateException(prefix + ".connection-string is not set");
                    }
                    TableServiceClient service = new TableServiceClientBuilder()
                            .connectionString(connectionString).buildClient();
                    if (create) {
                        service.createTableIfNotExists(table);
                    }
                    client = service.getTableClient(table);
                }
                current = client;
            }
        }
        return current;
    }
}
