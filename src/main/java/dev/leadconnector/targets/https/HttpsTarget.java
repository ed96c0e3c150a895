package dev.leadconnector.targets.https;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.targets.crm.CrmException;
import dev.leadconnector.targets.crm.CrmHttpConfiguration;
import dev.leadconnector.targets.crm.Texts;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Target "https": the headers and signature of the POST that carries the marketplace's own payload.
 * {@code X-Lead-Signature: sha256=<hex>} is the HMAC-SHA256 of the exact body bytes under
 * {@code leads.targets.https.hmac-secret} (as GitHub webhooks sign theirs).
 */
@Component("httpsTarget")
public class HttpsTarget {

    public static final String LEAD_ID = "X-Lead-Id";
    public static final String TEST = "X-Lead-Test";
    public static final String SIGNATURE = "X-Lead-Signature";

    /** {@code leads.targets.https.*} beyond the routing settings. */
    @ConfigurationProperties("leads.targets.https")
    public record Settings(String url, String hmacSecret, Map<String, String> headers) {
        public Settings {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }
    }

    private final Settings settings;
    private final ObjectMapper mapper;

    public HttpsTarget(Settings settings, ObjectMapper mapper) {
        this.settings = settings;
        this.mapper = mapper;
    }

    /**
     * The camel-http endpoint: the configured URL without its query, which {@link #sign} hands over
     * as it is (a Power Automate or Logic Apps URL carries its signature there).
     */
    public String endpoint() {
        if (settings.url().isBlank()) {
            throw new CrmException("https: leads.targets.https.url is not set");
        }
        URI url = URI.create(settings.url());
        return url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath())
                + "?throwExceptionOnFailure=false";
    }

    /**
     * Turns the mapped payload (a JSON string) into the exact bytes sent, with their headers and
     * signature. A payload that is not a JSON object (the mapping gave nothing, or no lead came in)
     * fails the lead instead of sending the receiver something it cannot use.
     */
    public void sign(Exchange exchange) {
        Message message = exchange.getMessage();
        String payload = message.getBody(String.class);
        requireObject(payload);
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        message.setBody(body);
        settings.headers().forEach(message::setHeader);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        message.setHeader(LEAD_ID, message.getHeader("leadId"));
        message.setHeader(TEST, String.valueOf(message.getHeader("leadTest", false, Boolean.class)));
        String query = URI.create(settings.url()).getRawQuery();
        if (query != null) {
            message.setHeader(Exchange.HTTP_RAW_QUERY, query);
        }
        if (!settings.hmacSecret().isEmpty()) {
            message.setHeader(SIGNATURE, "sha256=" + hmacSha256(settings.hmacSecret(), body));
        }
    }

    /** A 2xx is delivered; anything else throws with the receiver's own answer. */
    public void check(Exchange exchange) {
        if (!CrmHttpConfiguration.succeeded(exchange)) {
            throw CrmException.answered("https", exchange, Texts.abbreviate(exchange.getMessage().getBody(String.class)));
        }
    }

    private void requireObject(String payload) {
        JsonNode json;
        try {
            json = payload == null ? null : mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            json = null;
        }
        if (json == null || !json.isObject() || json.isEmpty()) {
            // what it was, not what it said: it may hold the customer's details
            String found = json == null ? (payload == null ? "no body" : "text that is not JSON")
                    : json.isObject() ? "an empty object" : json.getNodeType().name().toLowerCase(Locale.ROOT);
            throw CrmException.permanent("https: not sent, routes/mappings/https.jslt made " + found
                    + " instead of the marketplace's JSON object");
        }
    }

    public static String hmacSha256(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
