package dev.leadconnector.management;

import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.jolokia.server.core.restrictor.AllowAllRestrictor;
import org.jolokia.server.core.util.RequestType;

/**
 * Jolokia's access policy for the two roles (set as Jolokia's {@code restrictorClass}). Hawtio
 * talks to the JVM only through Jolokia, so this is where "the viewer cannot stop a route" is
 * decided: an operator may do anything; a viewer may list, search and read, and call only
 * operations that only report (dump..., get..., is..., list..., ...). Browsing messages (they
 * hold personal data), stopping, starting,
 * suspending, removing or updating routes, resetting counters, sending messages and replaying dead
 * letters are all refused for a viewer, including operations added later that nobody listed here.
 */
public class OperatorOnlyRestrictor extends AllowAllRestrictor {

    /** Operations that only report. Anything else changes something and needs an operator. */
    static final Pattern READ_ONLY_OPERATION = Pattern.compile(
            "(dump|get|is|has|list|find|explain|createRouteStaticEndpointJson)([A-Z(].*)?");

    @Override
    public boolean isTypeAllowed(RequestType type) {
        return type != RequestType.WRITE || ManagementRoles.currentUserIsOperator();
    }

    @Override
    public boolean isAttributeWriteAllowed(ObjectName name, String attribute) {
        return ManagementRoles.currentUserIsOperator();
    }

    @Override
    public boolean isOperationAllowed(ObjectName name, String operation) {
        return ManagementRoles.currentUserIsOperator() || READ_ONLY_OPERATION.matcher(operation).matches();
    }
}
