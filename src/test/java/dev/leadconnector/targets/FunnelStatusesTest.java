package dev.leadconnector.targets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunnelStatusesTest {

    private final FunnelStatuses funnel = new FunnelStatuses(new RoutingSettings(Map.of("crm", new TargetSettings(
            true, List.of("INS"), List.of(), true,
            Map.of("lead", "Open", "initial-interest", "Working", "active", "Working"), null, null, null)),
            RoutingSettings.TestLeads.DELIVER, null));

    @Test
    void aNewRecordTakesTheStatusOfItsStage() {
        assertThat(funnel.statusFor("crm", "initial-interest")).isEqualTo("Working");
        assertThat(funnel.advances("crm", null, "lead")).isTrue();
        assertThat(funnel.advances("crm", "", "active")).isTrue();
    }

    @Test
    void theStatusMovesForwardOnly() {
        assertThat(funnel.advances("crm", "Open", "initial-interest")).isTrue();
        assertThat(funnel.advances("crm", "working", "lead")).as("a late test drive").isFalse();
        assertThat(funnel.advances("crm", "Working", "active")).as("Working already stands for active").isFalse();
    }

    @Test
    void aStatusTheConnectorDidNotSetIsLeftAlone() {
        assertThat(funnel.advances("crm", "Qualified", "active")).isFalse();
    }

    @Test
    void doNotContactAndUnknownStagesNeverSetAStatus() {
        assertThat(funnel.advances("crm", null, "do-not-contact")).isFalse();
        assertThat(funnel.advances("crm", null, "unknown")).isFalse();
        assertThat(funnel.advances("other", null, "lead")).as("no stages configured").isFalse();
    }
}
