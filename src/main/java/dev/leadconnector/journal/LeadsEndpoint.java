package dev.leadconnector.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.journal.JournalStore.LeadRow;
import dev.leadconnector.targets.RoutingSettings;
import dev.leadconnector.targets.TargetSettings;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import dev.leadconnector.privacy.Erasure;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.lang.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * "Where is my lead?" on the management surface: {@code GET /actuator/leads/{id}} answers a lead's
 * journey ({@link Journey}), {@code GET /actuator/leads?email=} lists a customer's leads, newest
 * first, with where each stands at each target. The same two operations are on the endpoint's MBean
 * ({@code org.springframework.boot:type=Endpoint,name=Leads}), so Hawtio shows them;
 * {@link LeadsWebEndpoint} gives the HTTP answers their 400 and 404.
 */
@Component
@Endpoint(id = "leads")
public class LeadsEndpoint {

    static final Pattern LEAD_ID = Pattern.compile("[0-9a-f]{32}");
    /** The page the e-mail query answers by default, and the most a {@code limit} may ask for. */
    static final int MOST_LEADS = 50;
    static final int MOST_LEADS_ASKED = 500;
    /** The most events of each kind a journey reads ({@link JournalStore#events}). */
    static final int MOST_EVENTS = 1000;

    /** One of a customer's leads, as the e-mail query lists it. */
    public record LeadSummary(String leadId, Instant receivedAt, String action, Map<String, String> states,
                              String journey) {}

    private final JournalStore store;
    private final LeadJournal journal;
    private final ObjectMapper mapper;
    private final Map<String, TargetSettings> targets;
    private final Erasure erasure;

    public LeadsEndpoint(JournalStore store, LeadJournal journal, ObjectMapper mapper, RoutingSettings routing,
                         Erasure erasure) {
        this.erasure = erasure;
        this.store = store;
        this.journal = journal;
        this.mapper = mapper;
        this.targets = routing.targets();
    }

    /** The lead's journey, or null when the journal has no lead with this id. */
    @ReadOperation
    public Journey getJourney(@Selector String leadId) {
        if (!LEAD_ID.matcher(leadId).matches()) {
            throw new IllegalArgumentException("a lead id is 32 lower-case hex digits");
        }
        LeadRow lead = store.lead(leadId);
        return lead == null ? null : journey(lead);
    }

    private Journey journey(LeadRow lead) {
        return Journey.of(lead, store.events(lead.leadId(), MOST_EVENTS), store.duplicates(lead.leadId()), mapper,
                this::link);
    }

    /** The customer's 50 newest leads, newest first (JMX; over HTTP {@link LeadsWebEndpoint} also takes a limit). */
    @ReadOperation
    public List<LeadSummary> listLeads(String email) {
        return listLeads(email, null);
    }

    /**
     * The customer's newest leads, newest first: {@code limit} of them (default 50, at most 500), and
     * the database reads no more than that.
     */
    public List<LeadSummary> listLeads(String email, @Nullable Integer limit) {
        int page = limit == null || limit < 1 ? MOST_LEADS : Math.min(limit, MOST_LEADS_ASKED);
        return store.leadsByEmailHash(journal.emailHash(email), page).stream().map(lead -> {
            Map<String, String> states = new LinkedHashMap<>();
            journey(lead).targets()
                    .forEach(target -> states.put(target.target(), target.state()));
            return new LeadSummary(lead.leadId(), lead.receivedAt(), lead.action(), states, path(lead.leadId()));
        }).toList();
    }

    /**
     * {@code DELETE /actuator/leads?email=} (and the MBean's {@code erase}), the operator's: forgets the customer
     * with this address in every store ({@link Erasure}), answers how many items went from each, and where
     * else the customer's leads were delivered.
     */
    @DeleteOperation
    public Erasure.Report erase(String email) {
        if (email == null || email.isBlank() || email.length() > 320) {
            throw new InvalidEndpointRequestException("email: the customer's e-mail address (at most 320 characters)",
                    "an e-mail address is needed");
        }
        return erasure.erase(email, who());
    }

    /** The login that asked: Spring Security's over HTTP and Jolokia; a plain JMX connection has none of it. */
    private static String who() {
        Authentication login = SecurityContextHolder.getContext().getAuthentication();
        return login != null && login.isAuthenticated() ? login.getName() : "jmx";
    }

    /** Where a lead's journey is, relative to the management port: what a dead letter's listing names. */
    public static String path(String leadId) {
        return "/actuator/leads/" + leadId;
    }

    /**
     * The CRM's link to a record, from {@code leads.targets.<name>.record-link} ({@code {id}} the record id);
     * none when the template is empty or has an empty path segment (a setting it names is not set, such as
     * HubSpot's portal-id).
     */
    private String link(String target, String recordId) {
        TargetSettings settings = targets.get(target);
        return recordLink(settings == null ? null : settings.recordLink(), recordId);
    }

    static String recordLink(String template, String recordId) {
        if (template == null || template.isBlank()
                || template.substring(template.indexOf("://") < 0 ? 0 : template.indexOf("://") + 3).contains("//")) {
            return null;
        }
        return template.replace("{id}", recordId);
    }
}
