package dev.leadconnector.logging;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.engine.MDCUnitOfWork;
import org.apache.camel.spi.InflightRepository;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.spi.UnitOfWorkFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Puts the lead id in the logging MDC as {@code leadId} on every step of every route, as soon as a
 * route has set the {@code leadId} header, next to Camel's own MDC keys (route id, exchange id).
 * Every log line about a lead then carries its id, in text and in JSON output.
 */
@Component
public class LeadIdInMdc implements UnitOfWorkFactory {

    public static final String KEY = "leadId";

    private InflightRepository inflightRepository;
    private String keysPattern;
    private boolean allowUseOriginalMessage;
    private boolean useBreadcrumb;

    @Override
    public void afterPropertiesConfigured(CamelContext context) {
        inflightRepository = context.getInflightRepository();
        // leadId needs no keys pattern: it is put again from the header before every step, on
        // whichever thread runs it (a pattern costs a regex per MDC key at every step)
        String pattern = context.getMDCLoggingKeysPattern();
        keysPattern = pattern == null || pattern.isBlank() ? null : pattern;
        allowUseOriginalMessage = Boolean.TRUE.equals(context.isAllowUseOriginalMessage());
        useBreadcrumb = Boolean.TRUE.equals(context.isUseBreadcrumb());
    }

    @Override
    public UnitOfWork createUnitOfWork(Exchange exchange) {
        return new LeadUnitOfWork(exchange, inflightRepository, keysPattern, allowUseOriginalMessage, useBreadcrumb);
    }

    static final class LeadUnitOfWork extends MDCUnitOfWork {
        LeadUnitOfWork(Exchange exchange, InflightRepository inflight, String pattern, boolean original, boolean breadcrumb) {
            super(exchange, inflight, pattern, original, breadcrumb);
        }

        @Override
        protected void prepareMDC(Exchange exchange) {
            super.prepareMDC(exchange);
            String leadId = exchange.getMessage().getHeader(KEY, String.class);
            if (leadId != null) {
                MDC.put(KEY, leadId);
            }
        }

        @Override
        public void clear() {
            super.clear();
            MDC.remove(KEY);
        }
    }
}
