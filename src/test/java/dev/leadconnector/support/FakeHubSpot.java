package dev.leadconnector.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HubSpot's contacts batch endpoints for WireMock ({@code withTransformers("hubspot-contacts")}), as the CRM
 * v3 API documents them, over an in-memory set of contacts:
 * <ul>
 * <li>{@code batch/read} with {@code idProperty: email}: 200 with {@code results[]} when every contact is
 * known, else 207 whose {@code errors[]} holds one {@code OBJECT_NOT_FOUND} naming the unknown ids;</li>
 * <li>{@code batch/upsert} on email and {@code batch/create}: 200 / 201 with one result per input
 * ({@code id}, {@code new}, {@code properties}, its {@code objectWriteTraceId}); a refused input is an error
 * of a 207 naming it in its {@code context}, the others are written; an e-mail named twice in one upsert
 * is a 400 for the whole call, as HubSpot answers it.</li>
 * </ul>
 */
public final class FakeHubSpot implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "hubspot-contacts";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A contact: its id and its lead status. */
    public record Contact(String id, String leadStatus) {}

    private final Map<String, Contact> byEmail = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> refusals = new ConcurrentHashMap<>();
    private final Map<String, String> updated = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(90_001);

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** HubSpot has this contact. */
    public void known(String email, String id, String leadStatus) {
        byEmail.put(email, new Contact(id, leadStatus));
    }

    /** Inputs for this e-mail are refused with this error ({@code category}, {@code message}). */
    public void refuse(String email, String category, String message) {
        refusals.put(email, JSON.createObjectNode().put("category", category).put("message", message));
    }

    /** The contact an upsert of this e-mail updated (it existed before), or null. */
    public String updated(String email) {
        return updated.get(email);
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        String url = event.getRequest().getUrl();
        JsonNode request = read(event.getRequest().getBodyAsString());
        ResponseDefinition answer = url.endsWith("/batch/read") ? batchRead(request) : write(request, url.endsWith("/batch/upsert"));
        // a stub's own delay (a slow lookup) stays
        Integer delay = event.getResponseDefinition().getFixedDelayMilliseconds();
        return delay == null ? answer : ResponseDefinitionBuilder.like(answer).withFixedDelay(delay).build();
    }

    private ResponseDefinition batchRead(JsonNode request) {
        ObjectNode answer = envelope();
        ArrayNode results = answer.putArray("results");
        List<String> missing = new ArrayList<>();
        for (JsonNode input : request.path("inputs")) {
            String email = input.path("id").asText();
            Contact contact = byEmail.get(email);
            if (contact == null) {
                missing.add(email);
            } else {
                ObjectNode result = results.addObject().put("id", contact.id());
                ObjectNode properties = result.putObject("properties").put("email", email)
                        .put("hs_object_id", contact.id()).put("createdate", "2026-11-20T09:12:44.310Z")
                        .put("lastmodifieddate", "2026-11-28T16:03:01.187Z");
                if (contact.leadStatus() != null) {
                    properties.put("hs_lead_status", contact.leadStatus());
                }
                result.put("createdAt", "2026-11-20T09:12:44.310Z").put("updatedAt", "2026-11-28T16:03:01.187Z")
                        .put("archived", false);
            }
        }
        if (missing.isEmpty()) {
            return answer(200, answer);
        }
        answer.put("numErrors", 1);
        ObjectNode error = answer.putArray("errors").addObject().put("status", "error").put("category", "OBJECT_NOT_FOUND")
                .put("message", "Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.");
        ArrayNode named = error.putObject("context").putArray("ids");
        missing.forEach(named::add);
        return answer(207, answer);
    }

    private ResponseDefinition write(JsonNode request, boolean upsert) {
        if (upsert) {
            Set<String> seen = new HashSet<>();
            for (JsonNode input : request.path("inputs")) {
                if (!seen.add(input.path("id").asText())) {
                    return answer(400, JSON.createObjectNode().put("status", "error")
                            .put("message", "Duplicate IDs found in batch input: [" + input.path("id").asText() + "]. IDs must be unique")
                            .put("correlationId", "3c4ba1e5-8c11-4e8b-9a1a-2c5f2c8c61e0").put("category", "VALIDATION_ERROR"));
                }
            }
        }
        ObjectNode answer = envelope();
        ArrayNode results = answer.putArray("results");
        ArrayNode errors = JSON.createArrayNode();
        for (JsonNode input : request.path("inputs")) {
            String email = upsert ? input.path("id").asText() : input.path("properties").path("email").asText(null);
            String trace = input.path("objectWriteTraceId").asText();
            JsonNode refusal = email == null ? null : refusals.get(email);
            if (refusal != null) {
                ObjectNode error = errors.addObject().put("status", "error");
                error.setAll((ObjectNode) refusal);
                ObjectNode context = error.putObject("context");
                if (upsert) {
                    context.putArray("ids").add(email);
                } else {
                    context.putArray("objectWriteTraceId").add(trace);
                }
                continue;
            }
            Contact before = email == null ? null : byEmail.get(email);
            String id = before != null ? before.id() : String.valueOf(ids.getAndIncrement());
            String status = input.path("properties").path("hs_lead_status").asText(before == null ? null : before.leadStatus());
            if (email != null) {
                byEmail.put(email, new Contact(id, status));
            }
            if (before != null) {
                updated.put(email, id);
            }
            ObjectNode result = results.addObject().put("id", id).put("objectWriteTraceId", trace).put("new", before == null);
            ObjectNode properties = result.putObject("properties");
            properties.setAll((ObjectNode) input.path("properties"));
            properties.put("hs_object_id", id);
            result.put("createdAt", "2026-12-01T10:00:00.000Z").put("updatedAt", "2026-12-01T10:00:00.000Z").put("archived", false);
        }
        if (errors.isEmpty()) {
            return answer(upsert ? 200 : 201, answer);
        }
        answer.put("numErrors", errors.size());
        answer.set("errors", errors);
        return answer(207, answer);
    }

    private static ObjectNode envelope() {
        return JSON.createObjectNode().put("status", "COMPLETE").put("startedAt", "2026-12-01T10:00:00.000Z")
                .put("completedAt", "2026-12-01T10:00:00.042Z");
    }

    private static ResponseDefinition answer(int status, JsonNode body) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                .withHeader("Content-Type", "application/json;charset=utf-8").withBody(body.toString()).build();
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
