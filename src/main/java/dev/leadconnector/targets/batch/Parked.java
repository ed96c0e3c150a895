package dev.leadconnector.targets.batch;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

/**
 * One lead's exchange waiting at a {@link BatchGate} for its batch: the batch route reads the lead
 * from it and gives it its own outcome exactly once, which lets the lead's route go on.
 */
public final class Parked {

    private final Exchange lead;
    private final AsyncCallback callback;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile Object record;

    Parked(Exchange lead, AsyncCallback callback) {
        this.lead = lead;
        this.callback = callback;
    }

    /** The canonical lead (JSON text). */
    public String body() {
        return lead.getMessage().getBody(String.class);
    }

    public Object header(String name) {
        return lead.getMessage().getHeader(name);
    }

    public Map<String, Object> headers() {
        return lead.getMessage().getHeaders();
    }

    /** What the batch route made of this lead for the batch request (its mapped record), or null. */
    public Object record() {
        return record;
    }

    public void record(Object mapped) {
        this.record = mapped;
    }

    public boolean isDone() {
        return done.get();
    }

    /** The CRM took the record: these headers (crmOutcome, ids) go back to the lead, which goes on. */
    public void delivered(Map<String, Object> headers) {
        if (done.compareAndSet(false, true)) {
            lead.getMessage().getHeaders().putAll(headers);
            callback.done(false);
        }
    }

    /** The CRM refused the record, or the batch call failed: the lead fails with this, and its retry policy decides. */
    public void failed(Exception failure) {
        if (done.compareAndSet(false, true)) {
            lead.setException(failure);
            callback.done(false);
        }
    }
}
