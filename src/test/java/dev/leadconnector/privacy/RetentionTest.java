package dev.leadconnector.privacy;

import static dev.leadconnector.support.RunningConnector.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadconnector.support.MovableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention by age (issue 30), on a clock the test holds: each store loses its files written before
 * its setting, keeps the newer ones (the newest included), and for-ever keeps everything; the run is
 * counted per store in leads.retention.removed.
 */
class RetentionTest {

    static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");

    @TempDir
    Path dataDir;

    final MovableClock clock = new MovableClock(NOW);
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private Path write(Path folder, String name, Duration age) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve(name);
        Files.writeString(file, "{}");
        Files.setLastModifiedTime(file, FileTime.from(NOW.minus(age)));
        return file;
    }

    private double removed(String store) {
        return registry.get("leads.retention.removed").tag("store", store).counter().count();
    }

    @Test
    void eachStoreLosesWhatIsOlderThanItsSettingAndKeepsTheNewest() throws IOException {
        Path archive = dataDir.resolve("leads");
        Path letters = dataDir.resolve("dead-letter");
        write(archive, "0000000000000000000000000000000a.json", Duration.ofDays(400));
        write(archive, "0000000000000000000000000000000b.json", Duration.ofDays(366));
        write(archive, "0000000000000000000000000000000c.json", Duration.ofDays(10));
        write(archive, "0000000000000000000000000000000d.json", Duration.ZERO); // the newest
        write(archive, ".inflight-x", Duration.ofDays(999)); // being written: not the archive's yet
        write(letters, "0000000000000000000000000000000a-https.json", Duration.ofDays(91));
        write(letters, "0000000000000000000000000000000c-https.json", Duration.ofDays(89));
        write(letters.resolve("replayed"), "0000000000000000000000000000000b-https.1.json", Duration.ofDays(120));
        write(letters.resolve("replayed"), "0000000000000000000000000000000d-https.2.json", Duration.ofMinutes(1));

        DataRetention retention = new DataRetention(new RetentionSettings(Duration.ofDays(365), Duration.ofDays(90),
                Duration.ofHours(1)), archive, letters, registry, clock);
        assertThat(retention.prune()).isEqualTo(new DataRetention.Pruned(2, 2));

        assertThat(files(archive)).extracting(path -> path.getFileName().toString()).containsExactly(
                ".inflight-x", "0000000000000000000000000000000c.json", "0000000000000000000000000000000d.json");
        assertThat(files(letters)).extracting(path -> path.getFileName().toString()).containsExactly(
                "0000000000000000000000000000000c-https.json", "replayed");
        assertThat(files(letters.resolve("replayed"))).extracting(path -> path.getFileName().toString())
                .containsExactly("0000000000000000000000000000000d-https.2.json");
        assertThat(removed(DataRetention.ARCHIVE)).isEqualTo(2);
        assertThat(removed(DataRetention.DEAD_LETTERS)).isEqualTo(2);

        // two days later the next run removes what has aged meanwhile, and counts on
        clock.advance(Duration.ofDays(2));
        assertThat(retention.prune()).isEqualTo(new DataRetention.Pruned(0, 1));
        assertThat(removed(DataRetention.DEAD_LETTERS)).isEqualTo(3);

        retention.journalPruned(7);
        assertThat(removed(DataRetention.JOURNAL)).isEqualTo(7);
    }

    @Test
    void anEmptySettingKeepsAStoreForEverAndANonPositiveOneIsRefused() throws IOException {
        Path archive = dataDir.resolve("leads");
        write(archive, "0000000000000000000000000000000a.json", Duration.ofDays(4000));
        DataRetention retention = new DataRetention(new RetentionSettings(null, null, Duration.ofHours(1)), archive,
                dataDir.resolve("dead-letter"), registry, clock);
        assertThat(retention.prune()).isEqualTo(new DataRetention.Pruned(0, 0));
        assertThat(files(archive)).hasSize(1);
        assertThatThrownBy(() -> new RetentionSettings(Duration.ZERO, null, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
