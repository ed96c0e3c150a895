package dev.leadconnector.targets.salesforce;

import java.io.IOException;

/** No answer from Salesforce (refused, timed out, DNS): worth trying again later. */
public class SalesforceUnreachableException extends IOException {

    public SalesforceUnreachableException(String reason, Throwable cause) {
        super("Salesforce did not answer: " + reason, cause);
    }
}
