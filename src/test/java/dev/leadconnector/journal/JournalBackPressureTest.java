package dev.leadconnector.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.journal.JournalStore.Event;
import dev.leadconnector.security.SecretValues;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.StandardEnvironment;

/**
 * A journal writer that falls behind dispatch holds dispatch back instead of queueing without end: under
 * load on a busy machine the queue (100,000 entries, each lead's row with its whole JSON) outgrew the
 * 112 MB heap and the process ended in OutOfMemoryError (issue 29).
 */
class JournalBackPressureTest {

    @Test
    void aWriterThatFallsBehindHoldsDispatchBackWithinTheBoundAndLosesNothing() throws Exception {
        CountDownLatch databaseHangs = new CountDownLatch(1);
        AtomicInteger written = new AtomicInteger();
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:backpressure;DB_CLOSE_DELAY=-1");
        JournalStore slow = new JournalStore(h2) {
            @Override
            public void addEvents(List<Event> events) {
                try {
                    databaseHangs.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.addEvents(events);
                written.addAndGet(events.size());
            }
        };
        LeadJournal journal = new LeadJournal(slow, new ObjectMapper(), "key", new SecretValues(new StandardEnvironment()),
                Clock.systemUTC());
        journal.start();
        int entries = LeadJournal.CAPACITY * 3;
        Thread dispatch = new Thread(() -> {
            for (int i = 0; i < entries; i++) {
                journal.duplicate("%032x".formatted(i));
            }
        }, "dispatch");
        try {
            dispatch.start();
            // the writer holds one batch; dispatch fills the queue to its bound and then waits
            await().atMost(Duration.ofSeconds(30)).until(() -> dispatch.getState() == Thread.State.TIMED_WAITING
                    && journal.queued() == LeadJournal.CAPACITY);
            assertThat(dispatch.isAlive()).isTrue();

            databaseHangs.countDown();
            dispatch.join(Duration.ofSeconds(30).toMillis());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(written.get()).isEqualTo(entries));
            assertThat(journal.dropped()).isZero();
        } finally {
            databaseHangs.countDown();
            journal.stop();
        }
    }
}
