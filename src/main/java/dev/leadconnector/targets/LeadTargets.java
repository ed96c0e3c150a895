package dev.leadconnector.targets;

import dev.leadconnector.lead.FunnelStage;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Answers the dispatch route's question "which targets get this lead?" from configuration, as a
 * recipient list of {@code direct:deliver-<name>} endpoints. Adding a target is adding its route
 * file and its {@code leads.targets.<name>} block; no Java changes.
 */
@Component("leadTargets")
public class LeadTargets implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(LeadTargets.class);
    static final String DO_NOT_CONTACT = "DNC";
    static final String ROUTE_PREFIX = "deliver-";

    private final Map<String, TargetSettings> targets;

    public LeadTargets(RoutingSettings settings) {
        this.targets = settings.targets();
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

    /** Whether any enabled target takes this action code. */
    public boolean takes(String action) {
        return !forAction(action).isEmpty();
    }

    /** Enabled targets that take this action code. */
    public String forAction(String action) {
        return endpoints(target -> target.actions().contains(action));
    }

    /** Every enabled target: where the marketplace's validation lead goes when test leads are delivered. */
    public String all() {
        return endpoints(target -> true);
    }

    /** Enabled targets that only record leads and contact nobody, like the archive. */
    public String recordKeepers() {
        return endpoints(target -> !target.sales());
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
