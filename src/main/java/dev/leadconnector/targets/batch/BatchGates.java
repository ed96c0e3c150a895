package dev.leadconnector.targets.batch;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One {@link BatchGate} per batching target, each feeding the aggregator of its
 * {@code direct:<target>-batch} route, and the aggregation that turns tickets into a batch.
 */
@Configuration(proxyBeanMethods = false)
public class BatchGates {

    @Bean
    public BatchGate marketoBatch(CamelContext camel) {
        return new BatchGate(camel, "direct:marketo-batch");
    }

    @Bean
    public BatchGate salesforceBatch(CamelContext camel) {
        return new BatchGate(camel, "direct:salesforce-batch");
    }

    @Bean
    public BatchGate dynamicsBatch(CamelContext camel) {
        return new BatchGate(camel, "direct:dynamics-batch");
    }

    /** The aggregators' strategy: the batch is the list of tickets, in arrival order. */
    @Bean
    public AggregationStrategy batchOfTickets() {
        return new GroupedBodyAggregationStrategy();
    }
}
