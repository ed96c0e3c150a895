package dev.leadconnector.targets.salesforce;

import dev.leadconnector.targets.crm.CrmException;

/** No answer from Salesforce (refused, timed out, DNS): worth trying again later. */
public class SalesforceUnreachableException extends CrmException {

    public SalesforceUnreachableException(String reason, Throwable cause) {
        super("Salesforce did not answer: " + reason, cause);
    }
}
