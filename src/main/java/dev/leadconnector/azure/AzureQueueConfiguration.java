package dev.leadconnector.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.util.Context;
import com.azure.core.util.HttpClientOptions;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClient;
import dev.leadconnector.dispatch.InboxSettings;
import dev.leadconnector.health.InboxProbe;
import dev.leadconnector.health.InboxScheme;
import com.azure.storage.queue.QueueServiceClientBuilder;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Azure Storage Queues for the inbox between instances (profile {@code azure}). camel-azure-storage-queue
 * would build {@code https://<account>.queue.core.windows.net} itself; this client is built from the
 * connection string instead, so any endpoint (a sovereign cloud, Azurite) works, and the routes name
 * it with {@code serviceClient=#queueServiceClient}. The queues are created at start-up when absent,
 * because the consumer does not create its queue.
 *
 * <p>Every call it makes is bounded ({@code leads.inbox.azure.*}, documented in application-azure.yaml):
 * the HTTP client's connect, write, response and read timeouts, and the storage retry policy's tries,
 * time per try and delays. Without them a queue service that accepts connections but does not answer
 * (a hung process, a half-open connection) held each intake request for a minute per try.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(AzureQueueConfiguration.ConnectionStringSet.class)
public class AzureQueueConfiguration {

    static final String CONNECTION_STRING = "leads.azure-queue.connection-string";
    private static final Logger LOG = LoggerFactory.getLogger(AzureQueueConfiguration.class);

    @Bean
    public QueueServiceClient queueServiceClient(AzureQueueSettings queues, InboxSettings inbox) {
        InboxSettings.Azure bounds = inbox.requireAzure();
        HttpClientOptions http = new HttpClientOptions()
                .setConnectTimeout(bounds.connectTimeout())
                .setWriteTimeout(bounds.responseTimeout())
                .setResponseTimeout(bounds.responseTimeout())
                .setReadTimeout(bounds.responseTimeout());
        QueueServiceClient client = new QueueServiceClientBuilder().connectionString(queues.connectionString())
                .httpClient(HttpClient.createDefault(http))
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, bounds.maxTries(), bounds.tryTimeout(),
                        bounds.retryDelay(), bounds.maxRetryDelay(), null))
                .buildClient();
        for (String queue : queues.queues()) {
            client.getQueueClient(queue).createIfNotExists();
        }
        LOG.info("Azure Storage queues ready: {}", queues.queues());
        return client;
    }

    /** The inbox's depth for health and metrics: the queue's approximate message count. */
    @Bean
    @Conditional(InboxScheme.AzureQueue.class)
    InboxProbe queueInbox(QueueServiceClient client, InboxSettings settings) {
        String inboxUri = settings.uri();
        Duration timeout = settings.requireAzure().sendTimeout();
        // azure-storage-queue:<account>/<queue>?options
        String queue = inboxUri.replaceFirst("\\?.*", "").replaceFirst("^[^/]*/", "");
        QueueClient inbox = client.getQueueClient(queue);
        return new InboxProbe() {
            @Override
            public long depth() {
                return inbox.getPropertiesWithResponse(timeout, Context.NONE).getValue().getApproximateMessagesCount();
            }

            @Override
            public String location() {
                return "azure-storage-queue " + queue;
            }
        };
    }

    /** On when {@code leads.azure-queue.connection-string} has a value (an empty default means off). */
    static final class ConnectionStringSet implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return StringUtils.hasText(context.getEnvironment().getProperty(CONNECTION_STRING));
        }
    }
}
