package dev.leadconnector.targets;

import dev.leadconnector.delivery.RetrySettings;
import dev.leadconnector.targets.batch.BatchSettings;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What every target has under {@code leads.targets.<name>}, bound once for all targets (a new
 * per-target key is one more field here).
 *
 * @param enabled whether the target gets leads
 * @param actions the action codes it takes
 * @param offers the offer ids or titles it takes, compared without case; empty: every offer
 * @param sales whether it contacts customers (a sales target never gets DNC leads)
 * @param stages the CRM status that stands for each funnel stage
 * @param retry its own retry settings; a key left out takes {@code leads.delivery}'s
 * @param batch how a target that sends batches fills them (Salesforce, Marketo, Dynamics)
 * @param recordLink the CRM's link to a record ({@code {id}}: the record id) that a lead's journey shows
 * @param mapping the mapping a lead is made into for this target, {@code <leads.routes.mappings>/<mapping>.jslt}
 *                (left out: the target's name; the notification targets share {@code notification})
 */
public record TargetSettings(
        @DefaultValue("false") boolean enabled,
        @DefaultValue({"StartTestDrive", "INS", "PLT", "Create"}) List<String> actions,
        List<String> offers,
        @DefaultValue("true") boolean sales,
        Map<String, String> stages,
        RetrySettings retry,
        BatchSettings batch,
        String recordLink,
        String mapping) {

    /** The settings without a mapping of their own (the target's name). */
    public TargetSettings(boolean enabled, List<String> actions, List<String> offers, boolean sales,
                          Map<String, String> stages, RetrySettings retry, BatchSettings batch, String recordLink) {
        this(enabled, actions, offers, sales, stages, retry, batch, recordLink, null);
    }

    /** The one Spring Boot binds (a record with two constructors needs to say which). */
    @ConstructorBinding
    public TargetSettings {
        offers = offers == null ? List.of() : offers.stream().map(String::trim).filter(o -> !o.isEmpty()).toList();
        stages = stages == null ? Map.of() : Map.copyOf(stages);
        batch = batch == null ? BatchSettings.DEFAULT : batch;
    }

    /** Whether this target takes leads of the offer with this id or title (either may be null). */
    public boolean takesOffer(String offerId, String offerTitle) {
        return offers.isEmpty() || offers.stream().anyMatch(offer -> offer.equalsIgnoreCase(offerId)
                || offer.equalsIgnoreCase(offerTitle));
    }
}
