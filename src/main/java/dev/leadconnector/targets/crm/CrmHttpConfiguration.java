package dev.leadconnector.targets.crm;

import java.util.regex.Pattern;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What every CRM call over camel-http shares (set on the http component in application.yaml). */
@Configuration(proxyBeanMethods = false)
public class CrmHttpConfiguration {

    /** The routes' own headers ({@code leadId}, {@code crmRecordId}, ...) are never sent to a CRM. */
    static final Pattern INTERNAL_HEADERS = Pattern.compile("(lead|crm)[A-Z].*");

    @Bean
    public HeaderFilterStrategy crmHeaders() {
        HttpHeaderFilterStrategy strategy = new HttpHeaderFilterStrategy();
        strategy.setOutFilterPattern(INTERNAL_HEADERS);
        return strategy;
    }

    /**
     * For {@code enrich} with {@code aggregateOnException}: the body stays the canonical lead, also when
     * the call failed (so a redelivery repeats the whole call and a dead letter holds the lead); the
     * call's exception and the {@code crm*} headers it set (the record found, its status) are kept.
     */
    @Bean
    public AggregationStrategy keepLead() {
        return (lead, call) -> {
            if (call != null && call.getException() != null) {
                lead.setException(call.getException());
            } else if (call != null) {
                call.getMessage().getHeaders().forEach((name, value) -> {
                    if (name.startsWith("crm")) {
                        lead.getMessage().setHeader(name, value);
                    }
                });
            }
            return lead;
        };
    }

    /** Whether the http call answered 2xx. */
    public static boolean succeeded(Exchange exchange) {
        int status = status(exchange);
        return status >= 200 && status < 300;
    }

    public static int status(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return status == null ? 0 : status;
    }
}
