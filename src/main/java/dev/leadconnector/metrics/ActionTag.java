package dev.leadconnector.metrics;

import dev.leadconnector.lead.FunnelStage;
import dev.leadconnector.lead.LeadNormalizer;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code action} tag of the {@code leads_*} metrics: a lead's action code is the sender's text, and
 * every distinct tag value is a time series kept for as long as the process runs, so the tag takes its
 * value from a closed set. A documented action code keeps its name ({@link FunnelStage#BY_ACTION}), the
 * marketplace's "Validate" lead ({@code MSFT_TEST_<n>}, a new code each time) is {@value #TEST}, and
 * anything else, a missing code included, is {@value #OTHER}: posting made-up codes adds no series.
 */
public final class ActionTag {

    /** The marketplace's test lead: an action code that starts with {@code msft_test_}, in any case. */
    public static final String TEST = "test";
    /** Any other action code, or none. */
    public static final String OTHER = "other";
    /** Every value the tag can take. */
    public static final Set<String> VALUES;

    static {
        Set<String> values = new TreeSet<>(FunnelStage.BY_ACTION.keySet());
        values.add(TEST);
        values.add(OTHER);
        VALUES = Set.copyOf(values);
    }

    private ActionTag() {
    }

    /** The tag value of an action code as the lead gave it (any case), or of none. */
    public static String of(String action) {
        if (action == null) {
            return OTHER;
        }
        String canonical = FunnelStage.canonicalAction(action);
        if (FunnelStage.BY_ACTION.containsKey(canonical)) {
            return canonical;
        }
        return LeadNormalizer.startsWithTestMarker(action) ? TEST : OTHER;
    }
}
