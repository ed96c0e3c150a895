package dev.leadconnector.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.LeadConnectorApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.impl.DefaultCamelContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real application, started as {@code mvn spring-boot:run} would start it (routes from
 * routes/, application.yaml from the project root), on a random port and a data folder of the
 * test's own. Closing it and starting another on the same folder is a restart.
 */
public final class RunningConnector implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final ConfigurableApplicationContext context;
    private final Path dataDir;
    private final int port;
    private final int managementPort;

    private RunningConnector(ConfigurableApplicationContext context, Path dataDir) {
        this.context = context;
        this.dataDir = dataDir;
        this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
        this.managementPort = Integer.parseInt(context.getEnvironment().getProperty("local.management.port"));
    }

    public static RunningConnector start(Path dataDir, String... properties) {
        // a test's own properties replace these defaults (given twice on the command line, Spring would
        // join the two values with a comma)
        Map<String, String> settings = new LinkedHashMap<>();
        for (String property : List.of(
                "server.port=0",
                // a context id of its own, so JMX names of contexts alive at once do not clash
                "spring.application.name=lead-connector-" + Long.toHexString(System.nanoTime()),
                "management.server.port=0",
                "server.address=127.0.0.1",
                "management.server.address=127.0.0.1",
                "leads.data-dir=" + dataDir.toAbsolutePath(),
                "leads.inbox.uri=file:" + dataDir.toAbsolutePath() + "/inbox?delete=true&tempPrefix=.inflight-&fileExist=TryRename&delay=50"
                        + "&chmod=600&chmodDirectory=700"
                        + "&readLock=idempotent&idempotentRepository=#inboxReadLocks&readLockRemoveOnCommit=true"
                        + "&readLockIdempotentReleaseDelay=2000&readLockIdempotentReleaseAsync=true")) {
            put(settings, property);
        }
        // the management logins tests use (ManagementClient)
        for (String login : ManagementClient.LOGINS) {
            put(settings, login);
        }
        for (String property : properties) {
            put(settings, property);
        }
        List<String> args = new ArrayList<>();
        settings.forEach((key, value) -> args.add("--" + key + "=" + value));
        // a @CamelSpringBootTest earlier in the same JVM turns Camel's JMX off for every later context;
        // the real application has it on (Hawtio and Jolokia read the routes through it)
        DefaultCamelContext.setDisableJmx(false);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(LeadConnectorApplication.class)
                .run(args.toArray(String[]::new));
        return new RunningConnector(context, dataDir);
    }

    private static void put(Map<String, String> settings, String property) {
        int equals = property.indexOf('=');
        settings.put(property.substring(0, equals), property.substring(equals + 1));
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The management port (health, metrics, Hawtio, Jolokia). */
    public URI managementUri(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    public HttpResponse<String> postLead(String json) {
        return send(HttpRequest.newBuilder(uri("/leads"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The id the intake answered with in a 202. */
    public static String acceptedId(HttpResponse<String> response) {
        return json(response.body()).path("id").asText();
    }

    public Path inbox() {
        return dataDir.resolve("inbox");
    }

    public Path archive() {
        return dataDir.resolve("leads");
    }

    public Path deadLetters() {
        return dataDir.resolve("dead-letter");
    }

    public Path archived(String leadId) {
        return archive().resolve(leadId + ".json");
    }

    /** Waits until the inbox holds nothing (dispatch has taken every lead), then returns the archived lead. */
    public JsonNode awaitArchived(String leadId) {
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(archived(leadId)));
        return readJson(archived(leadId));
    }

    public void awaitInboxDrained() {
        // looks at once: mostly it is drained already (Awaitility's first look would come after 100 ms)
        await().pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(20)).until(() -> files(inbox()).isEmpty());
    }

    /** Every file (including half-written ones) in a folder, or none when it does not exist. */
    public static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
