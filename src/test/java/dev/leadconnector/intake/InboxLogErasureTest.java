package dev.leadconnector.intake;

import static dev.leadconnector.support.RunningConnector.files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leadconnector.support.MovableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An erasure takes one customer's lines out of the inbox log (issue 30): out of a closed segment and the
 * active one, and what is left still restores the other customers' leads after a machine restart, while
 * the erased customer's lead is not put back.
 */
class InboxLogErasureTest {

    @TempDir
    Path dataDir;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T08:00:00Z"));

    private void accept(InboxLog log, String id, String email) throws IOException {
        String lead = "{\"id\":\"" + id + "\",\"customer\":{\"email\":\"" + email + "\"}}";
        Path file = dataDir.resolve("inbox").resolve(id + ".json");
        Files.writeString(file, lead);
        log.commit(file.toString(), lead);
    }

    @Test
    void aCustomersLinesLeaveEverySegmentAndTheOthersAreStillRestored() throws IOException {
        InboxLog log = new InboxLog(dataDir.resolve("inbox"), clock, "boot-1", false);
        accept(log, "ada1", "ada@contoso.example");
        accept(log, "bob1", "bob@contoso.example");
        clock.advance(Duration.ofSeconds(2));
        log.prune(); // the first segment is closed
        accept(log, "ada2", "ada@contoso.example"); // the active one
        assertThat(files(dataDir.resolve("inbox-log"))).hasSize(2);

        int removed = log.erase(lead -> lead.contains("ada@contoso.example"));

        assertThat(removed).isEqualTo(2);
        for (Path segment : files(dataDir.resolve("inbox-log"))) {
            assertThat(Files.readString(segment)).as(segment.toString()).doesNotContain("ada@").contains("boot-1");
        }
        assertThat(log.erase(lead -> lead.contains("ada@contoso.example"))).as("a second erasure").isZero();
        accept(log, "carl1", "carl@contoso.example"); // the log takes leads after an erasure (a new segment)
        log.close();

        // the machine restarts and the page cache lost every inbox file
        for (Path file : files(dataDir.resolve("inbox"))) {
            Files.delete(file);
        }
        new InboxLog(dataDir.resolve("inbox"), clock, "boot-2", false).close();
        assertThat(files(dataDir.resolve("inbox"))).extracting(path -> path.getFileName().toString())
                .containsExactlyInAnyOrder("bob1.json", "carl1.json");
    }
}
