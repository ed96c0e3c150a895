package dev.leadconnector.targets.crm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Fetches client-credentials access tokens ({@code {"access_token", "expires_in"}}). camel-http's own
 * OAuth 2.0 support is not used: it caches a token per request URI (so a new token for every lead's
 * URL), never forgets a token the CRM rejected, drops the token endpoint's error text and only POSTs,
 * while Marketo's identity service is a GET.
 */
public final class TokenEndpoint {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long DEFAULT_EXPIRY_SECONDS = 3600;

    private final String target;
    private final ObjectMapper mapper;
    private final Clock clock;

    public TokenEndpoint(String target, ObjectMapper mapper, Clock clock) {
        this.target = target;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** {@code POST uri} with a form body (Azure AD v2.0 token endpoint). */
    public CachedToken.Token post(URI uri, Map<String, String> form) {
        return fetch(uri, HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formEncode(form))));
    }

    /** {@code GET uri?params} (Marketo's identity service). */
    public CachedToken.Token get(URI base, Map<String, String> params) {
        return fetch(base, HttpRequest.newBuilder(URI.create(base + "?" + formEncode(params))).GET());
    }

    public static String formEncode(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    // the URI named in errors is the one without query: Marketo's carries the client secret
    private CachedToken.Token fetch(URI shownUri, HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = HTTP.send(request.header("Accept", "application/json").timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CrmException(target + " token endpoint " + shownUri + " could not be reached: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CrmException(target + " token request interrupted", e);
        }
        JsonNode body = readJson(response.body());
        String token = body.path("access_token").asText("");
        if (response.statusCode() != 200 || token.isEmpty()) {
            throw new CrmException(target + " refused the credentials: token endpoint " + shownUri + " answered "
                    + response.statusCode() + ": " + describeError(body, response.body()));
        }
        long expiresIn = body.path("expires_in").asLong(DEFAULT_EXPIRY_SECONDS);
        return new CachedToken.Token(token, clock.instant().plusSeconds(expiresIn));
    }

    private JsonNode readJson(String text) {
        try {
            return mapper.readTree(text == null || text.isBlank() ? "{}" : text);
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }

    /** OAuth 2.0 errors are {@code {"error", "error_description"}}; anything else is shown as it came. */
    private static String describeError(JsonNode body, String raw) {
        if (body.hasNonNull("error")) {
            String description = body.path("error_description").asText("");
            return body.path("error").asText() + (description.isEmpty() ? "" : ": " + description);
        }
        return Texts.abbreviate(raw);
    }
}
