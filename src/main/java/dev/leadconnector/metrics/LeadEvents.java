package dev.leadconnector.metrics;

import dev.leadconnector.dispatch.InboxSettings;
import dev.leadconnector.health.InboxProbe;
import dev.leadconnector.health.TargetHealth;
import dev.leadconnector.journal.LeadJournal;
import dev.leadconnector.targets.LeadTarget;
import dev.leadconnector.targets.batch.Ticket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.EventNotifierSupport;
import org.springframework.stereotype.Component;

/**
 * Turns what Camel sees happen to each lead into the {@code leads_*} metrics, so the routes stay
 * about the lead's journey and a new target is measured without a line of its own:
 * <ul>
 *   <li>{@code leads.received{action}}: a lead written to the inbox by {@code lead-intake};</li>
 *   <li>{@code leads.delivered} / {@code leads.failed{target,action}}: a {@code direct:deliver-<target>}
 *       call ended well, or with an error (redeliveries included); a call the target skipped because
 *       it already has the lead counts as neither;</li>
 *   <li>{@code leads.delivery{target}}: how long that call took, redeliveries included;</li>
 *   <li>{@code leads.dead.lettered{target,action}}: a lead sent to {@code direct:dead-letter}
 *       ({@code target} is {@code router} when no target was chosen);</li>
 *   <li>{@code leads.inbox.depth}: leads waiting in the inbox.</li>
 * </ul>
 * The {@code action} tag is one of the documented action codes, {@code test} or {@code other}
 * ({@link ActionTag}): a tag value is a time series for good, so no lead's text becomes one.
 * Rejected requests never reach Camel whole, so {@link IntakeOutcomes} counts them; duplicates are
 * counted where {@code lead-dispatch} finds them ({@code leads.duplicate{action}}). A delivery that
 * ends well also tells {@link TargetHealth} that the CRM accepted our credentials, and the lead's
 * journal ({@link LeadJournal}) that the target has it, with the id of the record it wrote.
 */
@Component
public class LeadEvents extends EventNotifierSupport implements CamelContextAware, CamelContextConfiguration {

    static final String INTAKE = "lead-intake";
    static final String DELIVER = "direct:deliver-";
    static final String DEAD_LETTER = "direct:dead-letter";
    /** Where targets leave the id of the record they wrote (the file producer: the archive's file). */
    static final List<String> RECORD_IDS = List.of(Ticket.RECORD_ID, Exchange.FILE_NAME_PRODUCED);

    private final MeterRegistry registry;
    private final TargetHealth targetHealth;
    private final LeadJournal journal;
    private final String inboxUri;
    private CamelContext camelContext;
    private Endpoint inbox;

    public LeadEvents(MeterRegistry registry, TargetHealth targetHealth, LeadJournal journal,
                      InboxProbe inboxProbe, InboxSettings inbox) {
        this.registry = registry;
        this.targetHealth = targetHealth;
        this.journal = journal;
        this.inboxUri = inbox.uri();
        Gauge.builder("leads.inbox.depth", inboxProbe, LeadEvents::depthOrNaN)
                .description("Leads waiting in the inbox to be dispatched")
                .register(registry);
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        // heard and dropped (notify): Camel times a send, and later reports it sent, only when some
        // notifier listens to its sending (with Extended statistics its runtime endpoint registry did)
        setIgnoreExchangeSendingEvents(false);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /**
     * Registered here, once the application is built: Camel's look-up of event notifier beans can
     * run while this bean is still being created (it needs the meter registry) and then misses it.
     */
    @Override
    public void beforeApplicationStart(CamelContext camel) {
        if (!camel.getManagementStrategy().getEventNotifiers().contains(this)) {
            camel.getManagementStrategy().addEventNotifier(this);
        }
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
        // nothing to do once started
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof ExchangeSentEvent sent) {
            sent(sent.getExchange(), sent.getEndpoint(), sent.getTimeTaken());
        }
    }

    private void sent(Exchange exchange, Endpoint endpoint, long millis) {
        String uri = endpoint.getEndpointUri().replaceFirst("^direct://", "direct:");
        if (uri.startsWith(DELIVER)) {
            String target = LeadTarget.of(exchange) == null ? "unknown" : LeadTarget.of(exchange);
            if (exchange.getProperty(Exchange.DUPLICATE_MESSAGE, false, Boolean.class)) {
                return; // the target already had this lead: nothing was sent
            }
            boolean failed = exchange.isFailed() || exchange.getProperty(Exchange.EXCEPTION_CAUGHT) != null;
            counter(failed ? "leads.failed" : "leads.delivered",
                    failed ? "Deliveries that failed after their redeliveries" : "Leads delivered to a target",
                    "target", target, "action", action(exchange)).increment();
            Timer.builder("leads.delivery").description("Time to deliver a lead to a target, redeliveries included")
                    .tag("target", target).register(registry).record(Duration.ofMillis(millis));
            if (!failed) {
                targetHealth.succeeded(target);
                journal.delivered(exchange.getMessage().getHeader("leadId", String.class), target, recordId(exchange));
            }
        } else if (uri.equals(DEAD_LETTER)) {
            String target = LeadTarget.of(exchange) == null ? "router" : LeadTarget.of(exchange);
            counter("leads.dead.lettered", "Leads parked in the dead-letter store",
                    "target", target, "action", action(exchange)).increment();
        } else if (INTAKE.equals(exchange.getFromRouteId()) && !exchange.isFailed() && endpoint == inbox()) {
            counter("leads.received", "Leads accepted into the inbox", "action", action(exchange)).increment();
        }
    }

    private Endpoint inbox() {
        if (inbox == null) {
            inbox = camelContext.getEndpoint(inboxUri);
        }
        return inbox;
    }

    private Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    /** The CRM's own id of the record the target wrote, as the target's route left it. */
    private static String recordId(Exchange exchange) {
        for (String header : RECORD_IDS) {
            Object id = exchange.getMessage().getHeader(header);
            if (id != null) {
                return id.toString();
            }
        }
        return null;
    }

    /** The lead's action code as a tag value: one of a closed set ({@link ActionTag}), never the lead's own text. */
    private static String action(Exchange exchange) {
        return ActionTag.of(exchange.getMessage().getHeader("leadAction", String.class));
    }

    private static double depthOrNaN(InboxProbe probe) {
        try {
            return probe.depth();
        } catch (Exception unreachable) {
            return Double.NaN;
        }
    }
}
