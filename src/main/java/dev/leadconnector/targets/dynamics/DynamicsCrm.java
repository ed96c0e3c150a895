package dev.leadconnector.targets.dynamics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.targets.batch.BatchedCrm;
import dev.leadconnector.targets.batch.CrmCall;
import dev.leadconnector.targets.batch.Found;
import dev.leadconnector.targets.batch.Ticket;
import dev.leadconnector.targets.crm.CachedToken;
import dev.leadconnector.targets.crm.CrmException;
import dev.leadconnector.targets.crm.CrmHttpConfiguration;
import dev.leadconnector.targets.crm.RetryAfter;
import dev.leadconnector.targets.crm.Texts;
import dev.leadconnector.targets.crm.TokenEndpoint;
import dev.leadconnector.targets.crm.TokenRejectedException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Target "dynamics" (routes/deliver-dynamics.camel.yaml): one Dataverse lead per customer through the
 * Web API, with an Azure AD client-credentials token. A batch is one lookup of every e-mail
 * ({@code GET leads?$select=leadid,emailaddress1,statuscode&$filter=Microsoft.Dynamics.CRM.In(...)},
 * following {@code @odata.nextLink} while Dataverse pages) and one {@code POST $batch} whose parts are
 * the leads' own requests (PATCH {@code leads(<id>)} with {@code If-Match: *} for a known lead, POST
 * {@code leads} for a new one), independent (no change set) and sent with
 * {@code Prefer: odata.continue-on-error}: Dataverse answers each part in order, so a refused part
 * fails its own lead alone.
 */
@Component
public class DynamicsCrm implements BatchedCrm {

    /** Dataverse takes up to 1,000 requests per $batch. */
    public static final int MAX_BATCH = 1000;
    static final String JSON_TYPE = "application/json; charset=utf-8";

    /** {@code leads.targets.dynamics.*}: the target's own settings. */
    @ConfigurationProperties("leads.targets.dynamics")
    public record Settings(
            String url,
            String authority,
            String tenantId,
            String clientId,
            String clientSecret) {}

    private final Settings settings;
    private final ObjectMapper mapper;
    private final CachedToken token;

    public DynamicsCrm(Settings settings, ObjectMapper mapper) {
        this.settings = settings;
        this.mapper = mapper;
        TokenEndpoint endpoint = new TokenEndpoint("dynamics", mapper, Clock.systemUTC());
        this.token = new CachedToken(() -> endpoint.post(tokenUri(), tokenForm()), Clock.systemUTC());
    }

    @Override
    public String name() {
        return "dynamics";
    }

    /** A $batch takes up to 1,000 parts; the default batch.size (application.yaml) is 100. */
    @Override
    public int maxBatchSize() {
        return MAX_BATCH;
    }

    @Override
    public CrmCall lookup(List<Ticket> batch) {
        Set<String> emails = Ticket.emails(batch);
        return emails.isEmpty() ? null : CrmCall.get(apiRoot(), "leads", lookupQuery(emails));
    }

    /**
     * {@code $select=leadid,emailaddress1,statuscode&$filter=Microsoft.Dynamics.CRM.In(PropertyName='emailaddress1',
     * PropertyValues=['a@x','b@y'])}: the leads of every e-mail in one query, percent-encoded, with the
     * quotes inside each OData string literal doubled (O'Brien → 'o''brien').
     */
    static String lookupQuery(Set<String> emails) {
        String values = emails.stream().map(email -> "'" + email.replace("'", "''") + "'")
                .collect(Collectors.joining(","));
        String filter = "Microsoft.Dynamics.CRM.In(PropertyName='emailaddress1',PropertyValues=[" + values + "])";
        return "$select=leadid,emailaddress1,statuscode&$filter=" + encode(filter);
    }

    /** The leads Dataverse has, by e-mail (lower case); the next page when the answer has an {@code @odata.nextLink}. */
    @Override
    public CrmCall lookedUp(CrmCall asked, Exchange answer, Found found) {
        JsonNode page = readJson(answer.getMessage().getBody(String.class));
        for (JsonNode lead : page.path("value")) {
            JsonNode status = lead.path("statuscode");
            found.add(lead.path("emailaddress1").asText("").toLowerCase(Locale.ROOT), lead.path("leadid").asText(null),
                    status.isValueNode() && !status.isNull() ? status.asText() : null);
        }
        String next = page.path("@odata.nextLink").asText(null);
        if (next == null) {
            return null;
        }
        URI link = URI.create(next);
        return CrmCall.get(apiRoot(), link.getRawPath().substring(link.getRawPath().lastIndexOf('/') + 1), link.getRawQuery());
    }

    /**
     * The $batch: one part per lead, PATCH leads(id) with If-Match: * for a known lead (a lead deleted
     * meanwhile is an error, not a silent create), POST leads for a new one.
     */
    @Override
    public List<CrmCall> writes(List<Ticket> leads) {
        String url = stripSlash(settings.url()) + "/api/data/v9.2/leads";
        List<HttpParts.Part> parts = new ArrayList<>();
        for (Ticket lead : leads) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json; type=entry");
            if (lead.recordId() != null) {
                headers.put("If-Match", "*");
                parts.add(HttpParts.request("PATCH", url + "(" + lead.recordId() + ")", headers, lead.record().toString()));
            } else {
                parts.add(HttpParts.request("POST", url, headers, lead.record().toString()));
            }
        }
        String boundary = "batch_" + UUID.randomUUID();
        return List.of(CrmCall.post(apiRoot(), "$batch", "multipart/mixed; boundary=" + boundary,
                        HttpParts.write(boundary, parts))
                // Dataverse runs every part, also after one failed
                .header("Prefer", "odata.continue-on-error")
                .carrying(leads));
    }

    /** Dataverse's i-th response part goes to the i-th lead sent: 2xx delivers it, anything else fails it alone. */
    @Override
    public void outcomes(CrmCall write, Exchange answer) {
        List<HttpParts.Part> answers = HttpParts.read(answer.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class),
                answer.getMessage().getBody(String.class));
        for (int i = 0; i < write.leads().size(); i++) {
            Ticket lead = write.leads().get(i);
            if (i >= answers.size()) {
                lead.failed(new CrmException("dynamics answered no response for the lead's part of the $batch"));
                continue;
            }
            HttpParts.Part part = answers.get(i);
            int status = part.status();
            if (status < 200 || status >= 300) {
                lead.failed(new CrmException("dynamics answered " + status + ": " + odataError(part.body()),
                        status, RetryAfter.parse(part.header("Retry-After")), null));
            } else if (lead.recordId() != null) {
                lead.delivered(lead.recordId(), "updated lead " + lead.recordId());
            } else {
                lead.delivered(idOf(part.header("OData-EntityId")), "created a lead");
            }
        }
    }

    /** The token and the OData headers every Web API call carries. */
    @Override
    public void authorize(Message call) {
        call.setHeader("Authorization", token.bearer());
        call.setHeader("OData-MaxVersion", "4.0");
        call.setHeader("OData-Version", "4.0");
        if (call.getHeader(Exchange.CONTENT_TYPE) == null) {
            call.setHeader(Exchange.CONTENT_TYPE, JSON_TYPE);
        }
    }

    /** A 2xx answer passes; 401 forgets the token; anything else throws with Dataverse's own error. */
    @Override
    public void check(CrmCall call, Exchange exchange) {
        if (CrmHttpConfiguration.succeeded(exchange)) {
            return;
        }
        String error = odataError(exchange.getMessage().getBody(String.class));
        if (CrmHttpConfiguration.status(exchange) == 401) {
            token.forget();
            throw new TokenRejectedException("dynamics rejected the access token (401): " + error);
        }
        throw CrmException.answered("dynamics", exchange, error);
    }

    /** {@code {"error":{"code","message"}}} as {@code code: message}; any other body as it came. */
    String odataError(String body) {
        try {
            JsonNode error = mapper.readTree(body == null || body.isBlank() ? "{}" : body).path("error");
            if (error.hasNonNull("message")) {
                return error.path("code").asText("") + ": " + error.path("message").asText();
            }
        } catch (IOException e) {
            // not JSON: shown as it came
        }
        return Texts.abbreviate(body);
    }

    /** {@code .../leads(<id>)} → {@code <id>}; null when absent. */
    static String idOf(String entityId) {
        if (entityId == null || !entityId.endsWith(")") || entityId.lastIndexOf('(') < 0) {
            return null;
        }
        return entityId.substring(entityId.lastIndexOf('(') + 1, entityId.length() - 1);
    }

    /** {@code {url}/api/data/v9.2}, the Web API root every call is relative to. */
    String apiRoot() {
        requireSet("url", settings.url());
        return stripSlash(settings.url()) + "/api/data/v9.2?throwExceptionOnFailure=false";
    }

    private JsonNode readJson(String body) {
        try {
            return mapper.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            throw new CrmException("dynamics answered something that is not JSON: " + Texts.abbreviate(body));
        }
    }

    private URI tokenUri() {
        requireSet("tenant-id", settings.tenantId());
        return URI.create(stripSlash(settings.authority()) + "/" + settings.tenantId() + "/oauth2/v2.0/token");
    }

    private Map<String, String> tokenForm() {
        requireSet("client-id", settings.clientId());
        requireSet("client-secret", settings.clientSecret());
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", settings.clientId());
        form.put("client_secret", settings.clientSecret());
        form.put("scope", stripSlash(settings.url()) + "/.default");
        return form;
    }

    private static void requireSet(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new CrmException("dynamics: leads.targets.dynamics." + name + " is not set");
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
