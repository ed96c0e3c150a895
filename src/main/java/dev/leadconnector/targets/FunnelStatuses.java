package dev.leadconnector.targets;

import dev.leadconnector.lead.FunnelStage;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The funnel rule every CRM target shares: a customer's record only moves forward. Each target maps
 * funnel stages to its own status values ({@code leads.targets.<name>.stages.<stage>}); a lead may
 * set the status only when its stage is later than the stage the record's current status stands for.
 * A status the connector did not set (a salesperson's "Qualified") is never overwritten.
 */
@Component("funnel")
public class FunnelStatuses {

    private final Map<String, TargetSettings> targets;

    public FunnelStatuses(RoutingSettings settings) {
        this.targets = settings.targets();
    }

    /** The CRM status configured for this stage, or null when the target sets none for it. */
    public String statusFor(String target, String stageLabel) {
        return stages(target).get(stageLabel);
    }

    /**
     * Whether a lead at {@code stageLabel} may set the status of a record whose status is
     * {@code currentStatus} (null or blank: a new record, or one without a status).
     */
    public boolean advances(String target, String currentStatus, String stageLabel) {
        FunnelStage stage = FunnelStage.ofLabel(stageLabel);
        if (statusFor(target, stageLabel) == null || !stage.isFunnelStep()) {
            return false;
        }
        if (currentStatus == null || currentStatus.isBlank()) {
            return true;
        }
        return stageOf(target, currentStatus).map(current -> stage.compareTo(current) > 0).orElse(false);
    }

    /** The latest stage whose configured status is {@code status}. */
    private Optional<FunnelStage> stageOf(String target, String status) {
        return stages(target).entrySet().stream()
                .filter(e -> e.getValue().equalsIgnoreCase(status))
                .map(e -> FunnelStage.ofLabel(e.getKey()))
                .max(Enum::compareTo);
    }

    private Map<String, String> stages(String target) {
        TargetSettings settings = targets.get(target);
        return settings == null ? Map.of() : settings.stages();
    }
}
