package dev.leadconnector.targets.dynamics;

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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

/**
 * Target "dynamics": the Azure AD token, the OData query that finds the customers' leads and the reading of
 * Dataverse's answers. The calls themselves are camel-http steps in routes/deliver-dynamics.camel.yaml.
 */
@Component("dynamics")
public class DynamicsApi {

    /** {@code leads.targets.dynamics.*} beyond the routing settings. */
    @ConfigurationProperties("leads.targets.dynamics")
    public record Settings(
            @DefaultValue("") String url,
            @DefaultValue("https://login.microsoftonline.com") String authority,
            @DefaultValue("") String tenantId,
            @DefaultValue("") String clientId,
            @DefaultValue("") String clientSecret) {}

    private final Settings settings;
    private final ObjectMapper mapper;
    private final CachedToken token;

    public DynamicsApi(Settings settings, ObjectMapper mapper) {
        this.settings = settings;
        this.mapper = mapper;
        TokenEndpoint endpoint = new TokenEndpoint("dynamics", mapper, Clock.systemUTC());
        this.token = new CachedToken(() -> endpoint.post(tokenUri(), tokenForm()), Clock.systemUTC());
    }

    /** {@code {url}/api/data/v9.2}, the Web API root every call is relative to. */
    public String apiRoot() {
        requireSet("url", settings.url());
        return stripSlash(settings.url()) + "/api/data/v9.2";
    }

    public String authorization() {
        return token.bearer();
    }

    /**
     * {@code $select=leadid,emailaddress1,statuscode&$filter=Microsoft.Dynamics.CRM.In(PropertyName='emailaddress1',
     * PropertyValues=['a@x','b@y'])}: the leads of every email in one query, percent-encoded, with the
     * quotes inside each OData string literal doubled (O'Brien → 'o''brien').
     */
    public String lookupQuery(Collection<String> emails) {
        String values = emails.stream().map(email -> "'" + email.replace("'", "''") + "'")
                .collect(Collectors.joining(","));
        String filter = "Microsoft.Dynamics.CRM.In(PropertyName='emailaddress1',PropertyValues=[" + values + "])";
        return "$select=leadid,emailaddress1,statuscode&$filter=" + encode(filter);
    }

    /** A 2xx answer passes; 401 forgets the token; anything else throws with Dataverse's own error. */
    public void check(Exchange exchange) {
        if (CrmHttpConfiguration.succeeded(exchange)) {
            return;
        }
        int status = CrmHttpConfiguration.status(exchange);
        String error = odataError(exchange.getMessage().getBody(String.class));
        if (status == 401) {
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
