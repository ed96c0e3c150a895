package dev.leadconnector.targets;

import dev.leadconnector.delivery.RetrySettings;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code leads.*} settings that decide where a lead goes and how it is delivered, bound once: every
 * target's block ({@code leads.targets.<name>}, see {@link TargetSettings}), the retry defaults they fill
 * their gaps from, and what happens to the marketplace's test lead. The circuit breakers are not here: they
 * are Resilience4j's own configuration, {@code camel.resilience4j.*} (see {@code CircuitBreakers}).
 *
 * @param targets every target by name
 * @param testLeads the marketplace's "Validate" lead: delivered (marked {@code test: true}) or dropped (archived only)
 * @param delivery how every target retries a failed delivery, unless it says otherwise
 */
@ConfigurationProperties("leads")
public record RoutingSettings(Map<String, TargetSettings> targets, @DefaultValue("deliver") TestLeads testLeads,
                              RetrySettings delivery) {

    /** What happens to the marketplace's "Validate" lead. */
    public enum TestLeads {
        /** Delivered to every enabled target, marked {@code test: true}. */
        DELIVER,
        /** Acknowledged and archived, sent to no CRM. */
        DROP
    }

    public RoutingSettings {
        targets = targets == null ? Map.of() : new TreeMap<>(targets);
        delivery = delivery == null ? RetrySettings.BUILT_IN : delivery.orElse(RetrySettings.BUILT_IN);
    }

    /** A target's settings; a target no block names has the defaults. */
    public TargetSettings target(String name) {
        TargetSettings target = name == null ? null : targets.get(name);
        return target != null ? target : new TargetSettings(false, java.util.List.of(), null, true, null, null, null, null);
    }

    /** How this target retries: its own retry block, its gaps filled from {@code leads.delivery}. */
    public RetrySettings retry(String target) {
        RetrySettings own = target(target).retry();
        return own == null ? delivery : own.orElse(delivery);
    }
}
