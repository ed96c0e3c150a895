package dev.leadconnector.targets.batch;

import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.DefaultExchange;

/**
 * The step of a deliver-* route that hands its lead to the target's batch: the lead's exchange is
 * parked (no thread waits) and a {@link Parked} ticket goes to {@code direct:<target>-batch}, whose
 * aggregator collects tickets up to the CRM's batch size or max wait and makes the batch calls. The
 * lead's exchange goes on only once its own record's outcome is known, so a lead counts as delivered
 * (and leaves the inbox) exactly as before; a failure is the lead's own, and a retry of this step
 * puts the lead into a later batch.
 */
public final class BatchGate extends AsyncProcessorSupport implements AsyncProcessor {

    /** When the ticket reached the gate (epoch ms): a batch waits for at most max-wait from its first. */
    public static final String ARRIVED = "crmBatchArrived";

    private final ProducerTemplate producer;
    private final String batchUri;

    public BatchGate(ProducerTemplate producer, String batchUri) {
        this.producer = producer;
        this.batchUri = batchUri;
    }

    @Override
    public boolean process(Exchange lead, AsyncCallback callback) {
        Parked parked = new Parked(lead, callback);
        Exchange ticket = new DefaultExchange(producer.getCamelContext());
        // the lead's headers (leadId for the log, leadEmail for grouping), and the ticket as body
        ticket.getMessage().setHeaders(new java.util.HashMap<>(lead.getMessage().getHeaders()));
        ticket.getMessage().setBody(parked);
        ticket.setProperty(ARRIVED, System.currentTimeMillis());
        producer.send(batchUri, ticket);
        if (ticket.getException() != null) {
            // the batch never took it (e.g. the route is stopping): the lead fails now, and is retried
            parked.failed(ticket.getException());
        }
        return false;
    }
}
