package dev.leadconnector.targets.batch;

import org.apache.camel.Exchange;
import org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy;
import org.springframework.stereotype.Component;

/**
 * The aggregators' strategy: a batch is the list of its tickets, in arrival order. Each new ticket
 * carries the batch's first arrival, which the completion timeout counts from.
 */
@Component("batchOfTickets")
public class BatchOfTickets extends GroupedBodyAggregationStrategy {

    @Override
    public Exchange aggregate(Exchange batch, Exchange ticket) {
        ticket.setProperty(CrmBatch.FIRST_ARRIVAL, batch == null ? System.currentTimeMillis()
                : batch.getProperty(CrmBatch.FIRST_ARRIVAL));
        Exchange aggregated = super.aggregate(batch, ticket);
        aggregated.setProperty(CrmBatch.FIRST_ARRIVAL, ticket.getProperty(CrmBatch.FIRST_ARRIVAL));
        return aggregated;
    }
}
