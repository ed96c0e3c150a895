package dev.leadconnector.azure;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code leads.azure-queue.*}: the storage account holding the queues and the queues created at
 * start-up (documented in {@code application.yaml}; the connection string comes from the environment).
 */
@ConfigurationProperties("leads.azure-queue")
public record AzureQueueSettings(String connectionString, List<String> queues) {

    @Override
    public String toString() {
        return "AzureQueueSettings[queues=" + queues + "]"; // never the connection string
    }
}
