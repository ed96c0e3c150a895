package dev.leadconnector.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.schibsted.spt.data.jslt.Expression;
import com.schibsted.spt.data.jslt.JsltException;
import com.schibsted.spt.data.jslt.Parser;
import dev.leadconnector.routes.RoutesSettings;
import dev.leadconnector.targets.crm.CrmException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Body;
import org.apache.camel.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The targets' mappings, {@code <leads.routes.mappings>/<target>.jslt} (JSLT: {@code .} is the canonical
 * lead, {@code $headers} the lead's headers), compiled once; a target whose
 * {@code leads.targets.<name>.mapping} names another mapping uses that one (the notification targets share
 * {@code notification.jslt}). With {@code leads.routes.reload} on, a saved edit is used from the next lead
 * on and the log says so; an edit that does not compile is refused with its error, and the mapping
 * compiled before stays in use.
 *
 * <p>Not camel-jslt: its endpoint (4.17) compiles a mapping at the first exchange and keeps it for its life
 * ({@code contentCache=false} does not reload it; after the endpoint's {@code clearContentCache} a mapping that
 * does not compile fails the lead instead of keeping the one before), and crm: and notify: map inside their
 * batch or digest, where no route step can. So JSLT is used directly, and camel-jslt is not a dependency.
 */
@Component("mappings")
public class Mappings {

    private static final Logger LOG = LoggerFactory.getLogger(Mappings.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Loaded(Expression expression, FileTime modified) {}

    private final Path directory;
    private final boolean reload;
    private final RoutingSettings settings;
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();
    private final Map<String, FileTime> refused = new ConcurrentHashMap<>();

    public Mappings(RoutesSettings routes, RoutingSettings settings) {
        this.directory = routes.mappings();
        this.reload = routes.reload();
        this.settings = settings;
    }

    /** The target's mapping applied to the lead (JSON text), as JSON text. */
    public String map(String target, @Body String lead, @Headers Map<String, Object> headers) throws IOException {
        String own = settings.target(target).mapping();
        return apply(own == null || own.isBlank() ? target : own, lead, headers);
    }

    /** The mapping {@code <mapping>.jslt} applied to the lead (JSON text), as JSON text. */
    public String mapWith(String mapping, String lead, Map<String, Object> headers) throws IOException {
        return apply(mapping, lead, headers);
    }

    private String apply(String mapping, String lead, Map<String, Object> headers) throws IOException {
        ObjectNode variables = JSON.createObjectNode();
        headers.forEach((name, value) -> {
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                variables.set(name, JSON.valueToTree(value));
            }
        });
        JsonNode mapped = expression(mapping).apply(Map.of("headers", variables), JSON.readTree(lead));
        return JSON.writeValueAsString(mapped);
    }

    private Expression expression(String target) {
        Path file = directory.resolve(target + ".jslt");
        Loaded current = loaded.get(target);
        if (current != null && !reload) {
            return current.expression();
        }
        FileTime modified = modified(file);
        if (current != null && (modified == null || modified.equals(current.modified()) || modified.equals(refused.get(target)))) {
            return current.expression();
        }
        synchronized (this) {
            current = loaded.get(target);
            if (current != null && (modified.equals(current.modified()) || modified.equals(refused.get(target)))) {
                return current.expression();
            }
            try (Reader reader = Files.newBufferedReader(file)) {
                Expression compiled = new Parser(reader).withSource(file.toString()).compile();
                loaded.put(target, new Loaded(compiled, modified));
                refused.remove(target);
                if (current != null) {
                    LOG.info("Mapping {} reloaded: the next lead to {} uses it", file, target);
                }
                return compiled;
            } catch (JsltException | IOException e) {
                if (current == null) {
                    throw CrmException.permanent(target + ": the mapping " + file + " does not compile: " + e.getMessage());
                }
                refused.put(target, modified);
                LOG.warn("Mapping {} not reloaded, it does not compile: {}; {} keeps the mapping loaded before",
                        file, e.getMessage(), target);
                return current.expression();
            }
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }
}
