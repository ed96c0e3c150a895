package dev.leadconnector.dispatch;

import org.apache.camel.throttling.ThrottlingInflightRoutePolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Back-pressure for lead-dispatch ({@code routePolicy: dispatchInFlight}): leads waiting for a batch
 * or a retry hold no thread, so nothing else would stop the inbox from handing out leads faster
 * than the CRMs take them. Past {@code leads.inbox.max-in-flight} leads in hand, the inbox consumer
 * is suspended (the rest wait in the inbox, durably), and resumed once 70% of that is left.
 */
@Configuration(proxyBeanMethods = false)
public class DispatchBackPressure {

    @Bean
    ThrottlingInflightRoutePolicy dispatchInFlight(InboxSettings inbox) {
        ThrottlingInflightRoutePolicy policy = new ThrottlingInflightRoutePolicy();
        policy.setMaxInflightExchanges(inbox.maxInFlight());
        policy.setResumePercentOfMax(70);
        return policy;
    }
}
