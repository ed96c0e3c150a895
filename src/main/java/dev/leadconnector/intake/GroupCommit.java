package dev.leadconnector.intake;

import java.io.IOException;

/**
 * Group commit: a caller asks for a force after its write; if a force is running, which may have
 * started before that write, it waits for it and then for the next one, which one of the waiting
 * callers runs for all of them. So concurrent writers share one fsync, and each returns only once
 * a force that started after its own write has finished. A failed force is final: after it, every
 * call fails (on Linux a second fsync can succeed after the kernel dropped the pages the first could
 * not write).
 */
final class GroupCommit {

    /** The force itself: {@code FileChannel.force}, or a folder's sync. */
    interface Force {
        void run() throws IOException;
    }

    private final Force force;
    private long requested;
    private long synced;
    private boolean running;
    private IOException failed;

    GroupCommit(Force force) {
        this.force = force;
    }

    void sync() throws IOException {
        long mine;
        long covered;
        synchronized (this) {
            mine = ++requested;
            while (running && synced < mine) {
                waitForForce();
            }
            if (synced >= mine) {
                return;
            }
            if (failed != null) {
                throw new IOException("an earlier force failed: " + failed.getMessage(), failed);
            }
            running = true;
            covered = requested;
        }
        boolean done = false;
        try {
            force.run();
            done = true;
        } catch (IOException e) {
            synchronized (this) {
                failed = e;
            }
            throw e;
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

    private void waitForForce() throws IOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the group commit", e);
        }
    }
}
