package dev.leadconnector.targets.batch;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.ProducerTemplate;
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
    public BatchGate marketoBatch(ProducerTemplate producer) {
        return new BatchGate(producer, "direct:marketo-batch");
    }

    @Bean
    public BatchGate salesforceBatch(ProducerTemplate producer) {
        return new BatchGate(producer, "direct:salesforce-batch");
    }

    @Bean
    public BatchGate dynamicsBatch(ProducerTemplate producer) {
        return new BatchGate(producer, "direct:dynamics-batch");
    }

    /** The aggregators' strategy: the batch is the list of tickets, in arrival order. */
    @Bean
    public AggregationStrategy batchOfTickets() {
        return new GroupedBodyAggregationStrategy();
    }
}
