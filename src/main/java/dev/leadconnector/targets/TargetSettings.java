package dev.leadconnector.targets;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The routing part of {@code leads.targets.<name>}: whether the target is on, which action codes it
 * takes, which offers (ids or titles, without case; empty for every offer), whether it is a sales
 * target (one that contacts customers, so never gets DNC leads), and which CRM status stands for
 * each funnel stage. Each target's own settings (URLs, credentials, directories) are read by its
 * route file.
 */
public record TargetSettings(
        @DefaultValue("false") boolean enabled,
        @DefaultValue({"StartTestDrive", "INS", "PLT", "Create"}) List<String> actions,
        List<String> offers,
        @DefaultValue("true") boolean sales,
        Map<String, String> stages) {

    public TargetSettings {
        offers = offers == null ? List.of() : offers.stream().map(String::trim).filter(o -> !o.isEmpty()).toList();
        stages = stages == null ? Map.of() : Map.copyOf(stages);
    }

    /** Whether this target takes leads of the offer with this id or title (either may be null). */
    public boolean takesOffer(String offerId, String offerTitle) {
        return offers.isEmpty() || offers.stream().anyMatch(offer -> offer.equalsIgnoreCase(offerId)
                || offer.equalsIgnoreCase(offerTitle));
    }
}
