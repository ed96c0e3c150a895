package dev.leadconnector.targets.marketo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadconnector.targets.batch.BatchedCrm;
import dev.leadconnector.targets.batch.CrmCall;
import dev.leadconnector.targets.batch.Found;
import dev.leadconnector.targets.batch.Ticket;
import dev.leadconnector.targets.crm.CachedToken;
import dev.leadconnector.targets.crm.CrmException;
import dev.leadconnector.targets.crm.CrmHttpConfiguration;
import dev.leadconnector.targets.crm.Texts;
import dev.leadconnector.targets.crm.TokenEndpoint;
import dev.leadconnector.targets.crm.TokenRejectedException;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Target "marketo" (routes/deliver-marketo.camel.yaml): one Marketo person per customer through the REST
 * API, with an identity-service token sent as a Bearer header. A batch is one lookup of every e-mail
 * ({@code POST /rest/v1/leads.json?_method=GET} with a form body, as Marketo documents for lookups too
 * long for a URI) and one sync ({@code POST /rest/v1/leads.json}, createOrUpdate on email, or
 * createOnly for leads without one, batched apart). Marketo reports failures inside a 200:
 * {@code success:false} with {@code errors[]} fails the call; a {@code result[]} record {@code skipped}
 * with its {@code reasons[]} fails only its own lead.
 */
@Component
public class MarketoCrm implements BatchedCrm {

    /** Marketo takes up to 300 e-mails per lookup and 300 records per sync. */
    public static final int MAX_BATCH = 300;
    /** Marketo's "Access token invalid" and "Access token expired". */
    static final Set<String> TOKEN_REJECTED = Set.of("601", "602");
    /** Marketo's rate-limit codes, and the window its call limit is counted over. */
    static final Set<String> RATE_LIMITED = Set.of("606", "607", "615");
    static final Duration RATE_WINDOW = Duration.ofSeconds(20);
    static final String FORM = "application/x-www-form-urlencoded";
    static final String JSON_TYPE = "application/json; charset=utf-8";

    /** {@code leads.targets.marketo.*}: the target's own settings. */
    @ConfigurationProperties("leads.targets.marketo")
    public record Settings(
            String endpoint,
            String identity,
            String clientId,
            String clientSecret,
            String statusField) {}

    private final Settings settings;
    private final ObjectMapper mapper;
    private final CachedToken token;

    public MarketoCrm(Settings settings, ObjectMapper mapper) {
        this.settings = settings;
        this.mapper = mapper;
        TokenEndpoint endpoint = new TokenEndpoint("marketo", mapper, Clock.systemUTC());
        this.token = new CachedToken(() -> endpoint.get(identityUri(), credentials()), Clock.systemUTC());
    }

    @Override
    public String name() {
        return "marketo";
    }

    @Override
    public int maxBatchSize() {
        return MAX_BATCH;
    }

    /** The sync action a lead takes, which is also its batch: a lead without an e-mail is never merged. */
    @Override
    public String group(Ticket lead) {
        return lead.email() == null ? "createOnly" : "createOrUpdate";
    }

    /** {@code filterType=email&filterValues=<e-mail>,<e-mail>...&fields=id,email,<status field>} as a form body. */
    @Override
    public CrmCall lookup(List<Ticket> batch) {
        Set<String> emails = Ticket.emails(batch);
        if (emails.isEmpty()) {
            return null;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("filterType", "email");
        form.put("filterValues", String.join(",", emails));
        form.put("fields", "id,email," + settings.statusField());
        return CrmCall.post(restRoot(), "leads.json", FORM, TokenEndpoint.formEncode(form)).query("_method=GET");
    }

    /** The people Marketo knows, by e-mail (lower case), with their funnel field; the next page while there is more. */
    @Override
    public CrmCall lookedUp(CrmCall asked, Exchange answer, Found found) {
        JsonNode page = readJson(answer.getMessage().getBody(String.class));
        for (JsonNode person : page.path("result")) {
            JsonNode status = person.path(settings.statusField());
            found.add(person.path("email").asText("").toLowerCase(Locale.ROOT), person.path("id").asText(null),
                    status.isValueNode() && !status.isNull() ? status.asText() : null);
        }
        String next = page.path("nextPageToken").asText("");
        if (!page.path("moreResult").asBoolean(false) || next.isEmpty() || asked == null) {
            return null;
        }
        String form = asked.body().replaceAll("&nextPageToken=[^&]*", "");
        return CrmCall.post(restRoot(), "leads.json", FORM, form + "&" + TokenEndpoint.formEncode(Map.of("nextPageToken", next)))
                .query("_method=GET");
    }

    /** The mapping names the funnel field: {@code crmStatusField}. */
    @Override
    public void beforeMapping(Message lead) {
        lead.setHeader("crmStatusField", settings.statusField());
    }

    /** One sync: the mapped records' {@code input} in batch order, under the action and lookup field they share. */
    @Override
    public List<CrmCall> writes(List<Ticket> leads) {
        ObjectNode request = mapper.createObjectNode();
        request.set("action", leads.get(0).record().path("action"));
        request.set("lookupField", leads.get(0).record().path("lookupField"));
        ArrayNode input = request.putArray("input");
        leads.forEach(lead -> input.addAll((ArrayNode) lead.record().path("input")));
        return List.of(CrmCall.post(restRoot(), "leads.json", JSON_TYPE, request.toString()).carrying(leads));
    }

    /** Marketo's result[i] goes to the i-th lead sent. */
    @Override
    public void outcomes(CrmCall write, Exchange answer) {
        JsonNode results = readJson(answer.getMessage().getBody(String.class)).path("result");
        for (int i = 0; i < write.leads().size(); i++) {
            Ticket lead = write.leads().get(i);
            JsonNode result = results.path(i);
            String status = result.path("status").asText("");
            if (status.equals("created") || status.equals("updated")) {
                lead.delivered(result.path("id").asText(null), status);
            } else if (result.isMissingNode()) {
                lead.failed(new CrmException("marketo answered no result for the lead"));
            } else {
                lead.failed(new CrmException("marketo " + status + " the lead: " + reasons(result.path("reasons"))));
            }
        }
    }

    @Override
    public void authorize(Message call) {
        call.setHeader("Authorization", token.bearer());
    }

    /** Fails on any answer but a 2xx with {@code success:true}. */
    @Override
    public void check(CrmCall call, Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        if (!CrmHttpConfiguration.succeeded(exchange)) {
            throw CrmException.answered("marketo", exchange, Texts.abbreviate(body));
        }
        JsonNode answer = readJson(body);
        if (!answer.path("success").asBoolean(false)) {
            List<String> codes = new ArrayList<>();
            answer.path("errors").forEach(e -> codes.add(e.path("code").asText()));
            if (codes.stream().anyMatch(TOKEN_REJECTED::contains)) {
                token.forget();
                throw new TokenRejectedException("marketo rejected the access token: " + reasons(answer.path("errors")));
            }
            if (codes.stream().anyMatch(RATE_LIMITED::contains)) {
                // 606: more than 100 calls in 20 s; 607: the daily quota; 615: more than 10 calls at once
                throw CrmException.rateLimited("marketo is rate limiting: " + reasons(answer.path("errors")), RATE_WINDOW);
            }
            throw new CrmException("marketo refused the request: " + reasons(answer.path("errors")));
        }
        // a record Marketo skipped is that lead's own failure: outcomes reads result[]
    }

    /** {@code 1006: Field 'foo' not found; 1003: ...} */
    static String reasons(JsonNode reasons) {
        List<String> texts = new ArrayList<>();
        reasons.forEach(r -> texts.add(r.path("code").asText() + ": " + r.path("message").asText()));
        return texts.isEmpty() ? "(no reason given)" : String.join("; ", texts);
    }

    /** {@code {endpoint}/rest/v1}, the REST root every call is relative to. */
    String restRoot() {
        return stripSlash(require("endpoint", settings.endpoint())) + "/rest/v1?throwExceptionOnFailure=false";
    }

    private JsonNode readJson(String body) {
        try {
            return mapper.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            throw new CrmException("marketo answered something that is not JSON: " + Texts.abbreviate(body));
        }
    }

    private URI identityUri() {
        return URI.create(stripSlash(require("identity", settings.identity())) + "/oauth/token");
    }

    private Map<String, String> credentials() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("grant_type", "client_credentials");
        params.put("client_id", require("client-id", settings.clientId()));
        params.put("client_secret", require("client-secret", settings.clientSecret()));
        return params;
    }

    private static String require(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new CrmException("marketo: leads.targets.marketo." + name + " is not set");
        }
        return value;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
