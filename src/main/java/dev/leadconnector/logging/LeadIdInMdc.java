package dev.leadconnector.logging;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.impl.engine.DefaultUnitOfWork;
import org.apache.camel.spi.InflightRepository;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.spi.UnitOfWorkFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Puts the lead id in the logging MDC as {@code leadId} on every step of every route, as soon as a
 * route has set the {@code leadId} header, and the route's id as {@code camel.routeId}. Every log
 * line about a lead then carries its id, in text and in JSON output.
 *
 * <p>Only those two keys: Camel's own MDC unit of work sets six before every step and restores
 * eight after it, an eighth of the intake request's time in a profile, for ids (exchange, message,
 * context) that no line here needs.
 *
 * <p>Kept rather than Camel 4.17's {@code camel-mdc} (Preview), measured against it (6 Dec 2026, 2 cores
 * shared with other builds; branch wt-logging-camel-mdc-trial: {@code camel-mdc-starter},
 * {@code camel.mdc.custom-exchange-headers=leadId}, {@code use-mdc-logging: false}). camel-mdc wraps every
 * step in an intercept strategy that always puts exchange, message, context and thread ids (and the
 * correlation id when set) besides the route id and the chosen headers, removes them after the step
 * instead of restoring what was there, and cannot be told to carry fewer; its {@code camel.routeId} is
 * the route the exchange started in ({@code lead-dispatch} on the archive's "Lead ... archived" line,
 * where this one names {@code deliver-archive}), and each JSON line carries five more keys.
 * <ul>
 * <li>heap allocated per lead end to end ({@code JAVA_OPTS=-Xmx256m bench/run.sh --allocation --no-build};
 * at jvm.options' 112 MB heap the run ends in an OutOfMemoryError under this load, with the main branch's
 * jar as well): this class 274 and 279 KB, camel-mdc 306 and 303 KB (+10%), runs alternated;</li>
 * <li>CPU per lead ({@code bench/run.sh --intake-only --no-build}, alternated): this class 3.54 ms
 * (load 22.6), 1.53 ms (load 13.6); camel-mdc 1.81 ms (load 17.0), 1.51 ms (load 15.1): within the noise
 * of a machine at load 13 to 23.</li>
 * </ul>
 */
@Component
public class LeadIdInMdc implements UnitOfWorkFactory {

    public static final String KEY = "leadId";
    private static final String ROUTE_ID = UnitOfWork.MDC_ROUTE_ID;
    private static final Logger LOG = LoggerFactory.getLogger(LeadIdInMdc.class);

    private InflightRepository inflightRepository;
    private boolean allowUseOriginalMessage;
    private boolean useBreadcrumb;

    @Override
    public void afterPropertiesConfigured(CamelContext context) {
        inflightRepository = context.getInflightRepository();
        allowUseOriginalMessage = Boolean.TRUE.equals(context.isAllowUseOriginalMessage());
        useBreadcrumb = Boolean.TRUE.equals(context.isUseBreadcrumb());
    }

    @Override
    public UnitOfWork createUnitOfWork(Exchange exchange) {
        return new LeadUnitOfWork(exchange, inflightRepository, allowUseOriginalMessage, useBreadcrumb);
    }

    static final class LeadUnitOfWork extends DefaultUnitOfWork {
        /** What the thread's MDC held when the exchange began: put back after each step. */
        private final String outerLeadId;
        private final String outerRouteId;

        LeadUnitOfWork(Exchange exchange, InflightRepository inflight, boolean original, boolean breadcrumb) {
            super(exchange, LOG, inflight, original, breadcrumb);
            outerLeadId = MDC.get(KEY);
            outerRouteId = MDC.get(ROUTE_ID);
        }

        @Override
        public boolean isBeforeAfterProcess() {
            return true;
        }

        @Override
        public AsyncCallback beforeProcess(Processor processor, Exchange exchange, AsyncCallback callback) {
            put(exchange);
            AsyncCallback next = super.beforeProcess(processor, exchange, callback);
            return doneSync -> {
                if (!doneSync) {
                    put(exchange); // continued on another thread: its lines carry the ids too
                }
                next.done(doneSync);
            };
        }

        @Override
        public void afterProcess(Processor processor, Exchange exchange, AsyncCallback callback, boolean doneSync) {
            restore(); // the thread goes on to other work, which is not this lead's
        }

        @Override
        protected void onDone() {
            super.onDone();
            restore();
        }

        @Override
        public void reset() {
            super.reset();
            restore();
        }

        private void put(Exchange exchange) {
            String leadId = exchange.getMessage().getHeader(KEY, String.class);
            if (leadId != null) {
                MDC.put(KEY, leadId);
            }
            Route route = getRoute();
            if (route != null) {
                MDC.put(ROUTE_ID, route.getRouteId());
            }
        }

        private void restore() {
            restore(KEY, outerLeadId);
            restore(ROUTE_ID, outerRouteId);
        }

        private static void restore(String key, String value) {
            if (value != null) {
                MDC.put(key, value);
            } else {
                MDC.remove(key);
            }
        }
    }
}
