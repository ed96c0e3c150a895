package dev.leadconnector.targets.batch;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * Hands each lead to its endpoint's batches and returns at once: no thread waits while the lead gathers
 * with others or its batch's calls are in flight. The exchange completes when its own record's outcome
 * is known ({@link Ticket#delivered} or {@link Ticket#failed}).
 */
final class CrmProducer extends DefaultAsyncProducer {

    CrmProducer(CrmEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public CrmEndpoint getEndpoint() {
        return (CrmEndpoint) super.getEndpoint();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        // an outcome is this delivery's own: nothing of an earlier attempt or of the route's own crm* headers
        exchange.getMessage().removeHeaders("crm*");
        try {
            getEndpoint().deliver(new Ticket(exchange, callback));
            return false;
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
    }
}
