package dev.leadconnector.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadconnector.support.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the lease repository promises, run on each database it supports. */
abstract class LeaseRepositoryContract {

    static final Duration LEASE = Duration.ofMinutes(2);
    final MovableClock clock = new MovableClock(Instant.parse("2026-11-26T12:00:00Z"));
    LeaseMessageIdRepository repository;

    abstract DataSource dataSource();

    LeaseMessageIdRepository newRepository(String processor) {
        LeaseMessageIdRepository created = new LeaseMessageIdRepository(dataSource(), processor, LEASE, clock);
        created.start();
        return created;
    }

    @BeforeEach
    void open() {
        repository = newRepository("contract-" + System.nanoTime());
    }

    @AfterEach
    void close() {
        repository.stop();
    }

    @Test
    void aConfirmedKeyIsADuplicate() {
        assertThat(repository.add("lead-1")).isTrue();
        assertThat(repository.confirm("lead-1")).isTrue();
        assertThat(repository.add("lead-1")).isFalse();
        assertThat(repository.contains("lead-1")).isTrue();
    }

    @Test
    void aFreshUnconfirmedClaimIsBusyNotADuplicate() {
        assertThat(repository.add("lead-2")).isTrue();
        clock.advance(LEASE.minusSeconds(1));
        assertThatThrownBy(() -> repository.add("lead-2"))
                .isInstanceOf(LeaseMessageIdRepository.LeadBusyException.class)
                .hasMessageContaining("lead-2");
    }

    @Test
    void anExpiredClaimOfADeadConsumerIsTakenOverOnce() {
        assertThat(repository.add("lead-3")).isTrue();
        clock.advance(LEASE.plusSeconds(1));
        assertThat(repository.add("lead-3")).isTrue();
        assertThatThrownBy(() -> repository.add("lead-3")).isInstanceOf(LeaseMessageIdRepository.LeadBusyException.class);
    }

    @Test
    void aRemovedKeyCanBeClaimedAgain() {
        assertThat(repository.add("lead-4")).isTrue();
        assertThat(repository.remove("lead-4")).isTrue();
        assertThat(repository.add("lead-4")).isTrue();
    }

    @Test
    void keysOfOtherProcessorsAreIndependent() {
        LeaseMessageIdRepository other = newRepository("other-" + System.nanoTime());
        try {
            assertThat(repository.add("lead-5")).isTrue();
            assertThat(other.add("lead-5")).isTrue();
        } finally {
            other.stop();
        }
    }

    @Test
    void twoInstancesRacingOnOneKeyCannotBothWin() throws Exception {
        LeaseMessageIdRepository second = new LeaseMessageIdRepository(dataSource(), repository.getProcessorName(),
                LEASE, clock);
        second.start();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 50; round++) {
                String key = "race-" + round;
                List<Callable<Boolean>> racers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    LeaseMessageIdRepository racer = i % 2 == 0 ? repository : second;
                    racers.add(() -> {
                        try {
                            return racer.add(key);
                        } catch (LeaseMessageIdRepository.LeadBusyException busy) {
                            return false;
                        }
                    });
                }
                int winners = 0;
                for (Future<Boolean> result : pool.invokeAll(racers)) {
                    winners += result.get() ? 1 : 0;
                }
                assertThat(winners).as(key).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
            second.stop();
        }
    }
}
