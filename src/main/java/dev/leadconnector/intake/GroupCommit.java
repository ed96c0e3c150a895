package dev.leadconnector.intake;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit of a log's appends: a caller {@linkplain #append queues} its line (a short lock, no
 * system call under it) and then {@linkplain #sync(long) waits} for it. One caller, the leader (whoever
 * finds no write and force running), takes every line queued so far, writes them at once, forces once,
 * and wakes the callers whose lines that covered; the others wait parked, not spinning, and one of those
 * not covered leads the next batch. So concurrent writers share one write and
 * one fsync, and each returns only once a force that started after its own line was written has
 * finished. Lines reach the file in the order they were queued, whole, one batch at a time.
 *
 * <p>A failed write or force is final: it fails every caller whose line was in it and every line
 * queued behind it, and no line is taken or written after it (on Linux a second fsync can succeed after
 * the kernel dropped the pages the first could not write; and a line a failed write cut short must not
 * run into the next one). {@link #close} takes no more lines; those queued before it are still written.
 */
final class GroupCommit {

    /** The write of a batch: every byte of every line, in order (the inbox log: from one buffer, see InboxLog). */
    interface Write {
        void run(ByteBuffer[] lines) throws IOException;
    }

    /** The force itself: {@code FileChannel.force}, or a folder's sync. */
    interface Force {
        void run() throws IOException;
    }

    private static final byte[] NOTHING = new byte[0];
    private static final ByteBuffer[] NONE = new ByteBuffer[0];

    private final Write write;
    private final Force force;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a batch ends, written and forced or failed. */
    private final Condition settled = lock.newCondition();
    /** Lines queued and not yet taken by a leader. */
    private final List<ByteBuffer> queue = new ArrayList<>();
    /** Tickets handed out: the number of lines queued so far. */
    private long queued;
    /** Every line up to this ticket is written and forced. */
    private long synced;
    /** A leader is writing and forcing a batch. */
    private boolean running;
    private boolean closed;
    private IOException failed;
    private String failedStep;

    /** Forces alone: each {@link #sync()} returns after a force that started after it was called. */
    GroupCommit(Force force) {
        this(lines -> {}, force);
    }

    GroupCommit(Write write, Force force) {
        this.write = write;
        this.force = force;
    }

    /**
     * Queues a line: its ticket for {@link #sync(long)}, or 0 if this takes no more lines (closed, or a
     * write or force failed). {@code queued}, if any, runs under the same lock once the line is queued:
     * whoever {@linkplain #close closes} this afterwards sees what it recorded.
     */
    long append(byte[] line, Runnable queued) {
        lock.lock();
        try {
            if (closed || failed != null) {
                return 0;
            }
            queue.add(ByteBuffer.wrap(line));
            if (queued != null) {
                queued.run();
            }
            return ++this.queued;
        } finally {
            lock.unlock();
        }
    }

    /** Returns once a force that started after this call has finished. */
    void sync() throws IOException {
        long ticket = append(NOTHING, null);
        if (ticket == 0) {
            lock.lock();
            try {
                throw refused();
            } finally {
                lock.unlock();
            }
        }
        sync(ticket);
    }

    /**
     * Returns once the line of this ticket is written and forced, by this caller as the leader of a batch
     * or by another; throws if the write or force of its batch failed, or one before it.
     */
    void sync(long ticket) throws IOException {
        ByteBuffer[] batch;
        long covered;
        lock.lock();
        try {
            while (true) {
                if (synced >= ticket) {
                    return;
                }
                if (failed != null) {
                    throw refused();
                }
                if (!running) {
                    break;
                }
                // parked until the running batch ends; a request is not interrupted midway (its line is
                // queued and may still be written), and the interrupt is kept for the caller
                settled.awaitUninterruptibly();
            }
            running = true;
            batch = queue.toArray(NONE);
            queue.clear();
            covered = queued;
        } finally {
            lock.unlock();
        }
        String step = "write";
        boolean done = false;
        IOException failure = null;
        // a file channel closes itself when the thread using it is interrupted: the leader writes for every
        // caller of its batch, so its own interrupt waits until the batch is written and forced
        boolean interrupted = Thread.interrupted();
        try {
            if (batch.length > 0) {
                write.run(batch);
            }
            step = "force";
            force.run();
            done = true;
        } catch (IOException e) {
            failure = e;
            throw e;
        } finally {
            lock.lock();
            try {
                running = false;
                if (done) {
                    synced = covered;
                } else {
                    failed = failure != null ? failure : new IOException("the " + step + " did not finish");
                    failedStep = step;
                    queue.clear(); // never written: their callers fail
                }
                settled.signalAll();
            } finally {
                lock.unlock();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Takes no more lines; those queued before are still written by their callers. */
    void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns once every line queued so far is written and forced (leading the batch if no caller is), or
     * their write or force failed: then false.
     */
    boolean drain() {
        long last;
        lock.lock();
        try {
            last = queued;
        } finally {
            lock.unlock();
        }
        try {
            sync(last);
            return true;
        } catch (IOException failedBefore) {
            return false;
        }
    }

    /** Takes lines: neither closed nor failed. */
    boolean accepting() {
        lock.lock();
        try {
            return !closed && failed == null;
        } finally {
            lock.unlock();
        }
    }

    /** How many lines were queued so far. */
    long appended() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }

    /** No batch running and no line waiting for one: every line is forced, or failed. */
    boolean idle() {
        lock.lock();
        try {
            return !running && (failed != null || synced >= queued);
        } finally {
            lock.unlock();
        }
    }

    /** A write or force failed: final. */
    boolean failed() {
        lock.lock();
        try {
            return failed != null;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock. */
    private IOException refused() {
        if (failed != null) {
            return new IOException("an earlier " + failedStep + " failed: " + failed.getMessage(), failed);
        }
        return new IOException("the log takes no more lines");
    }
}
