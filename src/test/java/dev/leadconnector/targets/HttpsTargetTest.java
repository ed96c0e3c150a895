package dev.leadconnector.targets;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.json;
import static dev.leadconnector.support.RunningConnector.readJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Target "https" against a plain loopback HTTP server that checks what a receiver built for the
 * marketplace would check: the marketplace's own payload, and an HMAC signature over the exact bytes.
 */
class HttpsTargetTest {

    static final String SECRET = "shared-secret";

    record Received(URI uri, Headers headers, byte[] body, boolean signatureValid) {}

    @TempDir
    static Path dataDir;
    static HttpServer receiver;
    static final LinkedBlockingQueue<Received> RECEIVED = new LinkedBlockingQueue<>();
    static RunningConnector connector;

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            // the receiver's side of the contract: recompute the HMAC over the bytes as they arrived
            String expected = "sha256=" + hmac(body);
            boolean valid = expected.equals(exchange.getRequestHeaders().getFirst("X-Lead-Signature"));
            RECEIVED.add(new Received(exchange.getRequestURI(), exchange.getRequestHeaders(), body, valid));
            exchange.sendResponseHeaders(valid ? 202 : 401, -1);
            exchange.close();
        });
        receiver.start();
        connector = RunningConnector.start(dataDir,
                "leads.targets.https.enabled=true",
                "leads.targets.https.url=http://127.0.0.1:" + receiver.getAddress().getPort()
                        + "/hook/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sig=abc123",
                "leads.targets.https.hmac-secret=" + SECRET,
                "leads.targets.https.headers.x-functions-key=function-key-1");
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
        receiver.stop(0);
    }

    @Test
    void theMarketplacesOwnPayloadArrivesSignedWithTheLeadId() throws InterruptedException {
        String payload = Fixtures.lead("azure-marketplace-ins.json");
        String id = acceptedId(connector.postLead(payload));

        Received received = RECEIVED.poll(20, TimeUnit.SECONDS);
        assertThat(received).isNotNull();
        assertThat(received.signatureValid()).as("X-Lead-Signature is the HMAC of the exact body").isTrue();
        assertThat(json(new String(received.body(), StandardCharsets.UTF_8))).isEqualTo(json(payload));
        assertThat(received.headers().getFirst("X-Lead-Id")).isEqualTo(id);
        assertThat(received.headers().getFirst("X-Lead-Test")).isEqualTo("false");
        assertThat(received.headers().getFirst("x-functions-key")).isEqualTo("function-key-1");
        assertThat(received.headers().getFirst("Content-Type")).startsWith("application/json");
        assertThat(received.headers().containsKey("Leadid")).as("the routes' own headers stay inside").isFalse();
        assertThat(received.uri().getPath()).isEqualTo("/hook/invoke");
        assertThat(received.uri().getRawQuery()).as("a flow URL's query, signature included, is kept as it is")
                .isEqualTo("api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sig=abc123");
    }

    @Test
    void validatePostsATestLeadMarkedAsSuch() throws InterruptedException {
        RECEIVED.clear();
        HttpResponse<String> answer = ManagementClient.operator(connector).post("/actuator/targets/https/validate");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(json(answer.body()).path("ok").asBoolean()).isTrue();

        Received received = RECEIVED.poll(20, TimeUnit.SECONDS);
        assertThat(received).isNotNull();
        assertThat(received.signatureValid()).isTrue();
        assertThat(received.headers().getFirst("X-Lead-Test")).isEqualTo("true");
        assertThat(json(new String(received.body(), StandardCharsets.UTF_8)).path("LeadSource").asText())
                .isEqualTo("lead-connector-validation");
    }

    @Test
    void aBodyThatIsNotTheMarketplacesPayloadIsParkedNotSent() throws Exception {
        RECEIVED.clear();
        String id = "c0ffee00c0ffee00c0ffee00c0ffee00";
        // a lead without its original payload (what an inbox that handed over an empty read would give)
        connector.context().getBean(ProducerTemplate.class).send("direct:deliver-https", exchange -> {
            exchange.getMessage().setBody("{\"id\":\"" + id + "\",\"action\":\"INS\",\"test\":false}");
            exchange.getMessage().setHeader("leadId", id);
            exchange.getMessage().setHeader("leadAction", "INS");
        });

        Path parked = connector.deadLetters().resolve(id + "-https.json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(parked));
        JsonNode envelope = readJson(parked);
        assertThat(envelope.path("error").asText()).contains("https: not sent, routes/mappings/https.jslt made null "
                + "instead of the marketplace's JSON object");
        assertThat(envelope.path("attempts").asInt()).as("parked at once: a retry would send the same").isEqualTo(1);
        assertThat(RECEIVED.poll(1, TimeUnit.SECONDS)).as("nothing reached the receiver").isNull();
    }

    static String hmac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
