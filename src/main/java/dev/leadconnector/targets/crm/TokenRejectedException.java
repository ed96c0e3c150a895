package dev.leadconnector.targets.crm;

/** The CRM rejected the cached access token (expired or revoked): fetch a new one and call again. */
public class TokenRejectedException extends CrmException {

    public TokenRejectedException(String message) {
        super(message);
    }
}
