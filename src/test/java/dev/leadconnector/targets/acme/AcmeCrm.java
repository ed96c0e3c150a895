package dev.leadconnector.targets.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadconnector.targets.batch.BatchedCrm;
import dev.leadconnector.targets.batch.CrmCall;
import dev.leadconnector.targets.batch.Found;
import dev.leadconnector.targets.batch.Ticket;
import dev.leadconnector.targets.crm.CrmException;
import dev.leadconnector.targets.crm.CrmHttpConfiguration;
import dev.leadconnector.targets.crm.Texts;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

/**
 * A fifth batched CRM that exists only in the tests, made of the crm component and the BatchedCrm interface
 * alone (src/test/resources/test-routes/deliver-acme.camel.yaml, mappings/acme.jslt and this class): the
 * proof that a new batched target needs no shared Java. Acme's API: {@code POST /v1/contacts/search}
 * with {@code {"emails":[...]}} answers {@code {"contacts":[{"id","email","stage"}],"next":<path or null>}};
 * {@code POST /v1/contacts/batch} with {@code {"contacts":[...]}} answers one {@code results[]} entry per
 * contact, {@code {"id","status"}} or {@code {"error":{"code","message"}}}; an API key as a Bearer token.
 */
@Component
public class AcmeCrm implements BatchedCrm {

    /** {@code leads.targets.acme.*}: the target's own settings. */
    @ConfigurationProperties("leads.targets.acme")
    public record Settings(@DefaultValue("") String url, @DefaultValue("") String apiKey) {}

    private final Settings settings;
    private final ObjectMapper mapper;

    public AcmeCrm(Settings settings, ObjectMapper mapper) {
        this.settings = settings;
        this.mapper = mapper;
    }

    @Override
    public String name() {
        return "acme";
    }

    @Override
    public int maxBatchSize() {
        return 50;
    }

    @Override
    public CrmCall lookup(List<Ticket> batch) {
        ArrayNode emails = mapper.createArrayNode();
        batch.stream().map(Ticket::email).filter(e -> e != null).distinct().forEach(emails::add);
        return emails.isEmpty() ? null : CrmCall.post(root(), "v1/contacts/search", "application/json",
                mapper.createObjectNode().set("emails", emails).toString());
    }

    @Override
    public CrmCall lookedUp(CrmCall asked, Exchange answer, Found found) {
        JsonNode page = json(answer.getMessage().getBody(String.class));
        page.path("contacts").forEach(c -> found.add(c.path("email").asText("").toLowerCase(Locale.ROOT),
                c.path("id").asText(null), c.path("stage").asText(null)));
        String next = page.path("next").asText("");
        return next.isEmpty() ? null : CrmCall.get(root(), URI.create(next).getPath().substring(1), URI.create(next).getQuery());
    }

    @Override
    public List<CrmCall> writes(List<Ticket> leads) {
        ObjectNode request = mapper.createObjectNode();
        ArrayNode contacts = request.putArray("contacts");
        leads.forEach(lead -> {
            ObjectNode contact = contacts.addObject();
            if (lead.recordId() != null) {
                contact.put("id", lead.recordId());
            }
            contact.setAll((ObjectNode) lead.record());
        });
        return List.of(CrmCall.post(root(), "v1/contacts/batch", "application/json", request.toString()).carrying(leads));
    }

    @Override
    public void outcomes(CrmCall write, Exchange answer) {
        JsonNode results = json(answer.getMessage().getBody(String.class)).path("results");
        for (int i = 0; i < write.leads().size(); i++) {
            JsonNode result = results.path(i);
            if (result.hasNonNull("id")) {
                write.leads().get(i).delivered(result.path("id").asText(), result.path("status").asText("written") + " contact");
            } else {
                write.leads().get(i).failed(CrmException.permanent("acme refused the contact: "
                        + result.path("error").path("code").asText() + ": " + result.path("error").path("message").asText()));
            }
        }
    }

    @Override
    public void authorize(Message call) {
        call.setHeader("Authorization", "Bearer " + settings.apiKey());
    }

    @Override
    public void check(CrmCall call, Exchange answer) {
        if (!CrmHttpConfiguration.succeeded(answer)) {
            throw CrmException.answered("acme", answer, Texts.abbreviate(answer.getMessage().getBody(String.class)));
        }
    }

    private String root() {
        return settings.url() + "?throwExceptionOnFailure=false";
    }

    private JsonNode json(String body) {
        try {
            return mapper.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            throw new CrmException("acme answered something that is not JSON: " + Texts.abbreviate(body));
        }
    }
}
