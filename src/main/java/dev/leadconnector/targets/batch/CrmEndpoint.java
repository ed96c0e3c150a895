package dev.leadconnector.targets.batch;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code crm:<target>}: delivers each lead to the target's CRM in batches and completes its exchange
 * with its own record's outcome: headers {@code crmRecordId} (the CRM's id of the record) and
 * {@code crmOutcome} (what the CRM did, in words), or the exchange's exception in the CRM's own words,
 * which the route's error handler retries or parks. A retried lead joins a later batch.
 *
 * <p>Batch while busy: a lead at an idle CRM (no call in flight, no batch sent within {@code maxWait}) goes
 * at once; while the CRM is busy leads gather until {@code batchSize}, or until the first of them has waited
 * {@code maxWait}. Per batch: the lookup, page by page; each lead's funnel status and its mapping
 * ({@code routes/mappings/<mapping>.jslt}); the writes; each lead's outcome. Every call goes through the
 * target's circuit breaker, with the CRM's token (once more with a new token when the CRM rejects it), and
 * its answer is checked in the CRM's words.
 */
@UriEndpoint(firstVersion = "4.17.0", scheme = "crm", title = "CRM delivery", syntax = "crm:target",
        producerOnly = true, remote = true, category = {Category.SAAS})
@ManagedResource(description = "CRM delivery endpoint: a target's batches")
public class CrmEndpoint extends DefaultEndpoint {

    @UriPath(description = "The target: leads.targets.<target>, the BatchedCrm bean of that name")
    @Metadata(required = true)
    private final String target;
    @UriParam(description = "The most leads per batch, 1 to what the CRM takes per call (default:"
            + " leads.targets.<target>.batch.size, else what the CRM takes per call)")
    private Integer batchSize;
    @UriParam(javaType = "java.time.Duration", defaultValue = "1s", description = "The longest a lead waits for others while"
            + " the CRM is busy, and how long the CRM counts as busy after a batch went (default:"
            + " leads.targets.<target>.batch.max-wait)")
    private Duration maxWait = Duration.ofSeconds(1);
    @UriParam(description = "The mapping each lead's record is made with: routes/mappings/<mapping>.jslt (default:"
            + " leads.targets.<target>.mapping, else the target's name)")
    private String mapping;

    private final BatchedCrm crm;
    private Batches batches;
    private ExecutorService workers;
    private ScheduledExecutorService timer;
    private ProducerTemplate calls;
    private CircuitBreaker breaker;

    CrmEndpoint(String uri, CrmComponent component, String target, BatchedCrm crm) {
        super(uri, component);
        this.target = target;
        this.crm = crm;
    }

    @Override
    public CrmComponent getComponent() {
        return (CrmComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new CrmProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("crm:" + target + " only delivers: use it in a to");
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        int limit = crm.maxBatchSize();
        if (batchSize != null && (batchSize < 1 || batchSize > limit)) {
            throw new IllegalStateException("leads.targets." + target + ".batch.size must be 1 to " + limit
                    + " (what " + target + " takes per call), not " + batchSize);
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        var executors = getCamelContext().getExecutorServiceManager();
        workers = executors.newDefaultThreadPool(this, "crm-" + target);
        timer = executors.newSingleThreadScheduledExecutor(this, "crm-" + target + "-max-wait");
        calls = getCamelContext().createProducerTemplate();
        breaker = getComponent().breaker(target);
        BatchRun run = new BatchRun(target, crm, mapping, getComponent().mappings(), getComponent().funnel(),
                new CrmCaller(target, crm, calls, breaker));
        batches = new Batches(crm, effectiveBatchSize(), maxWait.toMillis(), timer, batch -> send(run, batch));
    }

    /** On stop, the leads still gathering go as their batches, and the batches under way end. */
    @Override
    protected void doStop() throws Exception {
        if (batches != null) {
            batches.flush();
        }
        var executors = getCamelContext().getExecutorServiceManager();
        if (timer != null) {
            executors.shutdownNow(timer);
        }
        if (workers != null) {
            executors.shutdownGraceful(workers);
        }
        if (calls != null) {
            calls.stop();
        }
        super.doStop();
    }

    void deliver(Ticket lead) {
        batches.add(lead);
    }

    private void send(BatchRun run, List<Ticket> batch) {
        try {
            workers.execute(() -> run.run(batch, batches::finished));
        } catch (RejectedExecutionException stopping) {
            batches.finished();
            batch.forEach(lead -> lead.failed(stopping));
        }
    }

    private int effectiveBatchSize() {
        return batchSize == null ? crm.maxBatchSize() : batchSize;
    }

    @ManagedAttribute(description = "The target")
    public String getTarget() {
        return target;
    }

    @ManagedAttribute(description = "The most leads per batch")
    public Integer getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(Integer batchSize) {
        this.batchSize = batchSize;
    }

    public Duration getMaxWait() {
        return maxWait;
    }

    @ManagedAttribute(description = "The longest a lead waits for others while the CRM is busy (ms)")
    public long getMaxWaitMillis() {
        return maxWait.toMillis();
    }

    public void setMaxWait(Duration maxWait) {
        this.maxWait = maxWait;
    }

    @ManagedAttribute(description = "The mapping: routes/mappings/<mapping>.jslt")
    public String getMapping() {
        return mapping;
    }

    public void setMapping(String mapping) {
        this.mapping = mapping;
    }

    @ManagedAttribute(description = "Leads gathering for the next batch")
    public int getGathering() {
        return batches == null ? 0 : batches.gathering();
    }

    @ManagedAttribute(description = "Batches under way")
    public int getBatchesInFlight() {
        return batches == null ? 0 : batches.inFlight();
    }

    @ManagedAttribute(description = "The target's circuit breaker: CLOSED, OPEN or HALF_OPEN")
    public String getCircuitBreakerState() {
        return breaker == null ? null : breaker.getState().name();
    }
}
