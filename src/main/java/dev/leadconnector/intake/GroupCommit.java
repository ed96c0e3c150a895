package dev.leadconnector.intake;

import java.io.IOException;

/**
 * Group commit: a caller asks for a force after its write; if a force is running, which may have
 * started before that write, it waits for it and then for the next one, which one of the waiting
 * callers runs for all of them. So concurrent writers share one fsync, and each returns only once
 * a force that started after its own write has finished.
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
            running = true;
            covered = requested;
        }
        boolean done = false;
        try {
            force.run();
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

    private void waitForForce() throws IOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the group commit", e);
        }
    }
}
