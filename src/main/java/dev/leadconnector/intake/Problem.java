package dev.leadconnector.intake;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.leadconnector.lead.InvalidLeadException.FieldProblem;
import java.util.List;

/**
 * An RFC 9457 problem detail, the body of every error answer: {@code errors} names each offending
 * field. It never carries a stack trace, a secret or the rejected payload.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"type", "title", "status", "detail", "instance", "errors"})
public record Problem(String type, String title, int status, String detail, String instance, List<FieldProblem> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String slug, String title, String detail, String instance) {
        return new Problem("urn:lead-connector:problem:" + slug, title, status, detail, instance, List.of());
    }

    public Problem withErrors(List<FieldProblem> fieldErrors) {
        return new Problem(type, title, status, detail, instance, List.copyOf(fieldErrors));
    }
}
