package dev.leadconnector.targets;

import dev.leadconnector.dispatch.LeadMessage;
import dev.leadconnector.lead.FunnelStage;
import dev.leadconnector.targets.RoutingSettings.TestLeads;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
        return targetsFor(action, test, offerId, offerTitle).stream().map(name -> "direct:" + ROUTE_PREFIX + name)
                .collect(Collectors.joining(","));
    }

    /** The names of the targets {@link #forLead} sends the lead to. */
    public List<String> targetsFor(String action, boolean test, String offerId, String offerTitle) {
        return names(byAction(action, test).and(target -> target.takesOffer(offerId, offerTitle)));
    }

    /** Why no target takes a lead, for its dead letter: its action, or else its offer. */
    public String whyNone(@Header(LeadMessage.ACTION) String action, @Header(LeadMessage.TEST) boolean test,
                          @Header(LeadMessage.OFFER_ID) String offerId, @Header(LeadMessage.OFFER_TITLE) String offerTitle) {
        String lead = DO_NOT_CONTACT.equals(action) ? "do-not-contact lead" : test ? "the marketplace's test lead"
                : "action code '" + action + "'";
        if (names(byAction(action, test)).isEmpty()) {
            return DO_NOT_CONTACT.equals(action) || test && testLeads == TestLeads.DROP
                    ? lead + ": no enabled target records leads (sales: false)"
                    : test ? lead + ": no target is enabled" : "unknown " + lead + ": no enabled target takes it";
        }
        String offer = offerId == null && offerTitle == null ? "no offer"
                : "offer " + (offerId == null ? "'" + offerTitle + "'"
                : offerTitle == null ? offerId : offerId + " ('" + offerTitle + "')");
        return lead + " of " + offer + ": no enabled target takes it (leads.targets.<name>.offers)";
    }

    /** Every enabled target this lead does not go to, with why: what a lead's journey shows as not-sent. */
    public Map<String, String> notSent(String action, boolean test, String offerId, String offerTitle) {
        Map<String, String> reasons = new TreeMap<>();
        targets.forEach((name, target) -> {
            if (!target.enabled()) {
                return;
            }
            if (!byAction(action, test).test(target)) {
                reasons.put(name, DO_NOT_CONTACT.equals(action) ? "do-not-contact: a sales target never gets DNC leads"
                        : test ? "the marketplace's test lead, and leads.test-leads is drop"
                        : "does not take action " + action + " (leads.targets." + name + ".actions)");
            } else if (!target.takesOffer(offerId, offerTitle)) {
                reasons.put(name, "does not take offer " + (offerId != null ? offerId : offerTitle)
                        + " (leads.targets." + name + ".offers)");
            }
        });
        return reasons;
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

    private List<String> names(Predicate<TargetSettings> takes) {
        return targets.entrySet().stream()
                .filter(e -> e.getValue().enabled() && takes.test(e.getValue()))
                .map(Map.Entry::getKey)
                .toList();
    }
}
