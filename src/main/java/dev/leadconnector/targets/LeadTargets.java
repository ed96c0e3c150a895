package dev.leadconnector.targets;

import dev.leadconnector.dispatch.LeadMessage;
import dev.leadconnector.lead.FunnelStage;
import dev.leadconnector.targets.RoutingSettings.TestLeads;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Header;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Answers the dispatch route's question "which targets get this lead?" from configuration, as a
 * recipient list of {@code direct:deliver-<name>} endpoints: an enabled target gets a lead when it
 * takes the lead's action ({@code actions}) and its offer ({@code offers}, empty for every offer).
 * Adding a target is adding its route file and its {@code leads.targets.<name>} block; no Java changes.
 */
@Component("leadTargets")
public class LeadTargets implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(LeadTargets.class);
    static final String DO_NOT_CONTACT = "DNC";
    static final String ROUTE_PREFIX = "deliver-";

    private final Map<String, TargetSettings> targets;
    private final TestLeads testLeads;

    public LeadTargets(RoutingSettings settings) {
        this.targets = settings.targets();
        this.testLeads = settings.testLeads();
        targets.forEach((name, target) -> {
            if (target.sales() && target.actions().contains(DO_NOT_CONTACT)) {
                throw new IllegalStateException("leads.targets." + name + ".actions lists DNC, but " + name
                        + " is a sales target: do-not-contact leads are never sent to sales");
            }
            // a code the marketplace does not document yet may be listed on purpose, to route it
            target.actions().stream()
                    .filter(action -> !FunnelStage.BY_ACTION.containsKey(action))
                    .forEach(action -> LOG.warn("leads.targets.{}.actions lists '{}', which is not one of the "
                            + "documented marketplace action codes {}", name, action, FunnelStage.BY_ACTION.keySet()));
        });
    }

    /** Whether any enabled target takes this lead (see {@link #forLead}). */
    public boolean takes(@Header(LeadMessage.ACTION) String action, @Header(LeadMessage.TEST) boolean test,
                         @Header(LeadMessage.OFFER_ID) String offerId, @Header(LeadMessage.OFFER_TITLE) String offerTitle) {
        return !forLead(action, test, offerId, offerTitle).isEmpty();
    }

    /**
     * The enabled targets that take this lead's offer and its action: a buying action goes to the
     * targets that list it, DNC only to targets that record leads (never to a sales target), and the
     * marketplace's test lead (no real action code) to every target, or only to those that record
     * leads when {@code leads.test-leads} is {@code drop}.
     */
    public String forLead(@Header(LeadMessage.ACTION) String action, @Header(LeadMessage.TEST) boolean test,
                          @Header(LeadMessage.OFFER_ID) String offerId, @Header(LeadMessage.OFFER_TITLE) String offerTitle) {
        return endpoints(byAction(action, test).and(target -> target.takesOffer(offerId, offerTitle)));
    }

    /** Why no target takes a lead, for its dead letter: its action, or else its offer. */
    public String whyNone(@Header(LeadMessage.ACTION) String action, @Header(LeadMessage.TEST) boolean test,
                          @Header(LeadMessage.OFFER_ID) String offerId, @Header(LeadMessage.OFFER_TITLE) String offerTitle) {
        String lead = DO_NOT_CONTACT.equals(action) ? "do-not-contact lead" : test ? "the marketplace's test lead"
                : "action code '" + action + "'";
        if (endpoints(byAction(action, test)).isEmpty()) {
            return DO_NOT_CONTACT.equals(action) || test && testLeads == TestLeads.DROP
                    ? lead + ": no enabled target records leads (sales: false)"
                    : test ? lead + ": no target is enabled" : "unknown " + lead + ": no enabled target takes it";
        }
        String offer = offerId == null && offerTitle == null ? "no offer"
                : "offer " + (offerId == null ? "'" + offerTitle + "'"
                : offerTitle == null ? offerId : offerId + " ('" + offerTitle + "')");
        return lead + " of " + offer + ": no enabled target takes it (leads.targets.<name>.offers)";
    }

    private Predicate<TargetSettings> byAction(String action, boolean test) {
        if (DO_NOT_CONTACT.equals(action) || test && testLeads == TestLeads.DROP) {
            return target -> !target.sales();
        }
        return test ? target -> true : target -> target.actions().contains(action);
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // nothing to prepare: routes are checked once they are loaded
    }

    /** An enabled target without its {@code deliver-<name>} route would lose leads: refuse to start. */
    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        List<String> missing = targets.entrySet().stream()
                .filter(e -> e.getValue().enabled() && camelContext.getRoute(ROUTE_PREFIX + e.getKey()) == null)
                .map(e -> ROUTE_PREFIX + e.getKey())
                .toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Enabled targets have no route in routes/: " + missing);
        }
    }

    private String endpoints(Predicate<TargetSettings> takes) {
        return targets.entrySet().stream()
                .filter(e -> e.getValue().enabled() && takes.test(e.getValue()))
                .map(e -> "direct:" + ROUTE_PREFIX + e.getKey())
                .collect(Collectors.joining(","));
    }
}
