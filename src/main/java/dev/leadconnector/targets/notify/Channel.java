package dev.leadconnector.targets.notify;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel's pace and digest: when a notification goes, and with which leads. The rule, in one place:
 *
 * <p><b>A channel sends what waits for it, one lead alone or several as a digest, as soon as (1) no message of
 * it is on its way, (2) it sent fewer than {@code pace} messages within the last {@code window}, (3) no digest
 * of it went within the last {@code digest-every}, and (4) no 429 of it asked to wait longer.</b>
 *
 * <p>So a lead that finds its channel quiet goes at once, in a message of its own, whatever came before it
 * (a trickle is a message per lead, within a second or so). Leads that arrive while a message is on its way,
 * or beyond the pace, wait together and go as one digest as soon as the rule allows; while a burst lasts,
 * digests go at most once per {@code digest-every}, so a burst of hundreds is a handful of messages (a lead, a
 * digest, then one digest per {@code digest-every} while leads keep coming). A digest lists {@code digest-max}
 * leads in full and names the rest by id ({@link Notifier#message}: one too large for the channel carries
 * fewer leads, and the others go in the next message).
 *
 * <p>Each lead's exchange waits without a thread ({@link NotifyProducer} returns at once) and completes with the
 * outcome of the message that carried it: the header {@value #OUTCOME}, or that message's failure, which the
 * route's error handler retries or parks (a retried lead waits again, and goes in a later message). The channel
 * works on a thread of its own, one message at a time.
 */
final class Channel {

    private static final Logger LOG = LoggerFactory.getLogger(Channel.class);

    /** What became of a lead, on its exchange once its message was sent ("notified in a message of 3 leads"). */
    static final String OUTCOME = "notifyOutcome";
    /** The most leads one message takes: dispatch holds about leads.inbox.max-in-flight (500) at once. */
    static final int MAX_LEADS = 1000;

    /** A lead waiting for its message. */
    record Waiting(Exchange exchange, AsyncCallback callback, Notification notification) {}

    /** Sends one message to the channel, or throws the channel's failure. */
    interface Transport {
        void send(ChannelMessage message) throws Exception;
    }

    private final Notifier notifier;
    private final Pace pace;
    private final Transport transport;
    private final ScheduledExecutorService thread;

    private final Queue<Waiting> arrived = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean pumpQueued = new AtomicBoolean();
    private volatile boolean closed;

    // only the channel's thread reads and writes these
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** When the last {@code pace} messages went (ms, monotonic). */
    private final ArrayDeque<Long> sent = new ArrayDeque<>();
    private long lastDigest = Long.MIN_VALUE / 4;
    private long pausedUntil = Long.MIN_VALUE / 4;
    private ScheduledFuture<?> wakeUp;

    Channel(Notifier notifier, Pace pace, Transport transport, ScheduledExecutorService thread) {
        this.notifier = notifier;
        this.pace = pace;
        this.transport = transport;
        this.thread = thread;
    }

    /** A lead for this channel: it waits (holding no thread) for its message. */
    void offer(Waiting lead) {
        if (closed) {
            fail(List.of(lead), stopped());
            return;
        }
        arrived.add(lead);
        schedulePump();
    }

    private void schedulePump() {
        if (pumpQueued.compareAndSet(false, true)) {
            try {
                thread.execute(this::pump);
            } catch (RejectedExecutionException stopping) {
                pumpQueued.set(false);
                failArrived();
            }
        }
    }

    /** When the channel may send next (ms, monotonic): the rule's four conditions, the first being the thread's. */
    long nextSend(long now) {
        long paceAllows = sent.size() < pace.messages() ? now : sent.peekFirst() + pace.window().toMillis();
        return Math.max(Math.max(paceAllows, pausedUntil), Math.max(now, lastDigest + pace.digestEvery().toMillis()));
    }

    private void pump() {
        pumpQueued.set(false);
        try {
            while (!closed) {
                for (Waiting lead = arrived.poll(); lead != null; lead = arrived.poll()) {
                    waiting.add(lead);
                }
                if (waiting.isEmpty()) {
                    return;
                }
                long now = now();
                long at = nextSend(now);
                if (at > now) {
                    wakeAt(at - now);
                    return;
                }
                sendNext(now);
            }
        } catch (RuntimeException unexpected) {
            LOG.error("notify:{} stopped sending: {}", notifier.name(), unexpected.toString(), unexpected);
            fail(new ArrayList<>(waiting), NotifyException.notSent(notifier.name(), unexpected));
            waiting.clear();
        }
    }

    private void wakeAt(long delay) {
        if (wakeUp != null) {
            wakeUp.cancel(false);
        }
        try {
            wakeUp = thread.schedule(this::schedulePump, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // closing: close() fails what waits
        }
    }

    /** One message: the leads waiting longest, as many as it takes. */
    private void sendNext(long now) {
        List<Waiting> leads = new ArrayList<>(Math.min(waiting.size(), MAX_LEADS));
        for (Waiting lead : waiting) {
            if (leads.size() == MAX_LEADS) {
                break;
            }
            leads.add(lead);
        }
        ChannelMessage message;
        try {
            message = notifier.message(leads.stream().map(Waiting::notification).toList(), pace.digestMax());
        } catch (RuntimeException unrendered) {
            leads.forEach(lead -> waiting.remove());
            fail(leads, notifier.failure(unrendered));
            return;
        }
        List<Waiting> carried = leads.subList(0, Math.max(1, Math.min(message.leads(), leads.size())));
        carried.forEach(lead -> waiting.remove());
        sent.addLast(now);
        while (sent.size() > pace.messages()) {
            sent.removeFirst();
        }
        if (carried.size() > 1) {
            lastDigest = now;
        }
        try {
            transport.send(message);
        } catch (Exception thrown) {
            Exception failure = notifier.failure(thrown);
            if (failure instanceof NotifyException refused && refused.retryAfter() != null) {
                // the channel asked to wait: no message of it before then, whichever lead
                pausedUntil = now() + refused.retryAfter().toMillis();
            }
            LOG.debug("notify:{}: a message of {} lead(s) failed: {}", notifier.name(), carried.size(), failure.getMessage());
            fail(carried, failure);
            return;
        }
        LOG.info("notify:{}: sent a message of {} {}", notifier.name(), carried.size(), carried.size() == 1 ? "lead" : "leads");
        String outcome = "notified in a message of " + carried.size() + (carried.size() == 1 ? " lead" : " leads");
        for (Waiting lead : carried) {
            lead.exchange().getMessage().setHeader(OUTCOME, outcome);
            lead.callback().done(false);
        }
    }

    private static void fail(List<Waiting> leads, Exception failure) {
        for (Waiting lead : leads) {
            lead.exchange().setException(failure);
            lead.callback().done(false);
        }
    }

    private void failArrived() {
        List<Waiting> left = new ArrayList<>();
        for (Waiting lead = arrived.poll(); lead != null; lead = arrived.poll()) {
            left.add(lead);
        }
        fail(left, stopped());
    }

    private NotifyException stopped() {
        return NotifyException.notSent(notifier.name(), new IllegalStateException("notify:" + notifier.name() + " is stopped"));
    }

    /** Stops the channel: what still waits fails (and stays in the inbox for the next start). */
    void close() {
        closed = true;
        thread.shutdown();
        try {
            if (!thread.awaitTermination(35, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
        List<Waiting> left = new ArrayList<>(waiting);
        waiting.clear();
        fail(left, stopped());
        failArrived();
    }

    private static long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }
}
