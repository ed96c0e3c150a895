package dev.leadconnector.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.ValidationMessage;
import dev.leadconnector.lead.InvalidLeadException;
import dev.leadconnector.lead.InvalidLeadException.FieldProblem;
import java.util.Comparator;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.component.jsonvalidator.JsonValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The HTTP answers of the intake route: 202 once the lead is in the inbox, or a problem detail
 * that says precisely what was wrong. Nothing of the request is echoed back.
 */
@Component("intakeAnswers")
public class IntakeAnswers {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeAnswers.class);

    /** The body of a 202. */
    record Accepted(String id, String status) {}

    private final ObjectMapper mapper;

    public IntakeAnswers(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Called once the lead named by the leadId header is durably in the inbox. */
    public void accepted(Exchange exchange) throws JsonProcessingException {
        respond(exchange, 202, "application/json", new Accepted(exchange.getMessage().getHeader("leadId", String.class), "accepted"));
    }

    /** Called by the intake error handler with the exception that stopped the lead. */
    public void rejected(Exchange exchange) throws JsonProcessingException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String instance = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
        Problem problem;
        if (cause instanceof InvalidLeadException invalid) {
            problem = Problem.of(400, "invalid-lead", invalid.title(), describe(invalid.problems()), instance)
                    .withErrors(invalid.problems());
        } else if (cause instanceof JsonValidationException invalid) {
            List<FieldProblem> problems = invalid.getErrors().stream()
                    .map(IntakeAnswers::fieldProblem)
                    .sorted(Comparator.comparing(FieldProblem::pointer))
                    .toList();
            problem = Problem.of(400, "invalid-lead", "Invalid lead", describe(problems), instance).withErrors(problems);
        } else {
            // Not the client's fault: the lead was not stored, so say so and let the sender retry.
            LOG.error("Lead not stored: {}", cause == null ? "unknown error" : cause.toString());
            problem = Problem.of(503, "not-stored", "Lead not stored", timedOut(cause)
                    ? "The inbox did not take the lead in time; it is not accepted. Send it again later"
                            + " (a lead sent twice is delivered once)."
                    : "The lead could not be stored durably; nothing was kept. Retry later.", instance);
        }
        respond(exchange, problem.status(), Problem.MEDIA_TYPE, problem);
        if (problem.status() == 503) {
            exchange.getMessage().setHeader("Retry-After", "30");
        }
    }

    /** Whether the inbox gave no answer within its bound (the queue client's timeout), anywhere in the cause chain. */
    private static boolean timedOut(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return true;
            }
        }
        return false;
    }

    private void respond(Exchange exchange, int status, String contentType, Object body) throws JsonProcessingException {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
        exchange.getMessage().setBody(mapper.writeValueAsString(body));
    }

    private static FieldProblem fieldProblem(ValidationMessage message) {
        StringBuilder pointer = new StringBuilder();
        JsonNodePath path = message.getInstanceLocation();
        for (int i = 0; i < path.getNameCount(); i++) {
            pointer.append('/').append(path.getElement(i));
        }
        if ("required".equals(message.getType()) && message.getProperty() != null) {
            pointer.append('/').append(message.getProperty());
        }
        return new FieldProblem(pointer.toString(), message.getError());
    }

    private static String describe(List<FieldProblem> problems) {
        return problems.size() == 1 ? problems.get(0).message()
                : problems.size() + " fields are invalid: see errors.";
    }
}
