package dev.leadconnector.journal;

import dev.leadconnector.intake.Problem;
import java.util.List;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.stereotype.Component;
import org.springframework.lang.Nullable;
import org.springframework.util.MimeType;

/** The HTTP answers of {@link LeadsEndpoint}: a problem detail for an id that is no lead id (400) or unknown (404). */
@Component
@EndpointWebExtension(endpoint = LeadsEndpoint.class)
public class LeadsWebEndpoint {

    private static final MimeType PROBLEM = MimeType.valueOf(Problem.MEDIA_TYPE);

    private final LeadsEndpoint leads;

    public LeadsWebEndpoint(LeadsEndpoint leads) {
        this.leads = leads;
    }

    /** {@code GET /actuator/leads?email=&limit=}: the customer's newest leads (limit: default 50, at most 500). */
    @ReadOperation
    public List<LeadsEndpoint.LeadSummary> listLeads(String email, @Nullable Integer limit) {
        return leads.listLeads(email, limit);
    }

    @ReadOperation
    public WebEndpointResponse<Object> getJourney(@Selector String leadId) {
        String instance = LeadsEndpoint.path(leadId.replaceAll("[^0-9A-Za-z]", "?"));
        if (!LeadsEndpoint.LEAD_ID.matcher(leadId).matches()) {
            return new WebEndpointResponse<>(Problem.of(400, "invalid-lead-id", "Invalid lead id",
                    "A lead id is 32 lower-case hex digits, as the 202 answered it.", instance), 400, PROBLEM);
        }
        Journey journey = leads.getJourney(leadId);
        if (journey == null) {
            return new WebEndpointResponse<>(Problem.of(404, "unknown-lead", "Unknown lead",
                    "The journal has no lead with this id (never received, or older than leads.dedup.window).",
                    instance), 404, PROBLEM);
        }
        return new WebEndpointResponse<>(journey, 200);
    }
}
