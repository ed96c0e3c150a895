package dev.leadconnector.management;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.jolokia.server.core.restrictor.AllowAllRestrictor;
import org.jolokia.server.core.util.RequestType;

/**
 * Jolokia's access policy for the two roles (set as Jolokia's {@code restrictorClass}). Hawtio
 * talks to the JVM only through Jolokia, so this is where "the viewer cannot stop a route" is
 * decided: an operator may do anything; a viewer may list, search and read (but not the JVM's
 * command line and system properties, which hold whatever was passed as an argument), and call
 * only the operations {@link #VIEWER_OPERATIONS} names, MBean by MBean: the reports Hawtio shows
 * for Camel routes, the thread dump, Hawtio's own look-ups. Browsing or tracing messages (they hold
 * personal data), stopping, starting, suspending, removing or updating routes, resetting counters,
 * sending messages, replaying dead letters and every JVM operation ({@code com.sun.management},
 * {@code jdk.*}: heap dumps, flight recordings, diagnostic commands) are refused for a viewer,
 * including operations added later that nobody listed here.
 * No page of another origin may read Jolokia's answers (no CORS headers for any origin).
 */
public class OperatorOnlyRestrictor extends AllowAllRestrictor {

    /** Which operations of which MBeans (an {@link ObjectName} pattern) a viewer may call. */
    record Allowed(ObjectName mbeans, Pattern operations) {
        Allowed(String mbeans, String operations) {
            this(objectName(mbeans), Pattern.compile(operations));
        }

        boolean allows(ObjectName name, String operation) {
            return mbeans.apply(name) && operations.matcher(operation).matches();
        }
    }

    /** Everything else changes something, reveals a message, or touches the JVM: operator only. */
    static final List<Allowed> VIEWER_OPERATIONS = List.of(
            // Camel's reports (route source and statistics, diagrams), never dumpRoutes (which writes
            // files) nor anything that shows a message (the tracer's and the debugger's "Message" operations)
            new Allowed("org.apache.camel:*",
                    "(?!dumpRoutes$|\\w*Message)(dump|get|is|has|list|find|explain)[A-Z]\\w*"
                            + "|componentNames|canSendToEndpoint|endpointStatistics|createRouteStaticEndpointJson"),
            // Hawtio's JMX tree and its "may I?" questions
            new Allowed("hawtio:type=security,*", "list|canInvoke"),
            new Allowed("hawtio:type=TreeWatcher", "getCounter"),
            // the actuator endpoints' reads (health, the dead-letter list, a lead's journey)
            new Allowed("org.springframework.boot:type=Endpoint,*", "health|healthForPath|list"),
            new Allowed("org.springframework.boot:type=Endpoint,name=Leads", "getJourney|listLeads"),
            new Allowed("java.lang:type=Threading",
                    "dumpAllThreads|getThreadInfo|findDeadlockedThreads|findMonitorDeadlockedThreads"));

    /** Attributes a viewer may not read: the command line and system properties carry arguments as given. */
    static final ObjectName RUNTIME = objectName("java.lang:type=Runtime");
    static final Set<String> RUNTIME_SECRETS = Set.of("SystemProperties", "InputArguments");

    @Override
    public boolean isTypeAllowed(RequestType type) {
        return type != RequestType.WRITE || ManagementRoles.currentUserIsOperator();
    }

    @Override
    public boolean isAttributeReadAllowed(ObjectName name, String attribute) {
        return ManagementRoles.currentUserIsOperator() || !(RUNTIME.apply(name) && RUNTIME_SECRETS.contains(attribute));
    }

    @Override
    public boolean isAttributeWriteAllowed(ObjectName name, String attribute) {
        return ManagementRoles.currentUserIsOperator();
    }

    @Override
    public boolean isOperationAllowed(ObjectName name, String operation) {
        if (ManagementRoles.currentUserIsOperator()) {
            return true;
        }
        // "dumpAllThreads(boolean,boolean)": the name without its signature
        String bare = operation.contains("(") ? operation.substring(0, operation.indexOf('(')).strip() : operation.strip();
        return VIEWER_OPERATIONS.stream().anyMatch(allowed -> allowed.allows(name, bare));
    }

    /**
     * Jolokia asks twice: with {@code strict=false} whether to send CORS headers (never: Hawtio is
     * served from the same origin and needs none), with {@code strict=true} whether to refuse the
     * request (no: a same-origin browser sends its Origin too; CSRF tokens guard writes).
     */
    @Override
    public boolean isOriginAllowed(String origin, boolean strict) {
        return strict;
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}
