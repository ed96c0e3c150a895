package dev.leadconnector.azure;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.models.QueueMessageItem;
import dev.leadconnector.deadletter.DeadLetterSettings;
import dev.leadconnector.dispatch.InboxSettings;
import dev.leadconnector.privacy.QueueMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * An erasure in the Azure Storage queues (profile azure): the inbox queue's leads not yet dispatched and
 * the dead-letter queue's envelopes. A queue is read only by taking its messages, so each visible message
 * is taken (hidden for {@link #HOLD}), deleted when it is the customer's, and the others made visible again
 * at once, in their order of arrival no more than before (a queue keeps none). Taking a message counts a
 * delivery of it ({@code leads.inbox.max-deliveries}); a message an instance holds right now (a lead in
 * flight) is not seen. At most {@link #MOST} messages per queue are looked at.
 */
@Component
@Conditional(AzureQueueConfiguration.ConnectionStringSet.class)
public class QueueErasure implements QueueMessages {

    private static final Logger LOG = LoggerFactory.getLogger(QueueErasure.class);
    static final Duration HOLD = Duration.ofSeconds(30);
    static final int MOST = 10_000;

    private final QueueClient inbox;
    private final QueueClient deadLetters;

    @Autowired
    public QueueErasure(QueueServiceClient client, InboxSettings inbox, DeadLetterSettings deadLetters) {
        this(client, inbox.uri(), deadLetters.uri());
    }

    QueueErasure(QueueServiceClient client, String inboxUri, String deadLetterUri) {
        this.inbox = queue(client, inboxUri);
        this.deadLetters = queue(client, deadLetterUri);
    }

    /** The queue an {@code azure-storage-queue:<account>/<queue>?options} URI names, or null for another endpoint. */
    private static QueueClient queue(QueueServiceClient client, String uri) {
        if (!uri.startsWith("azure-storage-queue:")) {
            return null;
        }
        return client.getQueueClient(uri.replaceFirst("\\?.*", "").replaceFirst("^[^/]*/", ""));
    }

    @Override
    public int eraseInbox(Predicate<String> erased) {
        return erase(inbox, erased);
    }

    @Override
    public int eraseDeadLetters(Predicate<String> erased) {
        return erase(deadLetters, erased);
    }

    static int erase(QueueClient queue, Predicate<String> erased) {
        if (queue == null) {
            return 0;
        }
        List<QueueMessageItem> others = new ArrayList<>();
        int removed = 0;
        try {
            int seen = 0;
            while (seen < MOST) {
                List<QueueMessageItem> batch = new ArrayList<>();
                queue.receiveMessages(32, HOLD, null, null).forEach(batch::add);
                if (batch.isEmpty()) {
                    break;
                }
                seen += batch.size();
                for (QueueMessageItem message : batch) {
                    if (erased.test(message.getBody().toString())) {
                        queue.deleteMessage(message.getMessageId(), message.getPopReceipt());
                        removed++;
                    } else {
                        others.add(message);
                    }
                }
            }
        } finally {
            for (QueueMessageItem message : others) {
                try {
                    queue.updateMessage(message.getMessageId(), message.getPopReceipt(), message.getBody().toString(),
                            Duration.ZERO);
                } catch (RuntimeException e) {
                    // it comes back by itself once HOLD has passed
                    LOG.warn("Erasure: a message of queue {} stays hidden for up to {}: {}", queue.getQueueName(), HOLD,
                            e.toString());
                }
            }
        }
        return removed;
    }
}
