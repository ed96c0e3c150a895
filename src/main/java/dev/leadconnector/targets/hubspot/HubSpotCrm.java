package dev.leadconnector.targets.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadconnector.targets.batch.BatchedCrm;
import dev.leadconnector.targets.batch.CrmCall;
import dev.leadconnector.targets.batch.Found;
import dev.leadconnector.targets.batch.Ticket;
import dev.leadconnector.targets.crm.CrmException;
import dev.leadconnector.targets.crm.CrmHttpConfiguration;
import dev.leadconnector.targets.crm.RetryAfter;
import dev.leadconnector.targets.crm.Texts;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Target "hubspot" (routes/deliver-hubspot.camel.yaml): one HubSpot contact per customer through the CRM
 * v3 API, with a private app's access token as a Bearer header. A batch is one lookup of every e-mail
 * ({@code POST /crm/v3/objects/contacts/batch/read}, {@code idProperty: email}: HubSpot answers every
 * input at once, a contact it does not have as an {@code OBJECT_NOT_FOUND} error of a 207) and one
 * {@code POST /crm/v3/objects/contacts/batch/upsert} on email; leads without an e-mail are created with
 * {@code batch/create}. Each input carries the lead id as its {@code objectWriteTraceId}, which turns
 * on HubSpot's multi-status answers: a 207 names each refused input in its error's {@code context}, so
 * a refused contact fails its own lead alone.
 */
@Component
public class HubSpotCrm implements BatchedCrm {

    /** HubSpot's batch endpoints take up to 100 inputs. */
    public static final int MAX_BATCH = 100;
    static final String CONTACTS = "/crm/v3/objects/contacts/batch";
    static final String JSON_TYPE = "application/json; charset=utf-8";
    static final String READ_SCOPE = "crm.objects.contacts.read";
    static final String WRITE_SCOPE = "crm.objects.contacts.write";
    /** What a 429 without rate-limit headers waits: HubSpot's burst limits count over 10 s. */
    static final Duration RATE_WINDOW = Duration.ofSeconds(10);

    /** {@code leads.targets.hubspot.*}: the target's own settings. */
    @ConfigurationProperties("leads.targets.hubspot")
    public record Settings(String url, String token) {}

    private final Settings settings;
    private final ObjectMapper mapper;

    public HubSpotCrm(Settings settings, ObjectMapper mapper) {
        this.settings = settings;
        this.mapper = mapper;
    }

    @Override
    public String name() {
        return "hubspot";
    }

    @Override
    public int maxBatchSize() {
        return MAX_BATCH;
    }

    /** {@code {"idProperty":"email","properties":["email","hs_lead_status"],"inputs":[{"id":<e-mail>},...]}}. */
    @Override
    public CrmCall lookup(List<Ticket> batch) {
        Set<String> emails = Ticket.emails(batch);
        if (emails.isEmpty()) {
            return null;
        }
        ObjectNode request = mapper.createObjectNode();
        request.put("idProperty", "email");
        request.putArray("properties").add("email").add("hs_lead_status");
        ArrayNode inputs = request.putArray("inputs");
        emails.forEach(email -> inputs.addObject().put("id", email));
        return CrmCall.post(apiRoot(), "read", JSON_TYPE, request.toString());
    }

    /** The contacts HubSpot has, by e-mail (lower case); the ones it has not are errors of the 207, and new. */
    @Override
    public CrmCall lookedUp(CrmCall asked, Exchange answer, Found found) {
        for (JsonNode contact : readJson(answer.getMessage().getBody(String.class)).path("results")) {
            JsonNode properties = contact.path("properties");
            found.add(properties.path("email").asText("").toLowerCase(Locale.ROOT), contact.path("id").asText(null),
                    properties.path("hs_lead_status").isTextual() ? properties.path("hs_lead_status").asText() : null);
        }
        return null;
    }

    /**
     * One upsert on email for the leads with one, one create for those without. HubSpot refuses an
     * upsert naming an e-mail twice, so a customer's second lead in the same batch goes in the next call.
     */
    @Override
    public List<CrmCall> writes(List<Ticket> leads) {
        List<List<Ticket>> upserts = new ArrayList<>();
        List<Ticket> creates = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Ticket lead : leads) {
            String email = key(lead);
            if (email == null) {
                creates.add(lead);
                continue;
            }
            int round = seen.merge(email, 1, Integer::sum) - 1;
            if (round == upserts.size()) {
                upserts.add(new ArrayList<>());
            }
            upserts.get(round).add(lead);
        }
        List<CrmCall> calls = new ArrayList<>();
        upserts.forEach(round -> calls.add(write("upsert", round)));
        if (!creates.isEmpty()) {
            calls.add(write("create", creates));
        }
        return calls;
    }

    private CrmCall write(String operation, List<Ticket> leads) {
        ObjectNode request = mapper.createObjectNode();
        ArrayNode inputs = request.putArray("inputs");
        for (Ticket lead : leads) {
            ObjectNode input = inputs.addObject();
            if (operation.equals("upsert")) {
                input.put("idProperty", "email").put("id", lead.email());
            }
            input.set("properties", lead.record());
            input.put("objectWriteTraceId", traceId(lead));
        }
        return CrmCall.post(apiRoot(), operation, JSON_TYPE, request.toString()).carrying(leads);
    }

    /**
     * Each lead's own result or error: found by its {@code objectWriteTraceId} (HubSpot's results come in
     * no promised order), or for an upsert by its e-mail in {@code context.ids}.
     */
    @Override
    public void outcomes(CrmCall write, Exchange answer) {
        JsonNode body = readJson(answer.getMessage().getBody(String.class));
        Map<String, JsonNode> results = new HashMap<>();
        for (JsonNode result : body.path("results")) {
            results.put(result.path("objectWriteTraceId").asText(""), result);
            results.putIfAbsent(result.path("properties").path("email").asText("").toLowerCase(Locale.ROOT), result);
        }
        Map<String, JsonNode> errors = new HashMap<>();
        for (JsonNode error : body.path("errors")) {
            error.path("context").path("objectWriteTraceId").forEach(id -> errors.put(id.asText(), error));
            error.path("context").path("ids").forEach(id -> errors.putIfAbsent(id.asText().toLowerCase(Locale.ROOT), error));
        }
        for (Ticket lead : write.leads()) {
            JsonNode result = results.getOrDefault(traceId(lead), lead.email() == null ? null : results.get(key(lead)));
            JsonNode error = errors.getOrDefault(traceId(lead), lead.email() == null ? null : errors.get(key(lead)));
            if (error != null) {
                // the input itself was refused (a property value HubSpot does not take): no retry changes it
                lead.failed(CrmException.permanent("hubspot refused the contact: " + describe(error)));
            } else if (result != null && result.hasNonNull("id")) {
                String id = result.path("id").asText();
                lead.delivered(id, (result.path("new").asBoolean(lead.recordId() == null) ? "created contact " : "updated contact ") + id);
            } else {
                lead.failed(new CrmException("hubspot answered no result for the contact"));
            }
        }
    }

    @Override
    public void authorize(Message call) {
        if (settings.token() == null || settings.token().isBlank()) {
            throw CrmException.permanent("hubspot: leads.targets.hubspot.token is not set (a private app's access token)");
        }
        call.setHeader("Authorization", "Bearer " + settings.token());
    }

    /**
     * 200, 201 and 207 pass (a 207's errors are per input); a 429 waits as the answer's headers say; 401
     * and 403 are permanent and name the scope the token lacks; anything else fails with HubSpot's words.
     */
    @Override
    public void check(CrmCall call, Exchange exchange) {
        int status = CrmHttpConfiguration.status(exchange);
        if (status >= 200 && status < 300) {
            return;
        }
        JsonNode body = readJsonOrEmpty(exchange.getMessage().getBody(String.class));
        String said = describe(body);
        if (status == 429) {
            throw rateLimited(exchange.getMessage(), body, said);
        }
        if (status == 401 || status == 403) {
            String needed = isWrite(call) ? WRITE_SCOPE : READ_SCOPE;
            throw CrmException.permanent("hubspot answered " + status + ": " + said + " (leads.targets.hubspot.token must be a "
                    + "private app's access token with the scope " + missingScopes(body, needed) + ")");
        }
        throw CrmException.answered("hubspot", exchange, said);
    }

    /**
     * {@code Retry-After} when HubSpot sends one; else, with none of the window's calls left, the window
     * ({@code X-HubSpot-RateLimit-Interval-Milliseconds}); a used-up daily limit waits as long as allowed.
     */
    static CrmException rateLimited(Message answer, JsonNode body, String said) {
        String text = "hubspot is rate limiting (429): " + said;
        if ("0".equals(header(answer, "X-HubSpot-RateLimit-Daily-Remaining")) || "DAILY".equals(body.path("policyName").asText())) {
            return CrmException.quotaUsedUp(text, 429);
        }
        Duration wait = RetryAfter.parse(header(answer, "Retry-After"));
        if (wait == null) {
            String interval = header(answer, "X-HubSpot-RateLimit-Interval-Milliseconds");
            wait = interval != null && interval.matches("\\d+") ? Duration.ofMillis(Long.parseLong(interval)) : RATE_WINDOW;
        }
        return CrmException.rateLimited(text, wait);
    }

    /** The scopes HubSpot says are missing ({@code errors[].context.requiredGranularScopes}), else the one the call needs. */
    static String missingScopes(JsonNode body, String needed) {
        Set<String> scopes = new HashSet<>();
        body.path("errors").forEach(e -> e.path("context").path("requiredGranularScopes").forEach(s -> scopes.add(s.asText())));
        body.path("errors").forEach(e -> e.path("context").path("requiredScopes").forEach(s -> scopes.add(s.asText())));
        return scopes.isEmpty() ? needed : String.join(" or ", scopes.stream().sorted().toList());
    }

    /** {@code CATEGORY: message}, as HubSpot's errors and error answers say it. */
    static String describe(JsonNode error) {
        String category = error.path("category").asText(error.path("errorType").asText(""));
        String message = error.path("message").asText("");
        if (message.isEmpty()) {
            return Texts.abbreviate(error.isMissingNode() || error.isEmpty() ? null : error.toString());
        }
        return (category.isEmpty() ? "" : category + ": ") + Texts.abbreviate(message);
    }

    private static boolean isWrite(CrmCall call) {
        return call == null || !"read".equals(call.path());
    }

    /** The lead id: unique in its batch, and what HubSpot's 207 names a refused input by. */
    private static String traceId(Ticket lead) {
        return String.valueOf(lead.exchange().getMessage().getHeader("leadId"));
    }

    private static String header(Message message, String name) {
        return message.getHeader(name, String.class);
    }

    /** {@code {url}/crm/v3/objects/contacts/batch}, which every call (read, upsert, create) is relative to. */
    String apiRoot() {
        String url = settings.url() == null || settings.url().isBlank() ? "https://api.hubapi.com" : settings.url();
        return (url.endsWith("/") ? url.substring(0, url.length() - 1) : url) + CONTACTS + "?throwExceptionOnFailure=false";
    }

    private JsonNode readJson(String body) {
        try {
            return mapper.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            throw new CrmException("hubspot answered something that is not JSON: " + Texts.abbreviate(body));
        }
    }

    private JsonNode readJsonOrEmpty(String body) {
        try {
            JsonNode json = mapper.readTree(body == null || body.isBlank() ? "{}" : body);
            return json.isObject() ? json : mapper.createObjectNode();
        } catch (IOException e) {
            return mapper.createObjectNode().put("message", Texts.abbreviate(body));
        }
    }
}
