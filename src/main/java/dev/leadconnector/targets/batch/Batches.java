package dev.leadconnector.targets.batch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * When a target's batch goes ("batch while busy"): at once when the target is idle, so a lone lead never
 * waits; the target is busy while a batch of it is under way and for {@code maxWait} after a batch went,
 * and while it is busy the leads that come gather until {@code size} or until the first of them has waited
 * {@code maxWait}. A burst therefore fills its batches after its first lead. (Sending what waits as soon as
 * the last call ends, TCP's Nagle rule, made batches of a few leads against a fast CRM: 56 Marketo batches
 * for a 1,000-lead burst in the benchmark instead of 4.) Leads of different groups
 * ({@link BatchedCrm#group}) never share a batch. Decided under one lock, so two leads arriving at an idle
 * target make one batch, not two.
 */
final class Batches {

    private final class Gathering {
        final List<Ticket> leads = new ArrayList<>();
        ScheduledFuture<?> maxWaitPassed;
    }

    private final BatchedCrm crm;
    private final int size;
    private final long maxWait;
    private final ScheduledExecutorService timer;
    private final Consumer<List<Ticket>> send;
    private final Map<String, Gathering> gathering = new LinkedHashMap<>();
    private int inFlight;
    private long lastSent;

    Batches(BatchedCrm crm, int size, long maxWaitMillis, ScheduledExecutorService timer, Consumer<List<Ticket>> send) {
        this.crm = crm;
        this.size = size;
        this.maxWait = maxWaitMillis;
        this.timer = timer;
        this.send = send;
    }

    /** A lead joins its group's batch, which goes now when the target is idle or the batch is full. */
    void add(Ticket lead) {
        String group = crm.group(lead);
        List<Ticket> due = null;
        synchronized (this) {
            Gathering batch = gathering.get(group);
            if (batch == null) {
                Gathering first = new Gathering();
                gathering.put(group, first);
                first.maxWaitPassed = timer.schedule(() -> maxWaitPassed(group, first), maxWait, TimeUnit.MILLISECONDS);
                batch = first;
            }
            batch.leads.add(lead);
            boolean idle = inFlight == 0 && System.currentTimeMillis() - lastSent >= maxWait;
            if (idle || batch.leads.size() >= size) {
                due = take(group, batch);
            }
        }
        if (due != null) {
            send.accept(due);
        }
    }

    /** A batch ended: its calls are no longer in flight. */
    synchronized void finished() {
        inFlight = Math.max(0, inFlight - 1);
    }

    /** Every batch still gathering goes now (the endpoint stops). */
    void flush() {
        List<List<Ticket>> due = new ArrayList<>();
        synchronized (this) {
            new ArrayList<>(gathering.entrySet()).forEach(batch -> due.add(take(batch.getKey(), batch.getValue())));
        }
        due.forEach(send);
    }

    synchronized int gathering() {
        return gathering.values().stream().mapToInt(batch -> batch.leads.size()).sum();
    }

    synchronized int inFlight() {
        return inFlight;
    }

    private void maxWaitPassed(String group, Gathering batch) {
        List<Ticket> due = null;
        synchronized (this) {
            if (gathering.get(group) == batch) {
                due = take(group, batch);
            }
        }
        if (due != null) {
            send.accept(due);
        }
    }

    /** Under the lock: the batch leaves the gathering and counts as in flight. */
    private List<Ticket> take(String group, Gathering batch) {
        gathering.remove(group);
        batch.maxWaitPassed.cancel(false);
        inFlight++;
        lastSent = System.currentTimeMillis();
        return batch.leads;
    }
}
