package dev.leadconnector.targets.salesforce;

import java.util.List;

/**
 * The org has used up its daily API requests (403 REQUEST_LIMIT_EXCEEDED): every call fails until
 * the rolling 24-hour window frees some, so the lead must be retried later, not parked for good.
 */
public class SalesforceRequestLimitException extends SalesforceApiException {

    public static final String ERROR_CODE = "REQUEST_LIMIT_EXCEEDED";

    public SalesforceRequestLimitException(int statusCode, List<Error> errors, Throwable cause) {
        super("Salesforce answered " + statusCode, statusCode, errors, cause, true);
    }
}
