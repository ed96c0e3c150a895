package dev.leadconnector.targets.backfill;

import dev.leadconnector.targets.validate.TargetValidation;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.jmx.annotation.EndpointJmxExtension;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

/**
 * The backfill on the {@code targets} endpoint's MBean ({@code org.springframework.boot:type=Endpoint,name=Targets}),
 * beside {@code validate}: {@code backfill(target, since, offer)}, so Hawtio's operator can start one. An
 * operation a viewer may not call: OperatorOnlyRestrictor does not list it. A refused backfill throws with the
 * reason.
 */
@Component
@EndpointJmxExtension(endpoint = TargetValidation.class)
public class TargetsJmxOperations {

    private final TargetBackfill backfill;

    public TargetsJmxOperations(TargetBackfill backfill) {
        this.backfill = backfill;
    }

    @WriteOperation
    public Map<String, Object> backfill(String target, @Nullable String since, @Nullable String offer) {
        return backfill.start(target, since, offer);
    }
}
