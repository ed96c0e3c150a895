package dev.leadconnector.targets.marketo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.targets.crm.CachedToken;
import dev.leadconnector.targets.crm.CrmException;
import dev.leadconnector.targets.crm.CrmHttpConfiguration;
import dev.leadconnector.targets.crm.TokenEndpoint;
import dev.leadconnector.targets.crm.TokenRejectedException;
import dev.leadconnector.targets.crm.Texts;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

/**
 * Target "marketo": the identity token, the lookup query and the reading of Marketo's answers, which
 * report failures inside a 200 ({@code success:false} with {@code errors[]}, or a {@code result[]}
 * record {@code skipped} with {@code reasons[]}). The calls are camel-http steps in
 * routes/deliver-marketo.camel.yaml.
 */
@Component("marketo")
public class MarketoApi {

    /** Marketo's "Access token invalid" and "Access token expired". */
    static final Set<String> TOKEN_REJECTED = Set.of("601", "602");
    /** Marketo's rate-limit codes, and the window its call limit is counted over. */
    static final Set<String> RATE_LIMITED = Set.of("606", "615");
    static final Duration RATE_WINDOW = Duration.ofSeconds(20);

    /** {@code leads.targets.marketo.*} beyond the routing settings. */
    @ConfigurationProperties("leads.targets.marketo")
    public record Settings(
            @DefaultValue("") String endpoint,
            @DefaultValue("") String identity,
            @DefaultValue("") String clientId,
            @DefaultValue("") String clientSecret,
            @DefaultValue("leadStatus") String statusField) {}

    private final Settings settings;
    private final ObjectMapper mapper;
    private final CachedToken token;

    public MarketoApi(Settings settings, ObjectMapper mapper) {
        this.settings = settings;
        this.mapper = mapper;
        TokenEndpoint endpoint = new TokenEndpoint("marketo", mapper, Clock.systemUTC());
        this.token = new CachedToken(() -> endpoint.get(identityUri(), credentials()), Clock.systemUTC());
    }

    /** {@code {endpoint}/rest/v1}, the REST root every call is relative to. */
    public String restRoot() {
        return stripSlash(require("endpoint", settings.endpoint())) + "/rest/v1";
    }

    public String authorization() {
        return token.bearer();
    }

    /** {@code filterType=email&filterValues=<email>,<email>...&fields=id,email,<status field>} for GET leads.json. */
    public String lookupQuery(String emails) {
        return TokenEndpoint.formEncode(Map.of("filterType", "email")) + "&"
                + TokenEndpoint.formEncode(Map.of("filterValues", emails)) + "&"
                + TokenEndpoint.formEncode(Map.of("fields", "id,email," + settings.statusField()));
    }

    /** Fails on any answer but a 2xx with {@code success:true}. */
    public void check(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        int status = CrmHttpConfiguration.status(exchange);
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
                // 606: more than 100 calls in 20 s; 615: more than 10 calls at once
                throw CrmException.rateLimited("marketo is rate limiting: " + reasons(answer.path("errors")), RATE_WINDOW);
            }
            throw new CrmException("marketo refused the request: " + reasons(answer.path("errors")));
        }
        // a record Marketo skipped is that lead's own failure: MarketoRecords.outcomes reads result[]
    }

    /** {@code 1006: Field 'foo' not found; 1003: ...} */
    static String reasons(JsonNode reasons) {
        List<String> texts = new ArrayList<>();
        reasons.forEach(r -> texts.add(r.path("code").asText() + ": " + r.path("message").asText()));
        return texts.isEmpty() ? "(no reason given)" : String.join("; ", texts);
    }

    /** The person field holding the funnel stage. */
    public String statusField() {
        return settings.statusField();
    }

    JsonNode readJson(String body) {
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
