package dev.leadconnector.targets;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The routing part of {@code leads.targets.<name>}: whether the target is on, which action codes it
 * takes, whether it is a sales target (one that contacts customers, so never gets DNC leads), and
 * which CRM status stands for each funnel stage. Each target's own settings (URLs, credentials,
 * directories) are read by its route file.
 */
public record TargetSettings(
        @DefaultValue("false") boolean enabled,
        @DefaultValue({"StartTestDrive", "INS", "PLT", "Create"}) List<String> actions,
        @DefaultValue("true") boolean sales,
        Map<String, String> stages) {

    public TargetSettings {
        stages = stages == null ? Map.of() : Map.copyOf(stages);
    }
}
