package dev.leadconnector.targets;

import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The {@code leads.*} settings that decide where a lead goes. */
@ConfigurationProperties("leads")
public record RoutingSettings(Map<String, TargetSettings> targets, @DefaultValue("deliver") TestLeads testLeads) {

    /** What happens to the marketplace's "Validate" lead. */
    public enum TestLeads {
        /** Delivered to every enabled target, marked {@code test: true}. */
        DELIVER,
        /** Acknowledged and archived, sent to no CRM. */
        DROP
    }

    public RoutingSettings {
        targets = targets == null ? Map.of() : new TreeMap<>(targets);
    }
}
