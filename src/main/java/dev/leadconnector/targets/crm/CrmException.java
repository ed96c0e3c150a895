package dev.leadconnector.targets.crm;

/**
 * A CRM refused a lead or could not be reached: the message names the target and carries the CRM's
 * own error text, so the dead-letter envelope says what to fix. Never holds a secret or personal data
 * beyond what the CRM itself answered.
 */
public class CrmException extends RuntimeException {

    public CrmException(String message) {
        super(message);
    }

    public CrmException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code <target> answered <status>: <the CRM's text>} */
    public static CrmException answered(String target, int status, String text) {
        return new CrmException(target + " answered " + status + ": " + text);
    }
}
