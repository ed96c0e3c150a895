package dev.leadconnector.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A health check's time bound: answers within it, one run at a time, a late answer not thrown away. */
class BoundedCheckTest {

    final BoundedCheck bound = new BoundedCheck(Duration.ofMillis(200));
    final AtomicInteger runs = new AtomicInteger();

    @Test
    void aHungCheckTimesOutWithinItsBoundAndIsNotStartedAgainWhileItHangs() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        for (int probe = 0; probe < 5; probe++) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> bound.call(() -> {
                runs.incrementAndGet();
                release.await();
                return 1L;
            })).isInstanceOf(BoundedCheck.TimedOut.class).hasMessage("no answer within 200 ms");
            assertThat((System.nanoTime() - started) / 1_000_000).as("ms").isLessThan(2_000);
        }
        assertThat(runs).as("checks started").hasValue(1);
        release.countDown();
    }

    @Test
    void aSlowCheckGivesItsLateAnswerToTheNextCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        assertThatThrownBy(() -> bound.call(() -> {
            runs.incrementAndGet();
            release.await();
            finished.countDown();
            return 7L;
        })).isInstanceOf(BoundedCheck.TimedOut.class);
        release.countDown();
        finished.await();
        // the late answer, not a new run
        await().atMost(Duration.ofSeconds(1)).until(() -> bound.<Long>call(() -> {
            runs.incrementAndGet();
            return 8L;
        }) == 7L);
        assertThat(runs).hasValue(1);
        // once collected, the next call runs the check again
        assertThat(bound.<Long>call(() -> {
            runs.incrementAndGet();
            return 8L;
        })).isEqualTo(8L);
        assertThat(runs).hasValue(2);
    }

    @Test
    void aFailingCheckThrowsItsOwnException() {
        assertThatThrownBy(() -> bound.call(() -> {
            throw new IOException("inbox folder missing");
        })).isInstanceOf(IOException.class).hasMessage("inbox folder missing");
    }
}
