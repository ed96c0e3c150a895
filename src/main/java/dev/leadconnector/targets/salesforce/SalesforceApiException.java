package dev.leadconnector.targets.salesforce;

import dev.leadconnector.targets.crm.CrmException;
import java.util.List;

/**
 * Salesforce answered a call with an error: the HTTP status and Salesforce's own error code, message
 * and fields ({@code [{"message","errorCode","fields"}]}), so the dead-letter envelope says what
 * Salesforce said, e.g. {@code Salesforce answered 400: FIELD_CUSTOM_VALIDATION_EXCEPTION: Country
 * must be an ISO code [Country]}. A retry policy can tell errors that may pass later
 * ({@link #isRetryable()}) from a Lead Salesforce refuses. A {@link CrmException}, as every CRM's errors are.
 */
public class SalesforceApiException extends CrmException {

    /** One entry of Salesforce's error array. */
    public record Error(String errorCode, String message, List<String> fields) {

        @Override
        public String toString() {
            return errorCode + ": " + message + (fields == null || fields.isEmpty() ? "" : " " + fields);
        }
    }

    private final transient List<Error> errors;

    public SalesforceApiException(int statusCode, List<Error> errors, Throwable cause) {
        this("Salesforce answered " + statusCode, statusCode, errors, cause, false);
    }

    SalesforceApiException(String what, int statusCode, List<Error> errors, Throwable cause, boolean quotaUsedUp) {
        super(what + (errors.isEmpty() ? "" : ": " + String.join("; ", errors.stream().map(Error::toString).toList())),
                statusCode, null, cause, quotaUsedUp ? Boolean.FALSE : statusCode < 500, quotaUsedUp);
        this.errors = List.copyOf(errors);
    }

    /**
     * One record of an sObject Collections call refused (the call itself answered 200): the record's
     * own errors, as a 400, since the same Lead would be refused again.
     */
    public static SalesforceApiException refused(List<Error> errors) {
        return new SalesforceApiException("Salesforce refused the Lead", 400, errors, null, false);
    }

    public int getStatusCode() {
        return status();
    }

    public List<Error> getErrors() {
        return errors;
    }

    /** The first error's code, e.g. REQUIRED_FIELD_MISSING, or null. */
    public String getErrorCode() {
        return errors.isEmpty() ? null : errors.get(0).errorCode();
    }

    /** True when the same call may succeed later: Salesforce is down, or the org's API limit is used up. */
    public boolean isRetryable() {
        return !isPermanent();
    }
}
