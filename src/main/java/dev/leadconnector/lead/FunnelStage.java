package dev.leadconnector.lead;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Where a marketplace action puts the customer in the sales funnel (lead-format.md, section 3).
 * The order of the constants is the order of the funnel, so a CRM record only ever moves forward.
 */
public enum FunnelStage {
    LEAD("lead"),
    INITIAL_INTEREST("initial-interest"),
    ACTIVE("active"),
    DO_NOT_CONTACT("do-not-contact"),
    UNKNOWN("unknown");

    /** The action codes the marketplace documents, in their canonical spelling. */
    public static final Map<String, FunnelStage> BY_ACTION = Map.of(
            "StartTestDrive", LEAD,
            "INS", INITIAL_INTEREST,
            "PLT", ACTIVE,
            "Create", ACTIVE,
            "DNC", DO_NOT_CONTACT);

    private static final Map<String, String> CANONICAL_ACTION = BY_ACTION.keySet().stream()
            .collect(Collectors.toMap(a -> a.toLowerCase(Locale.ROOT), Function.identity()));

    private final String label;

    FunnelStage(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    /** The documented spelling of a known action code whatever its case, or the code unchanged. */
    public static String canonicalAction(String action) {
        if (action == null) {
            return "";
        }
        String trimmed = action.trim();
        return CANONICAL_ACTION.getOrDefault(trimmed.toLowerCase(Locale.ROOT), trimmed);
    }

    /** Lead, initial interest and active are steps of the funnel; do-not-contact and unknown are not. */
    public boolean isFunnelStep() {
        return this == LEAD || this == INITIAL_INTEREST || this == ACTIVE;
    }

    public static FunnelStage ofAction(String canonicalAction) {
        return BY_ACTION.getOrDefault(canonicalAction, UNKNOWN);
    }

    public static FunnelStage ofLabel(String label) {
        return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst().orElse(UNKNOWN);
    }
}
