package dev.leadconnector.targets.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.delivery.CircuitBreakers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.component.salesforce.api.SalesforceException;

/**
 * Turns camel-salesforce's exceptions into ones that say what happened in a line fit for the
 * dead-letter envelope and the log: Salesforce's own error code and message when it answered
 * ({@link SalesforceApiException}), the network error when it did not
 * ({@link SalesforceUnreachableException}). camel-salesforce's own text names the request URL, and a
 * query's URL holds the customer's email: that text is kept out of both.
 */
final class SalesforceErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SalesforceErrors() {
    }

    static Exception translate(Exception thrown) {
        Exception caught = CircuitBreakers.unwrap(thrown);
        if (!(caught instanceof SalesforceException failure)) {
            return caught;
        }
        for (Throwable t = caught; t != null; t = t.getCause()) {
            if (t instanceof SalesforceException answer && !answer.getErrors().isEmpty()) {
                return apiException(answer);
            }
        }
        if (failure.getStatusCode() >= 400) {
            // the raw operation (sObject Collections) leaves Salesforce's error array unparsed, as the message
            List<SalesforceApiException.Error> errors = errorArray(failure.getMessage());
            boolean limit = errors.stream().anyMatch(e -> SalesforceRequestLimitException.ERROR_CODE.equals(e.errorCode()));
            return limit
                    ? new SalesforceRequestLimitException(failure.getStatusCode(), errors, null)
                    : new SalesforceApiException(failure.getStatusCode(), errors, null);
        }
        Throwable root = rootCause(caught);
        return root == caught
                ? new SalesforceUnreachableException(caught.getMessage(), null)
                : new SalesforceUnreachableException(root.toString(), root);
    }

    private static SalesforceApiException apiException(SalesforceException answer) {
        List<SalesforceApiException.Error> errors = answer.getErrors().stream()
                .map(e -> new SalesforceApiException.Error(e.getErrorCode(), e.getMessage(), e.getFields()))
                .toList();
        boolean limit = errors.stream().anyMatch(e -> SalesforceRequestLimitException.ERROR_CODE.equals(e.errorCode()));
        return limit
                ? new SalesforceRequestLimitException(answer.getStatusCode(), errors, answer)
                : new SalesforceApiException(answer.getStatusCode(), errors, answer);
    }

    /**
     * One of Salesforce's errors: {@code {"errorCode" (REST) or "statusCode" (sObject Collections),
     * "message", "fields"}}.
     */
    static SalesforceApiException.Error error(JsonNode e) {
        List<String> fields = new ArrayList<>();
        e.path("fields").forEach(f -> fields.add(f.asText()));
        return new SalesforceApiException.Error(e.path("statusCode").asText(e.path("errorCode").asText(null)),
                e.path("message").asText(null), fields);
    }

    /** Salesforce's [{"message","errorCode","fields"}] in a text, or none when the text holds no such array. */
    static List<SalesforceApiException.Error> errorArray(String text) {
        int start = text == null ? -1 : text.indexOf('[');
        if (start < 0) {
            return List.of();
        }
        try {
            JsonNode array = JSON.readTree(text.substring(start));
            List<SalesforceApiException.Error> errors = new ArrayList<>();
            for (JsonNode e : array) {
                if (e.hasNonNull("errorCode")) {
                    errors.add(error(e));
                }
            }
            return errors;
        } catch (IOException | RuntimeException notJson) {
            return List.of();
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
