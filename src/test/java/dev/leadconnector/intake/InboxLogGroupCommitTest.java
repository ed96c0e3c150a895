package dev.leadconnector.intake;

import static dev.leadconnector.support.RunningConnector.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.support.MovableClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inbox log's group commit (issue 29): a request queues its line, one of them writes every queued
 * line with one write and forces once for all; a failed write or force fails the requests
 * whose lines it held and ends its segment; an erasure does not lose a line queued when it began. The
 * segment files are real; a channel around them can hold a force until the test lets it go, or fail it.
 */
class InboxLogGroupCommitTest {

    @TempDir
    Path dataDir;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T08:00:00Z"));
    private final ObjectMapper mapper = new ObjectMapper();
    /** The channels of the segments, in the order they were created. */
    private final List<FaultyChannel> channels = new CopyOnWriteArrayList<>();
    private final ExecutorService requests = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        requests.shutdownNow();
    }

    private Path inbox() {
        return dataDir.resolve("inbox");
    }

    private Path logDir() {
        return dataDir.resolve("inbox-log");
    }

    private InboxLog open() throws IOException {
        return new InboxLog(inbox(), clock, "boot-1", false, path -> {
            FaultyChannel channel = new FaultyChannel(FileChannel.open(path, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND));
            channels.add(channel);
            return channel;
        });
    }

    private static String lead(String id, String email) {
        return "{\"id\":\"" + id + "\",\"customer\":{\"email\":\"" + email + "\",\"note\":\"tab\\tnew\\nline\"}}";
    }

    private void accept(InboxLog log, String id, String email) throws IOException {
        String lead = lead(id, email);
        Path file = inbox().resolve(id + ".json");
        Files.writeString(file, lead);
        log.commit(file.toString(), lead);
    }

    private Future<?> acceptLater(InboxLog log, String id, String email) {
        return requests.submit(() -> {
            accept(log, id, email);
            return null;
        });
    }

    /** Every lead line of a segment (after checking the boot record comes first), each parsed whole. */
    private List<JsonNode> leadLines(Path segment) throws IOException {
        List<String> lines = Files.readAllLines(segment, StandardCharsets.UTF_8);
        assertThat(mapper.readTree(lines.get(0)).get("boot").asText()).as("%s starts with its boot", segment).isEqualTo("boot-1");
        List<JsonNode> leads = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            leads.add(mapper.readTree(line));
        }
        return leads;
    }

    private List<String> loggedFiles() throws IOException {
        List<String> logged = new ArrayList<>();
        for (Path segment : files(logDir())) {
            for (JsonNode line : leadLines(segment)) {
                logged.add(line.get("file").asText());
            }
        }
        return logged;
    }

    @Test
    void manyConcurrentCommittersEachHaveTheirLineOnDiskOnceAndWhole() throws Exception {
        InboxLog log = open();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> committers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            committers.add(requests.submit(() -> {
                start.await();
                for (int i = 0; i < 200; i++) {
                    accept(log, "lead-" + thread + "-" + i, "c" + thread + "@example.test");
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> committer : committers) {
            committer.get(60, TimeUnit.SECONDS);
        }
        log.close();

        assertThat(files(logDir())).as("one segment: the clock stood still").hasSize(1);
        List<JsonNode> lines = leadLines(files(logDir()).get(0));
        Set<String> logged = new HashSet<>();
        for (JsonNode line : lines) {
            String file = line.get("file").asText();
            assertThat(logged.add(file)).as("logged once: %s", file).isTrue();
            String id = file.substring(0, file.length() - ".json".length());
            assertThat(line.get("lead").asText()).isEqualTo(lead(id, "c" + id.split("-")[1] + "@example.test"));
        }
        assertThat(logged).hasSize(1_600);
        FaultyChannel channel = channels.get(0);
        assertThat(channel.batchWrites.get()).as("one write per forced batch").isEqualTo(channel.forces.get());
        assertThat(channel.forces.get()).isBetween(1, 1_600);
    }

    @Test
    void aBatchLargerThanTheWriteBufferIsWrittenWholeInPieces() throws Exception {
        InboxLog log = open();
        accept(log, "first", "a@example.test");
        FaultyChannel channel = channels.get(0);
        CountDownLatch release = new CountDownLatch(1);
        channel.holdForce(2, release);
        Future<?> leader = acceptLater(log, "leader", "a@example.test");
        assertThat(channel.forceEntered.await(10, TimeUnit.SECONDS)).isTrue();
        // three leads of 40 KB queued behind the held force: one batch of 120 KB, two buffers' worth
        String big = "x".repeat(40 * 1024);
        List<Future<?>> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.add(acceptLater(log, "big-" + i, big + i + "@example.test"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> log.activeLeads() == 5);
        release.countDown();
        leader.get(10, TimeUnit.SECONDS);
        for (Future<?> request : queued) {
            request.get(10, TimeUnit.SECONDS);
        }

        assertThat(channel.forces.get()).as("the first lead's, the leader's, one for the three").isEqualTo(3);
        assertThat(channel.batchWrites.get() - 2).as("the big batch's writes, of at most %d bytes each", InboxLog.BATCH_BYTES)
                .isEqualTo(2);
        List<JsonNode> lines = leadLines(files(logDir()).get(0));
        assertThat(lines).extracting(line -> line.get("file").asText()).startsWith("first.json", "leader.json")
                .hasSize(5).doesNotHaveDuplicates();
        for (JsonNode line : lines.subList(2, 5)) {
            String id = line.get("file").asText().replace(".json", "");
            assertThat(line.get("lead").asText()).isEqualTo(lead(id, big + id.substring("big-".length()) + "@example.test"));
        }
        log.close();
    }

    @Test
    void aLeaderWithItsInterruptSetStillWritesItsBatchAndKeepsTheInterrupt() throws Exception {
        InboxLog log = open();
        accept(log, "first", "a@example.test");
        String lead = lead("interrupted", "a@example.test");
        Path file = inbox().resolve("interrupted.json");
        Files.writeString(file, lead);
        // a file channel used by an interrupted thread closes itself: the leader's interrupt would fail its batch
        Thread.currentThread().interrupt();
        try {
            log.commit(file.toString(), lead);
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt, kept for the caller").isTrue();
        } finally {
            Thread.interrupted();
        }
        accept(log, "after", "b@example.test");

        assertThat(channels).as("the segment still takes leads: no new one").hasSize(1);
        assertThat(loggedFiles()).containsExactly("first.json", "interrupted.json", "after.json");
        log.close();
    }

    @Test
    void linesQueuedBehindABatchWhoseForceFailsFailAndAreNeverWritten() throws Exception {
        InboxLog log = open();
        accept(log, "first", "a@example.test");
        FaultyChannel channel = channels.get(0);
        CountDownLatch release = new CountDownLatch(1);
        channel.holdForce(2, release);
        channel.failForce(2);
        Future<?> leader = acceptLater(log, "leader", "a@example.test");
        assertThat(channel.forceEntered.await(10, TimeUnit.SECONDS)).isTrue();
        List<Future<?>> behind = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            behind.add(acceptLater(log, "behind-" + i, "b@example.test"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> log.activeLeads() == 5);
        release.countDown();

        for (Future<?> request : Stream.concat(Stream.of(leader), behind.stream()).toList()) {
            assertThatThrownBy(() -> request.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IOException.class);
        }
        assertThat(channel.forces.get()).as("no force after the failed one").isEqualTo(2);
        assertThat(Files.readString(files(logDir()).get(0))).as("nothing written after the failed force")
                .contains("leader.json").doesNotContain("behind-");
        log.close();
    }

    @Test
    void closingWritesTheLinesQueuedBeforeItInsteadOfClosingTheChannelUnderThem() throws Exception {
        InboxLog log = open();
        accept(log, "first", "a@example.test");
        FaultyChannel channel = channels.get(0);
        CountDownLatch release = new CountDownLatch(1);
        channel.holdForce(2, release);
        Future<?> leader = acceptLater(log, "leader", "a@example.test");
        assertThat(channel.forceEntered.await(10, TimeUnit.SECONDS)).isTrue();
        List<Future<?>> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.add(acceptLater(log, "queued-" + i, "b@example.test"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> log.activeLeads() == 5);
        Future<?> closing = requests.submit(() -> {
            log.close();
            return null;
        });
        release.countDown();

        closing.get(10, TimeUnit.SECONDS);
        leader.get(10, TimeUnit.SECONDS);
        for (Future<?> request : queued) {
            request.get(10, TimeUnit.SECONDS);
        }
        assertThat(loggedFiles()).hasSize(5).doesNotHaveDuplicates();
        assertThatThrownBy(() -> accept(log, "late", "c@example.test")).isInstanceOf(IOException.class);
    }

    @Test
    void linesQueuedWhileAForceRunsShareTheNextWriteAndForce() throws Exception {
        InboxLog log = open();
        accept(log, "first", "a@example.test"); // the segment and its channel
        FaultyChannel channel = channels.get(0);
        CountDownLatch release = new CountDownLatch(1);
        channel.holdForce(2, release);
        Future<?> leader = acceptLater(log, "leader", "a@example.test");
        assertThat(channel.forceEntered.await(10, TimeUnit.SECONDS)).isTrue();
        List<Future<?>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(acceptLater(log, "queued-" + i, "b@example.test"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> log.activeLeads() == 7);

        assertThat(queued).as("none answered before its line is written and forced").noneMatch(Future::isDone);
        assertThat(loggedFiles()).as("queued, not written").containsExactly("first.json", "leader.json");
        release.countDown();
        leader.get(10, TimeUnit.SECONDS);
        for (Future<?> request : queued) {
            request.get(10, TimeUnit.SECONDS);
        }

        assertThat(channel.forces.get()).as("the first lead's, the leader's, one for the five").isEqualTo(3);
        assertThat(channel.batchSizes).containsExactly(1, 1, 5);
        assertThat(loggedFiles()).hasSize(7).startsWith("first.json", "leader.json").doesNotHaveDuplicates();
        log.close();
    }

    @Test
    void aFailedForceFailsEveryRequestOfItsBatchAndTheNextLeadGoesToANewSegmentWhileTheFailedOneIsKept() throws Exception {
        InboxLog log = open();
        accept(log, "first", "a@example.test");
        FaultyChannel channel = channels.get(0);
        CountDownLatch release = new CountDownLatch(1);
        channel.holdForce(2, release);
        channel.failForce(3);
        Future<?> leader = acceptLater(log, "leader", "a@example.test");
        assertThat(channel.forceEntered.await(10, TimeUnit.SECONDS)).isTrue();
        List<Future<?>> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batch.add(acceptLater(log, "failed-" + i, "b@example.test"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> log.activeLeads() == 5);
        release.countDown();

        leader.get(10, TimeUnit.SECONDS); // its force went through
        for (Future<?> request : batch) {
            assertThatThrownBy(() -> request.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IOException.class);
        }
        accept(log, "later", "c@example.test");

        assertThat(channels).as("a new segment after the failed force").hasSize(2);
        assertThat(channel.forces.get()).as("the failed segment is not forced again").isEqualTo(3);
        List<Path> segments = files(logDir());
        assertThat(segments).hasSize(2);
        assertThat(leadLines(segments.get(1))).extracting(line -> line.get("file").asText()).containsExactly("later.json");

        // every lead left the inbox and every window passed: the failed segment is still kept
        for (Path file : files(inbox())) {
            Files.delete(file);
        }
        clock.advance(InboxLog.FORCE_AFTER.plus(InboxLog.KEEP_FOR));
        log.prune();
        clock.advance(InboxLog.FORCE_AFTER.plus(InboxLog.KEEP_FOR));
        log.prune();
        assertThat(files(logDir())).as("the failed segment, never pruned").containsExactly(segments.get(0));
        log.close();
    }

    @Test
    void aWriteCutShortFailsItsRequestAndTheNextLeadStartsANewSegment() throws Exception {
        InboxLog log = open();
        accept(log, "first", "a@example.test");
        channels.get(0).cutWrite(2);

        assertThatThrownBy(() -> accept(log, "torn", "a@example.test")).isInstanceOf(IOException.class);
        accept(log, "next", "b@example.test");

        List<Path> segments = files(logDir());
        assertThat(segments).hasSize(2);
        String first = Files.readString(segments.get(0));
        assertThat(first).as("cut short, and nothing after it").doesNotEndWith("\n").contains("torn.json").doesNotContain("next.json");
        assertThat(leadLines(segments.get(1))).extracting(line -> line.get("file").asText()).containsExactly("next.json");
        log.close();

        for (Path file : files(inbox())) {
            Files.delete(file); // the machine restarted
        }
        new InboxLog(inbox(), clock, "boot-2", false).close();
        assertThat(files(inbox())).extracting(path -> path.getFileName().toString())
                .containsExactlyInAnyOrder("first.json", "next.json");
    }

    @Test
    void aSegmentWithALineQueuedOrAForceRunningIsNotPruned() throws Exception {
        InboxLog log = open();
        accept(log, "first", "a@example.test");
        FaultyChannel channel = channels.get(0);
        CountDownLatch release = new CountDownLatch(1);
        channel.holdForce(2, release);
        Future<?> forcing = acceptLater(log, "forcing", "a@example.test");
        assertThat(channel.forceEntered.await(10, TimeUnit.SECONDS)).isTrue();
        Future<?> queued = acceptLater(log, "queued", "b@example.test");
        await().atMost(Duration.ofSeconds(10)).until(() -> log.activeLeads() == 3);

        // every lead left the inbox and every window passed: only the waiting requests keep the segment
        for (Path file : files(inbox())) {
            Files.delete(file);
        }
        clock.advance(InboxLog.SEGMENT_AGE);
        log.prune(); // retired
        clock.advance(InboxLog.FORCE_AFTER.plus(InboxLog.KEEP_FOR));
        log.prune();
        assertThat(files(logDir())).as("kept while its requests wait").hasSize(1);

        release.countDown();
        forcing.get(10, TimeUnit.SECONDS);
        queued.get(10, TimeUnit.SECONDS);
        assertThat(loggedFiles()).containsExactly("first.json", "forcing.json", "queued.json");
        log.prune();
        assertThat(files(logDir())).as("gone once they were answered").isEmpty();
        log.close();
    }

    @Test
    void aLeadAfterTheLogClosedIsRefused() throws Exception {
        InboxLog log = open();
        accept(log, "before", "a@example.test");
        log.close();
        assertThatThrownBy(() -> accept(log, "after", "a@example.test")).isInstanceOf(IOException.class)
                .hasMessageContaining("the inbox log is closed");
        assertThat(loggedFiles()).containsExactly("before.json");
    }

    @Test
    void anErasureWritesTheLinesQueuedWhenItRetiredTheSegmentBeforeItRewritesIt() throws Exception {
        InboxLog log = open();
        accept(log, "ada", "ada@example.test");
        FaultyChannel channel = channels.get(0);
        CountDownLatch release = new CountDownLatch(1);
        channel.holdForce(2, release);
        Future<?> written = acceptLater(log, "bob-written", "bob@example.test");
        assertThat(channel.forceEntered.await(10, TimeUnit.SECONDS)).isTrue();
        Future<?> queued = acceptLater(log, "bob-queued", "bob@example.test");
        await().atMost(Duration.ofSeconds(10)).until(() -> log.activeLeads() == 3);

        Future<Integer> erasure = requests.submit(() -> log.erase(lead -> lead.contains("ada@")));
        await().atMost(Duration.ofSeconds(10)).until(() -> log.activeLeads() == 0); // the segment is retired
        release.countDown();

        assertThat(erasure.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        written.get(10, TimeUnit.SECONDS);
        queued.get(10, TimeUnit.SECONDS);
        assertThat(loggedFiles()).containsExactlyInAnyOrder("bob-written.json", "bob-queued.json");
        log.close();

        for (Path file : files(inbox())) {
            Files.delete(file);
        }
        new InboxLog(inbox(), clock, "boot-2", false).close();
        assertThat(files(inbox())).extracting(path -> path.getFileName().toString())
                .containsExactlyInAnyOrder("bob-written.json", "bob-queued.json");
    }

    @Test
    void anErasureRacingWithCommittersLosesNoOtherLine() throws Exception {
        InboxLog log = open();
        List<Future<?>> committers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            committers.add(requests.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    accept(log, "t" + thread + "-" + i, i % 2 == 0 ? "ada@example.test" : "bob@example.test");
                }
                return null;
            }));
        }
        int erasures = 0;
        while (committers.stream().anyMatch(committer -> !committer.isDone()) && erasures < 50) {
            log.erase(lead -> lead.contains("ada@"));
            erasures++;
        }
        for (Future<?> committer : committers) {
            committer.get(60, TimeUnit.SECONDS);
        }
        log.erase(lead -> lead.contains("ada@"));
        log.close();

        List<String> logged = loggedFiles();
        List<String> bobs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            for (int i = 1; i < 100; i += 2) {
                bobs.add("t" + t + "-" + i + ".json");
            }
        }
        assertThat(logged).as("after %d erasures", erasures).containsExactlyInAnyOrderElementsOf(bobs);
    }

    /** A segment's channel that counts writes and forces, and can hold a force, fail it, or cut a write short. */
    private static final class FaultyChannel extends FileChannel {
        private final FileChannel file;
        final AtomicInteger forces = new AtomicInteger();
        final AtomicInteger batchWrites = new AtomicInteger();
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        final CountDownLatch forceEntered = new CountDownLatch(1);
        private volatile int holdAt;
        private volatile CountDownLatch release;
        private volatile int failAt;
        private volatile int cutAt;

        FaultyChannel(FileChannel file) {
            this.file = file;
        }

        /** The {@code n}th force waits for {@code release}. */
        void holdForce(int n, CountDownLatch release) {
            this.release = release;
            this.holdAt = n;
        }

        /** The {@code n}th force fails. */
        void failForce(int n) {
            this.failAt = n;
        }

        /** The {@code n}th batch write writes half its first line, then fails. */
        void cutWrite(int n) {
            this.cutAt = n;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            int n = forces.incrementAndGet();
            if (n == holdAt) {
                forceEntered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            if (n == failAt) {
                throw new IOException("EIO");
            }
            file.force(metaData);
        }

        /** A batch's lines come in one direct buffer (the boot record, first, in a heap buffer). */
        @Override
        public int write(ByteBuffer src) throws IOException {
            if (!src.isDirect()) {
                return file.write(src);
            }
            int n = batchWrites.incrementAndGet();
            int lines = 0;
            for (int i = src.position(); i < src.limit(); i++) {
                lines += src.get(i) == '\n' ? 1 : 0;
            }
            batchSizes.add(lines);
            if (n == cutAt) {
                ByteBuffer half = src.slice();
                half.limit(half.remaining() / 2);
                int written = file.write(half);
                src.position(src.position() + written);
                throw new IOException("ENOSPC");
            }
            return file.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return file.write(srcs, offset, length);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return file.read(dsts, offset, length);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return file.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return file.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return file.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return file.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return file.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            file.close();
        }
    }
}
