package dev.leadconnector.targets.backfill;

import dev.leadconnector.intake.Problem;
import dev.leadconnector.targets.validate.TargetValidation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.util.MimeType;

/**
 * {@code POST /actuator/targets/{name}/{operation}} over HTTP: {@code validate} ({@link TargetValidation}, as
 * it was) or {@code backfill} ({@link TargetBackfill}, body optional: {@code {"since": "2026-11-01", "offer":
 * "..."}}). Both share the one path an actuator endpoint has for a write with two selectors, so this web
 * extension answers it; a refused backfill gets a problem detail (404 unknown target, 400 disabled target or
 * bad {@code since}, 409 one still running). A POST on the management port: operator only, and a browser
 * session's needs its CSRF token (ManagementSecurity).
 *
 * <p>Two operations, as Spring MVC tells them apart: one with a JSON body (an operation with body parameters
 * consumes JSON) and one without (no Content-Type, as {@code curl -X POST} sends), which takes the place of
 * the endpoint's own {@code validate} mapping.
 */
@Component
@EndpointWebExtension(endpoint = TargetValidation.class)
public class TargetsWebOperations {

    private static final MimeType PROBLEM = MimeType.valueOf(Problem.MEDIA_TYPE);

    private final TargetValidation validation;
    private final TargetBackfill backfill;

    public TargetsWebOperations(TargetValidation validation, TargetBackfill backfill) {
        this.validation = validation;
        this.backfill = backfill;
    }

    /** A POST without a body: validate, or a backfill of every lead the target takes. */
    @WriteOperation
    public WebEndpointResponse<Object> operateWithoutBody(@Selector String name, @Selector String action) {
        return operate(name, action, null, null);
    }

    /** A POST with a JSON body: validate (the body is not read), or a backfill narrowed by since and offer. */
    @WriteOperation
    public WebEndpointResponse<Object> operate(@Selector String name, @Selector String action, @Nullable String since,
                                               @Nullable String offer) {
        if (!TargetBackfill.OPERATION.equals(action)) {
            WebEndpointResponse<TargetValidation.Result> validated = validation.validate(name, action);
            return new WebEndpointResponse<>(validated.getBody(), validated.getStatus());
        }
        try {
            return new WebEndpointResponse<>(backfill.start(name, since, offer), WebEndpointResponse.STATUS_OK);
        } catch (TargetBackfill.Refused refused) {
            return new WebEndpointResponse<>(Problem.of(refused.status(), refused.slug(), refused.title(),
                    refused.getMessage(), null), refused.status(), PROBLEM);
        }
    }
}
