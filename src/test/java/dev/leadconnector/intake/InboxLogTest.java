package dev.leadconnector.intake;

import static dev.leadconnector.support.RunningConnector.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadconnector.support.MovableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inbox's write-ahead log on real files: what a machine that lost its page cache gets back, what
 * a process that merely died does not, and when segments go. A lost page cache is played by
 * deleting or emptying inbox files the log has; a torn last line by appending half a record.
 */
class InboxLogTest {

    @TempDir
    Path dataDir;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T08:00:00Z"));

    private Path inbox() {
        return dataDir.resolve("inbox");
    }

    private Path logDir() {
        return dataDir.resolve("inbox-log");
    }

    /** Pruned only when the test says so ({@link InboxLog#prune()}), on the test's clock. */
    private InboxLog open(String boot) throws IOException {
        return new InboxLog(inbox(), clock, boot, false);
    }

    /** What intake does: Camel's file producer writes the lead, then the log takes it. */
    private void accept(InboxLog log, String id, String lead) throws IOException {
        Path file = inbox().resolve(id + ".json");
        Files.writeString(file, lead);
        log.commit(file.toString(), lead);
    }

    private static String lead(String id) {
        return "{\"id\":\"" + id + "\",\"customer\":{\"email\":\"" + id + "@example.test\",\"note\":\"tab\\tnew\\nline\"}}";
    }

    @Test
    void afterAMachineRestartEveryLoggedLeadMissingOrCutShortIsBackInTheInbox() throws IOException {
        InboxLog log = open("boot-1");
        accept(log, "lost", lead("lost"));
        accept(log, "emptied", lead("emptied"));
        accept(log, "kept", lead("kept"));
        log.close();
        Files.delete(inbox().resolve("lost.json"));
        Files.writeString(inbox().resolve("emptied.json"), "");
        Path segment = files(logDir()).get(0);
        // the crash cut the last line inside a character (ü is two bytes in UTF-8)
        byte[] torn = "{\"file\":\"torn.json\",\"lead\":\"{\\\"name\\\":\\\"Mü".getBytes(StandardCharsets.UTF_8);
        Files.write(segment, Arrays.copyOf(torn, torn.length - 1), StandardOpenOption.APPEND);

        open("boot-2").close();

        assertThat(Files.readString(inbox().resolve("lost.json"))).isEqualTo(lead("lost"));
        assertThat(Files.readString(inbox().resolve("emptied.json"))).isEqualTo(lead("emptied"));
        assertThat(Files.readString(inbox().resolve("kept.json"))).isEqualTo(lead("kept"));
        assertThat(files(inbox())).extracting(path -> path.getFileName().toString())
                .containsExactlyInAnyOrder("lost.json", "emptied.json", "kept.json");
        assertThat(files(logDir())).as("segments once restored").isEmpty();
    }

    @Test
    void afterTheProcessAloneDiedAHandledLeadIsNotPutBack() throws IOException {
        InboxLog log = open("boot-1");
        accept(log, "handled", lead("handled"));
        accept(log, "waiting", lead("waiting"));
        log.close();
        Files.delete(inbox().resolve("handled.json")); // dispatch deleted it: every target had it

        InboxLog restarted = open("boot-1");
        try {
            assertThat(files(inbox())).extracting(path -> path.getFileName().toString()).containsExactly("waiting.json");
            clock.advance(InboxLog.KEEP_FOR);
            restarted.prune();
            assertThat(files(logDir())).as("kept while a lead in it waits").hasSize(1);
            Files.delete(inbox().resolve("waiting.json"));
            restarted.prune();
            assertThat(files(logDir())).isEmpty();
        } finally {
            restarted.close();
        }
    }

    @Test
    void aSegmentGoesOnceItsLeadsLeftTheInboxAndTheWriteBackWindowPassedOrAMinuteAfterItClosed() throws IOException {
        InboxLog log = open("boot-1");
        try {
            accept(log, "quick", lead("quick"));
            clock.advance(InboxLog.SEGMENT_AGE);
            log.prune();
            accept(log, "slow", lead("slow"));
            clock.advance(InboxLog.SEGMENT_AGE);
            log.prune();
            assertThat(files(logDir())).as("two closed segments").hasSize(2);

            Files.delete(inbox().resolve("quick.json"));
            log.prune();
            assertThat(files(logDir())).as("kept while a file target's copy may be in the page cache").hasSize(2);
            clock.advance(InboxLog.KEEP_FOR);
            log.prune();
            assertThat(files(logDir())).as("the quick lead's segment gone").hasSize(1);

            clock.advance(InboxLog.FORCE_AFTER);
            log.prune();
            assertThat(files(logDir())).as("the slow lead's file forced, its segment gone").isEmpty();
            assertThat(inbox().resolve("slow.json")).hasContent(lead("slow"));
        } finally {
            log.close();
        }
    }

    @Test
    void concurrentRequestsAreEachLoggedOnceWhole() throws Exception {
        InboxLog log = open("boot-1");
        ExecutorService requests = Executors.newFixedThreadPool(16);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 1_600; i++) {
            String id = "lead-" + i;
            done.add(requests.submit(() -> {
                accept(log, id, lead(id));
                return null;
            }));
        }
        for (Future<?> request : done) {
            request.get(60, TimeUnit.SECONDS);
        }
        requests.shutdown();
        log.close();

        List<String> lines = new ArrayList<>();
        for (Path segment : files(logDir())) {
            Files.readAllLines(segment, StandardCharsets.UTF_8).stream().filter(line -> line.contains("\"file\"")).forEach(lines::add);
        }
        assertThat(lines).hasSize(1_600).doesNotHaveDuplicates();

        for (Path file : files(inbox())) {
            Files.delete(file); // the whole page cache lost
        }
        open("boot-2").close();
        assertThat(files(inbox())).hasSize(1_600);
        assertThat(inbox().resolve("lead-1234.json")).hasContent(lead("lead-1234"));
    }

    @Test
    void anInboxThatIsNoFolderNeedsNoLog() throws IOException {
        assertThat(InboxLog.fileInbox("azure-storage-queue:storage/leads-inbox?serviceClient=#queueServiceClient")).isNull();
        assertThat(InboxLog.fileInbox("file:/data/inbox?delete=true&tempPrefix=.inflight-")).isEqualTo(Path.of("/data/inbox"));
        assertThat(InboxLog.fileInbox("file://data/inbox")).as("relative, as Camel reads it").isEqualTo(Path.of("data/inbox").toAbsolutePath());
        InboxLog none = new InboxLog(null, clock, "boot-1", false);
        none.commit(null, lead("queued"));
        none.close();
        assertThat(files(dataDir)).isEmpty();
    }

    @Test
    void aLeadWrittenElsewhereThanTheInboxIsRefusedNotLogged() throws IOException {
        InboxLog log = open("boot-1");
        try {
            Path elsewhere = dataDir.resolve("elsewhere.json");
            Files.writeString(elsewhere, lead("elsewhere"));
            assertThatThrownBy(() -> log.commit(elsewhere.toString(), lead("elsewhere"))).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> log.commit(null, lead("unnamed"))).isInstanceOf(IOException.class);
        } finally {
            log.close();
        }
    }

    @Test
    void aFailedForceIsFinal() throws IOException {
        int[] forces = {0};
        GroupCommit commit = new GroupCommit(() -> {
            if (++forces[0] == 1) {
                throw new IOException("EIO");
            }
        });
        assertThatThrownBy(commit::sync).hasMessage("EIO");
        assertThatThrownBy(commit::sync).hasMessageContaining("an earlier force failed");
        assertThat(forces[0]).as("not forced again: it could seem to succeed").isEqualTo(1);
    }
}
