package dev.leadconnector.targets.batch;

import dev.leadconnector.targets.LeadTarget;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.DefaultExchange;
import org.springframework.stereotype.Component;

/**
 * The step of a batched target's deliver route that hands its lead to the target's batch: the lead's
 * exchange is parked (no thread waits) and a {@link Ticket} goes to {@code direct:<target>-batch}, whose
 * aggregator collects the tickets into batches. The lead's exchange goes on only once its own
 * record's outcome is known, so a lead counts as delivered (and leaves the inbox) exactly as a lone
 * delivery would; a failure is the lead's own, and a retry of this step puts it into a later batch.
 */
@Component("batchGate")
public class BatchGate extends AsyncProcessorSupport implements AsyncProcessor {

    private final ProducerTemplate producer;

    public BatchGate(ProducerTemplate producer) {
        this.producer = producer;
    }

    @Override
    public boolean process(Exchange lead, AsyncCallback callback) {
        String target = LeadTarget.of(lead);
        Ticket ticket = new Ticket(lead, callback);
        Exchange toBatch = new DefaultExchange(producer.getCamelContext());
        LeadTarget.set(toBatch, target);
        toBatch.getMessage().setHeader("leadId", lead.getMessage().getHeader("leadId"));
        toBatch.getMessage().setBody(ticket);
        producer.send("direct:" + target + "-batch", toBatch);
        if (toBatch.getException() != null) {
            // the batch never took it (e.g. the route is stopping): the lead fails now, and is retried
            ticket.failed(toBatch.getException());
        }
        return false;
    }
}
