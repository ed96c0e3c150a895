package dev.leadconnector.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.dispatch.InboxSettings;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * What makes a lead in the file inbox survive a power cut before its 202 is sent, at the cost of
 * one fsync shared by every request in flight instead of two per lead.
 *
 * <p>Camel's file producer leaves a lead's inbox file in the page cache, which outlives a killed
 * process but not a lost machine. After that write, intake appends the lead to this write-ahead
 * log (one line per lead in a segment file beside the inbox) and forces the log by
 * {@linkplain GroupCommit group commit}: the 202 waits for its own line to be on disk, and
 * concurrent requests share the fsync. A segment is closed after a second and deleted once every
 * lead in it has left the inbox (dispatch deletes a lead's file once every target has it) and
 * {@link #KEEP_FOR} has passed, which covers the kernel's write-back of what file targets (the
 * archive, the dead-letter store) wrote for those leads; a lead still in the inbox a minute later
 * has its file forced, so no segment lives longer than that. A failed force is final: the segment
 * takes no more leads and is kept.
 *
 * <p>At start-up, before dispatch reads the inbox, the segments left behind are read. Each names
 * the machine's boot it was written in: after a crash of the process alone, the page cache kept
 * every inbox file and the segments are only pruned as above; after the machine restarted, every
 * logged lead whose inbox file is missing or not whole is written to the inbox again (dispatch's
 * de-duplication drops those that were already delivered). Other inboxes (a queue) are durable once
 * they answered: then this is a no-op.
 */
@Component("inboxLog")
public class InboxLog {

    private static final Logger LOG = LoggerFactory.getLogger(InboxLog.class);
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    /** A segment takes leads this long, then a new one starts. */
    static final Duration SEGMENT_AGE = Duration.ofSeconds(1);
    /**
     * A closed segment is kept at least this long: the kernel writes dirty pages back within 30 s
     * (vm.dirty_expire_centisecs), so a file target's copy of its leads is on disk by then.
     */
    static final Duration KEEP_FOR = Duration.ofSeconds(35);
    /** A closed segment whose leads are still in the inbox this long after has their files forced. */
    static final Duration FORCE_AFTER = Duration.ofMinutes(1);
    private static final Set<StandardOpenOption> APPEND_NEW =
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    private static final Set<StandardOpenOption> REWRITE =
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    private static final FileAttribute<?> OWNER_ONLY = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<?> OWNER_ONLY_FOLDER = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    /** Its own: the application's mapper may be set to indent, and a record is one line. */
    private final ObjectMapper mapper = new ObjectMapper();
    private final Clock clock;
    private final Path inbox;
    private final Path logDir;
    private final String boot;
    private final ConcurrentLinkedQueue<Segment> closed = new ConcurrentLinkedQueue<>();
    private static final String ERASING = ".erasing-";
    /** Held while a segment is rewritten by an erasure or deleted by pruning. */
    private final Object rewrites = new Object();
    private final ScheduledExecutorService pruner;
    private Segment active;
    private long segments;
    private boolean stopped;

    @Autowired
    public InboxLog(InboxSettings settings) throws IOException {
        this(fileInbox(settings.sendUri()), Clock.systemUTC(), bootId(), true);
    }

    /** {@code scheduled}: prune every half second on a thread of its own (tests call {@link #prune()}). */
    InboxLog(Path inbox, Clock clock, String boot, boolean scheduled) throws IOException {
        this.clock = clock;
        this.inbox = inbox;
        this.boot = boot;
        if (inbox == null) {
            logDir = null;
            pruner = null;
            return;
        }
        logDir = inbox.resolveSibling(inbox.getFileName() + "-log");
        Files.createDirectories(inbox, OWNER_ONLY_FOLDER);
        Files.createDirectories(logDir, OWNER_ONLY_FOLDER);
        force(logDir.getParent()); // the two folders' own names
        recover();
        if (!scheduled) {
            pruner = null;
            return;
        }
        pruner = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "inbox-log-pruner");
            thread.setDaemon(true);
            return thread;
        });
        pruner.scheduleWithFixedDelay(this::pruneQuietly, 500, 500, TimeUnit.MILLISECONDS);
    }

    /** The folder of a {@code file:} inbox URI, or null for any other inbox. */
    public static Path fileInbox(String uri) {
        if (!uri.startsWith("file:")) {
            return null;
        }
        int query = uri.indexOf('?');
        String path = uri.substring("file:".length(), query < 0 ? uri.length() : query);
        if (path.startsWith("//")) {
            path = path.substring(2); // as Camel reads it: file://data/inbox is relative, file:///data absolute
        }
        return Path.of(path).toAbsolutePath().normalize();
    }

    /**
     * Called once the lead is in the inbox: returns when its line in the log is on disk.
     *
     * @param written the file Camel's file producer wrote (absent for other inboxes)
     */
    public void commit(@Header(Exchange.FILE_NAME_PRODUCED) String written, @Body String lead) throws IOException {
        if (inbox == null) {
            return;
        }
        Path target = written == null ? null : Path.of(written).toAbsolutePath().normalize();
        if (target == null || !inbox.equals(target.getParent())) {
            // the inbox log must describe the inbox it restores: fail the lead rather than a false 202
            throw new IOException("the inbox wrote " + written + ", not a file in " + inbox);
        }
        String file = target.getFileName().toString();
        byte[] line = line(new Entry(file, lead));
        Segment segment;
        synchronized (this) {
            if (stopped) {
                throw new IOException("the inbox log is closed: the connector is stopping");
            }
            if (active == null) {
                active = newSegment();
            }
            segment = active;
            try {
                segment.append(line, file);
            } catch (IOException e) {
                retire(); // a line cut short must not run into the next lead's
                throw e;
            }
        }
        try {
            segment.commit.sync();
        } catch (IOException failed) {
            synchronized (this) {
                if (active == segment) {
                    retire(); // a failed force is final: later leads go to a new segment
                }
            }
            segment.keep = true;
            throw failed;
        } finally {
            segment.pending.decrementAndGet();
        }
    }

    /** A lead's record in the log: the inbox file's name and the lead's text. */
    private record Entry(String file, String lead) {}

    /** A segment's first record: the start it belongs to. */
    private record Boot(String boot) {}

    /** One record as one line of JSON, written straight to UTF-8 bytes (no tree, no String on the way). */
    private byte[] line(Object record) throws IOException {
        byte[] json = mapper.writeValueAsBytes(record);
        byte[] line = Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }

    private Segment newSegment() throws IOException {
        Path path = logDir.resolve(String.format("%d-%06d.log", clock.millis(), ++segments));
        FileChannel channel = FileChannel.open(path, APPEND_NEW, OWNER_ONLY);
        try {
            Segment segment = new Segment(path, channel, clock.instant());
            segment.write(line(new Boot(boot)));
            force(logDir); // the new segment's name is durable before any lead counts on it
            return segment;
        } catch (IOException e) {
            channel.close();
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /** Under the log's lock: the active segment takes no more leads. */
    private void retire() {
        active.closedAt = clock.instant();
        closed.add(active);
        active = null;
    }

    /** Closes the active segment once it is old enough, deletes closed ones no lead needs. */
    void prune() throws IOException {
        synchronized (this) {
            if (active != null && !active.files.isEmpty()
                    && !active.opened.plus(SEGMENT_AGE).isAfter(clock.instant())) {
                retire();
            }
        }
        for (Segment segment : closed) {
            Instant now = clock.instant();
            if (segment.pending.get() > 0 || segment.keep || segment.closedAt.plus(KEEP_FOR).isAfter(now)) {
                continue;
            }
            if (!segment.closedAt.plus(FORCE_AFTER).isAfter(now)) {
                try {
                    forceInboxFiles(segment.files);
                } catch (IOException failed) {
                    // a force that failed once may seem to succeed when tried again, its pages dropped
                    segment.keep = true;
                    LOG.error("Inbox log: could not force the inbox files of {}: it is kept for the next start ({})",
                            segment.path.getFileName(), failed.toString());
                    continue;
                }
            } else if (!segment.files.stream().allMatch(file -> Files.notExists(inbox.resolve(file)))) {
                continue;
            }
            synchronized (rewrites) { // never deleted while an erasure rewrites it (it would come back)
                segment.close();
                Files.deleteIfExists(segment.path);
                closed.remove(segment);
            }
        }
    }

    /**
     * Erasure: rewrites every segment without the lines of the leads {@code erased} matches (it gets
     * each line's canonical lead), and answers how many lines went. The active segment is closed first
     * (it takes no more lines; the next lead starts a new one), so a segment's bytes are all written
     * when it is read. Each rewrite is whole or absent: a new file, forced, renamed over the old one,
     * the folder forced. A request still waiting for the old file's force loses nothing: its line is
     * in the new file, forced before the rename.
     */
    public int erase(Predicate<String> erased) throws IOException {
        if (logDir == null) {
            return 0;
        }
        synchronized (this) {
            if (active != null && !active.files.isEmpty()) {
                retire();
            }
        }
        List<Path> segments;
        try (Stream<Path> list = Files.list(logDir)) {
            segments = list.sorted().toList();
        }
        for (Path path : segments) {
            if (path.getFileName().toString().startsWith(ERASING)) {
                Files.deleteIfExists(path); // an erasure cut short by a crash: the segment itself is whole
            }
        }
        segments = segments.stream().filter(path -> path.getFileName().toString().endsWith(".log")).toList();
        int removed = 0;
        for (Path path : segments) {
            synchronized (rewrites) {
                if (Files.exists(path)) {
                    removed += rewrite(path, erased);
                }
            }
        }
        return removed;
    }

    private int rewrite(Path path, Predicate<String> erased) throws IOException {
        StringBuilder kept = new StringBuilder();
        int removed = 0;
        for (String line : new String(Files.readAllBytes(path), StandardCharsets.UTF_8).lines().toList()) {
            String lead = null;
            try {
                JsonNode record = mapper.readTree(line);
                lead = record.hasNonNull("lead") ? record.get("lead").asText() : null;
            } catch (IOException | RuntimeException torn) {
                // kept as it is: recovery skips it
            }
            if (lead != null && erased.test(lead)) {
                removed++;
            } else if (!line.isEmpty()) {
                kept.append(line).append('\n');
            }
        }
        if (removed == 0) {
            return 0;
        }
        Path temp = logDir.resolve(ERASING + path.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, REWRITE, OWNER_ONLY)) {
            writeAll(channel, kept.toString().getBytes(StandardCharsets.UTF_8));
            channel.force(true);
        }
        Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        force(logDir);
        return removed;
    }

    private void pruneQuietly() {
        try {
            prune();
        } catch (Exception e) {
            LOG.warn("Inbox log: pruning failed, tried again shortly: {}", e.toString());
        }
    }

    private void forceInboxFiles(List<String> files) throws IOException {
        for (String file : files) {
            try {
                force(inbox.resolve(file));
            } catch (NoSuchFileException gone) {
                // dispatch has handled it meanwhile
            }
        }
        force(inbox);
    }

    /** The segments a previous run left: restored after a machine restart, else pruned as usual. */
    private void recover() throws IOException {
        List<Path> left;
        try (Stream<Path> list = Files.list(logDir)) {
            left = list.filter(path -> path.getFileName().toString().endsWith(".log")).sorted().toList();
        }
        int restored = 0;
        for (Path path : left) {
            Map<String, String> leads = new LinkedHashMap<>();
            String writtenIn = read(path, leads);
            if (boot.equals(writtenIn)) {
                // the same boot: the page cache kept the inbox files, prune as any closed segment
                Segment segment = new Segment(path, null, clock.instant());
                segment.files.addAll(leads.keySet());
                segment.closedAt = clock.instant();
                closed.add(segment);
                continue;
            }
            for (Map.Entry<String, String> lead : leads.entrySet()) {
                if (restore(lead.getKey(), lead.getValue())) {
                    restored++;
                }
            }
            force(inbox);
            Files.delete(path);
        }
        if (restored > 0) {
            LOG.warn("Inbox log: {} accepted leads were missing from the inbox after the machine restarted and were put back", restored);
        }
    }

    /** The boot a segment was written in, and its leads by inbox file name (the last line for a file wins). */
    private String read(Path path, Map<String, String> leads) throws IOException {
        String writtenIn = null;
        int unreadable = 0;
        // new String replaces bytes that are not UTF-8 (a line cut inside a character) instead of
        // throwing, as Files.readAllLines would: that line alone is then unreadable
        for (String line : new String(Files.readAllBytes(path), StandardCharsets.UTF_8).lines().toList()) {
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode record = mapper.readTree(line);
                if (record.hasNonNull("boot")) {
                    writtenIn = record.get("boot").asText();
                } else if (record.hasNonNull("file") && record.hasNonNull("lead")) {
                    leads.put(record.get("file").asText(), record.get("lead").asText());
                } else {
                    unreadable++;
                }
            } catch (IOException | RuntimeException torn) {
                unreadable++; // a line cut short by the crash was never answered 202
            }
        }
        if (unreadable > 0) {
            LOG.warn("Inbox log: {} unreadable lines in {} skipped", unreadable, path.getFileName());
        }
        return writtenIn;
    }

    /** Writes a logged lead to the inbox again unless its file is there and whole. */
    private boolean restore(String file, String lead) throws IOException {
        Path target = inbox.resolve(file).normalize();
        if (!inbox.equals(target.getParent())) {
            return false; // not a name this log writes
        }
        byte[] bytes = lead.getBytes(StandardCharsets.UTF_8);
        try {
            if (Arrays.equals(Files.readAllBytes(target), bytes)) {
                return false;
            }
        } catch (NoSuchFileException missing) {
            // put it back below
        }
        Path temp = inbox.resolve(".inflight-" + file);
        try (FileChannel channel = FileChannel.open(temp, REWRITE, OWNER_ONLY)) {
            writeAll(channel, bytes);
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    @PreDestroy
    void close() throws IOException {
        if (logDir == null) {
            return;
        }
        if (pruner != null) {
            pruner.shutdownNow();
        }
        synchronized (this) {
            stopped = true;
            if (active != null) {
                active.close();
                active = null;
            }
        }
        for (Segment segment : closed) {
            segment.close();
        }
    }

    static void writeAll(FileChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    static String bootId() {
        try {
            return Files.readString(BOOT_ID).trim();
        } catch (IOException | UncheckedIOException e) {
            return "unknown-" + System.nanoTime(); // no way to tell a restart: restore every time
        }
    }

    /**
     * One log file: its channel (none for a segment a previous run left), the inbox files of its
     * leads, and the requests still waiting on its force.
     */
    private static final class Segment {
        final Path path;
        final FileChannel channel;
        final Instant opened;
        final List<String> files = new ArrayList<>();
        final AtomicInteger pending = new AtomicInteger();
        final GroupCommit commit;
        volatile Instant closedAt;
        /** Never pruned: a force of it (or of its leads' files) failed. */
        volatile boolean keep;

        Segment(Path path, FileChannel channel, Instant opened) {
            this.path = path;
            this.channel = channel;
            this.opened = opened;
            this.commit = new GroupCommit(() -> channel.force(false));
        }

        /** Under the log's lock. */
        void append(byte[] line, String file) throws IOException {
            write(line);
            files.add(file);
            pending.incrementAndGet();
        }

        void write(byte[] bytes) throws IOException {
            writeAll(channel, bytes);
        }

        void close() throws IOException {
            if (channel != null) {
                channel.close();
            }
        }
    }
}
