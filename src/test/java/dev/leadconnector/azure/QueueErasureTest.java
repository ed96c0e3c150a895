package dev.leadconnector.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import com.azure.storage.queue.models.PeekedMessageItem;
import dev.leadconnector.journal.JournalStore;
import dev.leadconnector.support.Azurite;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 30 under profile azure, store by store: the inbox queue's and the dead-letter queue's messages
 * of one customer are deleted (Azurite), the others stay and are visible again at once; the journal's
 * erasure on PostgreSQL (embedded) removes that customer's rows and events and keeps the other's.
 */
@ExtendWith(Azurite.Extension.class)
class QueueErasureTest {

    static final Predicate<String> ADA = text -> text.contains("ada@contoso.example");

    @Test
    void aCustomersWaitingMessagesAreDeletedAndTheOthersStayVisible(Azurite azurite) {
        QueueServiceClient client = new QueueServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
        QueueClient inbox = client.getQueueClient("erasure-inbox");
        QueueClient deadLetters = client.getQueueClient("erasure-dead-letter");
        inbox.createIfNotExists();
        deadLetters.createIfNotExists();
        inbox.sendMessage("{\"id\":\"a1\",\"customer\":{\"email\":\"ada@contoso.example\"}}");
        inbox.sendMessage("{\"id\":\"b1\",\"customer\":{\"email\":\"bob@fabrikam.example\"}}");
        inbox.sendMessage("{\"id\":\"a2\",\"customer\":{\"email\":\"ada@contoso.example\"}}");
        deadLetters.sendMessage("{\"leadId\":\"a3\",\"lead\":{\"customer\":{\"email\":\"ada@contoso.example\"}}}");
        QueueErasure erasure = new QueueErasure(client,
                "azure-storage-queue:storage/erasure-inbox?serviceClient=#queueServiceClient&maxMessages=5",
                "azure-storage-queue:storage/erasure-dead-letter?serviceClient=#queueServiceClient");

        assertThat(erasure.eraseInbox(ADA)).isEqualTo(2);
        assertThat(erasure.eraseDeadLetters(ADA)).isEqualTo(1);

        List<PeekedMessageItem> left = new ArrayList<>();
        inbox.peekMessages(32, null, null).forEach(left::add);
        System.out.println("Issue 30, the inbox queue after the erasure: "
                + left.stream().map(message -> message.getBody().toString()).toList());
        assertThat(left).as("visible again at once").singleElement()
                .satisfies(message -> assertThat(message.getBody().toString()).contains("bob@fabrikam.example"));
        assertThat(deadLetters.getProperties().getApproximateMessagesCount()).isZero();
        assertThat(erasure.eraseInbox(ADA)).as("a second erasure").isZero();
    }

    @Test
    void theJournalsErasureOnPostgresKeepsTheOtherCustomer() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            JournalStore store = new JournalStore(postgres.getPostgresDatabase());
            Instant now = Instant.now();
            store.addLead(new JournalStore.LeadRow("a1", now, "hash-ada", "INS", "{}"));
            store.addLead(new JournalStore.LeadRow("a2", now, "hash-ada", "PLT", "{}"));
            store.addLead(new JournalStore.LeadRow("b1", now, "hash-bob", "INS", "{}"));
            store.addEvents(List.of(new JournalStore.Event("a1", now, "delivered", "salesforce", null, "00Q1", null),
                    new JournalStore.Event("a2", now, "delivered", "archive", null, "x", null),
                    new JournalStore.Event("a2", now, "parked", "https", null, null, "{}"),
                    new JournalStore.Event("b1", now, "delivered", "hubspot", null, "7", null)));

            List<String> ids = store.leadIdsByEmailHash("hash-ada");
            assertThat(ids).containsExactlyInAnyOrder("a1", "a2");
            assertThat(store.deliveredTargets(ids)).containsExactly("archive", "salesforce");
            assertThat(store.erase("hash-ada", ids)).isEqualTo(new JournalStore.Erased(2, 3));

            JdbcTemplate jdbc = new JdbcTemplate(postgres.getPostgresDatabase());
            assertThat(jdbc.queryForList("SELECT lead_id FROM LEAD_JOURNAL_LEAD", String.class)).containsExactly("b1");
            assertThat(jdbc.queryForList("SELECT lead_id FROM LEAD_JOURNAL", String.class)).containsExactly("b1");
            assertThat(store.erase("hash-ada", store.leadIdsByEmailHash("hash-ada"))).isEqualTo(new JournalStore.Erased(0, 0));
        }
    }
}
