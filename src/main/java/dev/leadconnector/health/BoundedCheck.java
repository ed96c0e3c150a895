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
 * one per check).
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
            if (running == null || running.isDone()) {
                running = CompletableFuture.supplyAsync(() -> {
                    try {
                        return check.call();
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                }, CHECKS);
            }
            answer = running;
        }
        try {
            return (T) answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException slow) {
            throw new TimedOut("no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException failed) {
            Throwable cause = failed.getCause() instanceof CompletionException wrapped && wrapped.getCause() != null
                    ? wrapped.getCause() : failed.getCause();
            if (cause instanceof Exception e) {
                throw e;
            }
            throw failed;
        }
    }
}
