package dev.leadconnector.intake;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * Makes a lead written to the file inbox survive a power cut before its 202 is sent: Camel's file
 * producer leaves the bytes in the page cache (its forceWrites option is not used by the writer),
 * which outlives a killed process but not a lost machine. Syncs the file on the request's own
 * thread, then its folder (the rename that made it visible) by group commit: one folder sync covers
 * every lead renamed before it started, so concurrent requests share it and each still returns
 * only once its own lead is on disk. Other inboxes (a queue) are durable once they answered: no-op.
 */
@Component("inboxSync")
public class InboxSync {

    private final Map<Path, GroupSync> folders = new ConcurrentHashMap<>();

    public void sync(@Header(Exchange.FILE_NAME_PRODUCED) String written) throws IOException {
        if (written == null) {
            return;
        }
        Path file = Path.of(written).toAbsolutePath();
        try {
            force(file);
        } catch (NoSuchFileException taken) {
            // dispatch has already taken it (and deleted it once every target had it)
        }
        folders.computeIfAbsent(file.getParent(), GroupSync::new).sync();
    }

    static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Group commit of one folder: a caller asks for a sync after its change; if a sync is running,
     * which may have started before that change, it waits for it and then for the next one, which
     * one of the waiting callers runs for all of them.
     */
    static final class GroupSync {
        private final Path folder;
        private long requested;
        private long synced;
        private boolean running;

        GroupSync(Path folder) {
            this.folder = folder;
        }

        void sync() throws IOException {
            long mine;
            long covered;
            synchronized (this) {
                mine = ++requested;
                while (running && synced < mine) {
                    waitForSync();
                }
                if (synced >= mine) {
                    return;
                }
                running = true;
                covered = requested;
            }
            boolean done = false;
            try {
                force(folder);
                done = true;
            } finally {
                synchronized (this) {
                    running = false;
                    if (done) {
                        synced = Math.max(synced, covered);
                    }
                    notifyAll();
                }
            }
        }

        private void waitForSync() throws IOException {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the inbox folder sync", e);
            }
        }
    }
}
