package dev.leadconnector.targets.validate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadconnector.lead.FunnelStage;
import dev.leadconnector.lead.Lead;
import dev.leadconnector.security.SecretValues;
import java.time.Instant;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

/**
 * {@code POST /actuator/targets/{name}/validate}: what the marketplace's "Validate" button does, for one
 * target. A test lead (marked {@code test: true}, with an id of its own so no target takes it for a
 * duplicate) goes through the real {@code deliver-<name>} route, which signs in to the CRM and delivers
 * it; the answer says in plain words what happened. An actuator endpoint, so it lives on the management
 * port ({@code management.server.port}) and is protected with the rest of the management surface.
 */
@Component
@Endpoint(id = "targets")
public class TargetValidation {

    static final String VALIDATE = "validate";
    static final String TEST_EMAIL = "lead-connector-test@example.com";

    /** The answer: which target, whether it took the test lead, and what happened. */
    public record Result(String target, boolean ok, String message) {}

    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final ObjectMapper mapper;
    private final SecretValues secrets;

    public TargetValidation(CamelContext camel, ProducerTemplate producer, ObjectMapper mapper, SecretValues secrets) {
        this.camel = camel;
        this.producer = producer;
        this.mapper = mapper;
        this.secrets = secrets;
    }

    @WriteOperation
    public WebEndpointResponse<Result> validate(@Selector String name, @Selector String action) {
        if (!VALIDATE.equals(action)) {
            return new WebEndpointResponse<>(new Result(name, false, "unknown operation '" + action
                    + "': use POST /targets/" + name + "/validate"), WebEndpointResponse.STATUS_NOT_FOUND);
        }
        if (camel.getRoute("deliver-" + name) == null) {
            return new WebEndpointResponse<>(new Result(name, false, "there is no target named '" + name
                    + "' (no route deliver-" + name + " in routes/)"), WebEndpointResponse.STATUS_NOT_FOUND);
        }
        Lead lead = testLead();
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(json(lead));
        exchange.getMessage().setHeader("leadId", lead.id());
        exchange.getMessage().setHeader("leadAction", lead.action());
        exchange.getMessage().setHeader("leadTest", true);
        Exchange done = producer.send("direct:deliver-" + name, exchange);

        Exception failure = done.getException() != null
                ? done.getException() : done.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (failure != null) {
            String parked = done.getException() == null ? " It is parked in the dead-letter store." : "";
            return new WebEndpointResponse<>(new Result(name, false, name + " did not take the test lead "
                    + lead.id() + ": " + secrets.redact(failure.getMessage()) + "." + parked), 502);
        }
        // a CRM's outcome (crmOutcome), or a notification channel's (notifyOutcome)
        String outcome = done.getMessage().getHeader("crmOutcome", String.class);
        if (outcome == null) {
            outcome = done.getMessage().getHeader("notifyOutcome", String.class);
        }
        return new WebEndpointResponse<>(new Result(name, true, name + " took the test lead " + lead.id()
                + (outcome == null ? "" : " (" + outcome + ")") + ", marked as a test lead."),
                WebEndpointResponse.STATUS_OK);
    }

    /** A canonical lead that says it is a test everywhere a person would look. */
    private Lead testLead() {
        String id = UUID.randomUUID().toString().replace("-", "");
        ObjectNode original = mapper.createObjectNode();
        original.putObject("UserDetails")
                .put("FirstName", "Test").put("LastName", "Lead").put("Email", TEST_EMAIL)
                .put("Company", "lead-connector validation");
        original.put("LeadSource", "lead-connector-validation")
                .put("ActionCode", "StartTestDrive")
                .put("OfferTitle", "lead-connector validation")
                .put("Description", "Test lead sent by lead-connector to validate the connection");
        return new Lead(id, Instant.now(), "lead-connector-validation", "StartTestDrive", FunnelStage.LEAD,
                new Lead.Offer(null, "lead-connector validation"),
                new Lead.Customer("Test", "Lead", TEST_EMAIL, null, null, null, "lead-connector validation", null),
                "Test lead sent by lead-connector to validate the connection", true, original);
    }

    private String json(Lead lead) {
        try {
            return mapper.writeValueAsString(lead);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
