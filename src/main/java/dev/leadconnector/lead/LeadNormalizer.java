package dev.leadconnector.lead;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Turns a validated marketplace payload (canonical key names) into the canonical {@link Lead} JSON.
 * The lead id is a hash of what the lead says, so the marketplace posting it twice gives one id.
 */
@Component("leadNormalizer")
public class LeadNormalizer {

    /** Every text of the marketplace's "Validate" lead starts with this. */
    static final String TEST_MARKER = "msft_test_";
    /** {@code publisher.offer}, as the combined LeadSource form documents it; anything else is a display name. */
    private static final Pattern OFFER_ID = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_.-]+");
    /** The intake URL's query parameter naming the offer (platform-http hands query parameters over as headers). */
    public static final String OFFER_PARAMETER = "offer";

    /** The headers intake sets for the inbox file's name and the leads.received metric. */
    static final String LEAD_ID = "leadId";
    static final String LEAD_ACTION = "leadAction";

    private final ObjectMapper mapper;
    private final Clock clock;

    @Autowired
    public LeadNormalizer(ObjectMapper mapper) {
        this(mapper, Clock.systemUTC());
    }

    public LeadNormalizer(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * The canonical lead as JSON text, ready for the inbox; its id and action code go in the leadId and
     * leadAction headers. {@code offerParameter} is the intake URL's {@code ?offer=} (one URL per offer
     * in Partner Center), for payloads that name no offer id.
     */
    public String normalize(@Body ObjectNode payload,
                            @ExchangeProperty(MarketplacePayloadReader.ORIGINAL) JsonNode original,
                            @Header(OFFER_PARAMETER) String offerParameter, Message message)
            throws JsonProcessingException {
        Lead lead = toLead(payload, original, offerParameter);
        message.setHeader(LEAD_ID, lead.id());
        message.setHeader(LEAD_ACTION, lead.action());
        return mapper.writeValueAsString(lead);
    }

    /** The canonical lead as JSON text. */
    public String toJson(ObjectNode payload, JsonNode original) throws JsonProcessingException {
        return mapper.writeValueAsString(toLead(payload, original));
    }

    /** The canonical lead of a payload whose keys are already canonical; {@code original} is kept verbatim. */
    public Lead toLead(ObjectNode payload, JsonNode original) {
        return toLead(payload, original, null);
    }

    /**
     * The canonical lead; its offer id is the combined LeadSource's when that names one (the
     * marketplace's word wins), else {@code offerParameter}, which must be an offer id.
     */
    public Lead toLead(ObjectNode payload, JsonNode original, String offerParameter) {
        LeadSource leadSource = LeadSource.parse(text(payload, "LeadSource"));
        String actionCode = text(payload, "ActionCode");
        String action = FunnelStage.canonicalAction(actionCode != null ? actionCode : leadSource.action());
        Lead.Offer offer = offer(leadSource.offer(), text(payload, "OfferTitle"), offerId(offerParameter));
        Lead.Customer customer = customer(payload.get(MarketplacePayloadReader.USER_DETAILS));
        String description = text(payload, "Description");
        boolean test = isTestLead(payload);
        // The validation lead carries no real action code; it enters the funnel at its start.
        FunnelStage stage = test ? FunnelStage.LEAD : FunnelStage.ofAction(action);
        String id = leadId(leadSource.source(), action, offer, customer, description);
        return new Lead(id, clock.instant(), leadSource.source(), action, stage, offer, customer, description, test,
                original);
    }

    /** The {@code ?offer=} parameter, checked: absent, or an offer id ({@code publisher.offer}). */
    private static String offerId(String parameter) {
        if (parameter == null || parameter.isEmpty()) {
            return null;
        }
        if (parameter.length() > 200 || !OFFER_ID.matcher(parameter).matches()) {
            throw new InvalidLeadException("Invalid offer parameter", List.of(new InvalidLeadException.FieldProblem(
                    "?" + OFFER_PARAMETER, "the offer parameter must be an offer id such as "
                    + "contoso.contoso-analytics-suite (publisher.offer: letters, digits, '-', '_' and '.')")));
        }
        return parameter;
    }

    private static Lead.Offer offer(String fromLeadSource, String offerTitle, String fromParameter) {
        String id = fromParameter;
        String title = blankToNull(offerTitle);
        if (fromLeadSource != null && OFFER_ID.matcher(fromLeadSource).matches()) {
            id = fromLeadSource;
        } else if (title == null) {
            title = fromLeadSource;
        }
        return new Lead.Offer(id, title);
    }

    private static Lead.Customer customer(JsonNode details) {
        if (details == null || !details.isObject()) {
            return new Lead.Customer(null, null, null, null, null, null, null, null);
        }
        String email = text(details, "Email");
        String country = text(details, "Country");
        return new Lead.Customer(
                text(details, "FirstName"),
                text(details, "LastName"),
                email == null ? null : email.toLowerCase(Locale.ROOT),
                text(details, "Phone"),
                country,
                CountryCodes.of(country),
                text(details, "Company"),
                text(details, "Title"));
    }

    private static boolean isTestLead(ObjectNode payload) {
        JsonNode details = payload.path(MarketplacePayloadReader.USER_DETAILS);
        return startsWithTestMarker(details.path("Email").asText(""))
                || startsWithTestMarker(payload.path("ActionCode").asText(""))
                || startsWithTestMarker(payload.path("LeadSource").asText(""));
    }

    /** Whether a text starts with the marketplace's test marker ({@code msft_test_}, in any case). */
    public static boolean startsWithTestMarker(String value) {
        return value != null && value.trim().toLowerCase(Locale.ROOT).startsWith(TEST_MARKER);
    }

    private String leadId(String source, String action, Lead.Offer offer, Lead.Customer customer, String description) {
        try {
            byte[] identity = mapper.writeValueAsBytes(Arrays.asList(source, action, offer, customer.asGiven(), description));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity);
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot compute a lead id", e);
        }
    }

    /** A trimmed text value, or null when absent, null or blank. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? null : blankToNull(value.textValue());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** {@code LeadSource} in its plain form, or the combined {@code Source-Action|Offer} form split into parts. */
    record LeadSource(String source, String action, String offer) {

        static LeadSource parse(String value) {
            if (value == null) {
                return new LeadSource(null, null, null);
            }
            int bar = value.indexOf('|');
            int dash = bar < 0 ? -1 : value.lastIndexOf('-', bar);
            if (dash <= 0) {
                return new LeadSource(value, null, null);
            }
            return new LeadSource(
                    blankToNull(value.substring(0, dash)),
                    blankToNull(value.substring(dash + 1, bar)),
                    blankToNull(value.substring(bar + 1)));
        }
    }
}
