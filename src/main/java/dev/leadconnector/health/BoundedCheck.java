package dev.leadconnector.health;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One health check with a time bound: the caller (a probe's request thread) waits at most
 * {@code timeout} for the answer, and a check that hangs (a stopped database, a hung queue service)
 * is not started again while it is still running: the next probes wait for that same one. So a
 * probe answers within the bound whatever is down, and hung checks never pile up threads (at most
 * one per check). A check that answered only after its caller gave up (a slow one on a loaded
 * machine, not a dead dependency) gives that answer to the next caller, if it is at most five bounds
 * old: a slow but working dependency is not reported DOWN at every probe.
 */
public final class BoundedCheck {

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService CHECKS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "health-check-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    /** The check gave no answer within its bound. */
    public static final class TimedOut extends Exception {
        TimedOut(String message) {
            super(message, null, false, false);
        }
    }

    private final Duration timeout;
    private CompletableFuture<Object> running;
    /** Whether a caller got the answer of {@code running}; when it finished (System.nanoTime). */
    private boolean collected;
    private volatile long finishedAt;

    public BoundedCheck(Duration timeout) {
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The check's answer, or {@link TimedOut} when it has none within the bound; its own failure as thrown. */
    @SuppressWarnings("unchecked")
    public <T> T call(Callable<T> check) throws Exception {
        CompletableFuture<Object> answer;
        synchronized (this) {
            boolean lateAnswer = running != null && running.isDone() && !collected
                    && System.nanoTime() - finishedAt <= timeout.multipliedBy(5).toNanos();
            if (!lateAnswer && (running == null || running.isDone())) {
                CompletableFuture<Object> started = CompletableFuture.supplyAsync(() -> {
                    try {
                        return check.call();
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                }, CHECKS);
                started.whenComplete((result, failure) -> finishedAt = System.nanoTime());
                running = started;
                collected = false;
            }
            answer = running;
        }
        try {
            T result = (T) answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            collect(answer);
            return result;
        } catch (TimeoutException slow) {
            throw new TimedOut("no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException failed) {
            collect(answer);
            Throwable cause = failed.getCause() instanceof CompletionException wrapped && wrapped.getCause() != null
                    ? wrapped.getCause() : failed.getCause();
            if (cause instanceof Exception e) {
                throw e;
            }
            throw failed;
        }
    }

    private synchronized void collect(CompletableFuture<Object> answer) {
        if (answer == running) {
            collected = true;
        }
    }
}
