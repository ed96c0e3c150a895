package dev.leadconnector.management;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.jolokia.server.core.restrictor.AllowAllRestrictor;
import org.jolokia.server.core.util.RequestType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jolokia's access policy for the two roles (set as Jolokia's {@code restrictorClass}). Hawtio
 * talks to the JVM only through Jolokia, so this is where "the viewer cannot stop a route" is
 * decided: an operator may do anything; a viewer may list, search and read (but not the JVM's
 * command line and system properties, which hold whatever was passed as an argument), and call
 * only the operations {@link #VIEWER_OPERATIONS} names, by MBean and exact signature.
 * <p>
 * The list is what Hawtio's views call to show a viewer the routes, their diagrams and source, the
 * endpoints' statistics, health and threads ({@code HawtioBrowserTest} records what they call and
 * fails on anything refused that is not named in {@code docs/operations.md}). No operation on it
 * takes a URI, an expression, a class name or a file name: such an operation makes Camel create an
 * endpoint or resolve {@code {{placeholders}}} (a secret, once resolved, shows in the endpoint
 * registry), construct an object or write a file. Everything else, including operations added
 * later by a new Camel or Hawtio, is the operator's. No page of another origin may read Jolokia's
 * answers (no CORS headers for any origin).
 */
public class OperatorOnlyRestrictor extends AllowAllRestrictor {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorOnlyRestrictor.class);

    /** The operations, by exact signature, that a viewer may call on the MBeans an {@link ObjectName} pattern names. */
    record Allowed(ObjectName mbeans, Set<String> operations) {
        Allowed(String mbeans, String... operations) {
            this(objectName(mbeans), Set.of(operations));
        }

        boolean allows(ObjectName name, String signature) {
            return mbeans.apply(name) && operations.contains(signature);
        }
    }

    /** What Hawtio's views call for a viewer; nothing here creates, resolves, constructs or writes anything. */
    static final List<Allowed> VIEWER_OPERATIONS = List.of(
            // the routes' source (placeholders unresolved) and the diagrams' counters
            new Allowed("org.apache.camel:type=context,*", "dumpRoutesAsXml()", "dumpRoutesStatsAsXml(boolean,boolean)"),
            new Allowed("org.apache.camel:type=routes,*", "dumpRouteAsXml()", "dumpRouteStatsAsXml(boolean,boolean)",
                    "isUpdateRouteEnabled()"),
            // the endpoints, REST services, in-flight and blocked exchanges tabs (ids and durations, no message)
            new Allowed("org.apache.camel:type=services,name=DefaultRuntimeEndpointRegistry,*", "endpointStatistics()"),
            new Allowed("org.apache.camel:type=services,name=DefaultInflightRepository,*", "browse()"),
            new Allowed("org.apache.camel:type=services,name=DefaultAsyncProcessorAwaitManager,*", "browse()"),
            new Allowed("org.apache.camel:type=services,name=DefaultRestRegistry,*", "listRestServices()"),
            // Hawtio's "may I?" questions and its JMX tree (about MBean names, which it gets from list anyway)
            new Allowed("hawtio:type=security,*", "canInvoke(java.lang.String)", "canInvoke(java.util.Map)",
                    "canInvoke(java.lang.String,java.lang.String,[Ljava.lang.String;)", "list()", "list(java.lang.String)"),
            // the actuator endpoints' reads (health, info, a lead's journey, the dead-letter list)
            new Allowed("org.springframework.boot:type=Endpoint,name=Health", "health()", "healthForPath([Ljava.lang.String;)"),
            new Allowed("org.springframework.boot:type=Endpoint,name=Info", "info()"),
            new Allowed("org.springframework.boot:type=Endpoint,name=Leads", "getJourney(java.lang.String)",
                    "listLeads(java.lang.String)"),
            new Allowed("org.springframework.boot:type=Endpoint,name=Deadletters",
                    "list(java.lang.String,java.lang.String,java.lang.String,java.lang.Integer,java.lang.String)"),
            // the threads view
            new Allowed("java.lang:type=Threading", "dumpAllThreads(boolean,boolean)", "findDeadlockedThreads()",
                    "findMonitorDeadlockedThreads()"));

    /** Attributes a viewer may not read: the command line and system properties carry arguments as given. */
    static final ObjectName RUNTIME = objectName("java.lang:type=Runtime");
    static final Set<String> RUNTIME_SECRETS = Set.of("SystemProperties", "InputArguments");

    private final MBeanServer mbeans;

    public OperatorOnlyRestrictor() {
        this(ManagementFactory.getPlatformMBeanServer());
    }

    OperatorOnlyRestrictor(MBeanServer mbeans) {
        this.mbeans = mbeans;
    }

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
        boolean allowed = viewerMayCall(name, operation);
        LOG.debug("A viewer {} call {} on {}", allowed ? "may" : "may not", operation, name);
        return allowed;
    }

    /**
     * "dumpAllThreads(boolean, boolean)" is matched without its spaces; a bare name (Jolokia then
     * calls the one operation of that name) only when every operation of that name is allowed.
     */
    boolean viewerMayCall(ObjectName name, String operation) {
        if (name.isPattern()) {
            return false;
        }
        String given = operation.replaceAll("\\s", "");
        List<String> signatures = given.contains("(") ? List.of(given) : signaturesOf(name, given);
        return !signatures.isEmpty() && signatures.stream()
                .allMatch(signature -> VIEWER_OPERATIONS.stream().anyMatch(allowed -> allowed.allows(name, signature)));
    }

    private List<String> signaturesOf(ObjectName name, String operation) {
        try {
            return Arrays.stream(mbeans.getMBeanInfo(name).getOperations())
                    .filter(info -> info.getName().equals(operation))
                    .map(OperatorOnlyRestrictor::signature)
                    .toList();
        } catch (JMException | RuntimeException notThere) {
            return List.of();
        }
    }

    /** An operation as Jolokia names it: {@code name(type,type)}. */
    static String signature(MBeanOperationInfo operation) {
        return operation.getName() + Stream.of(operation.getSignature()).map(MBeanParameterInfo::getType)
                .collect(Collectors.joining(",", "(", ")"));
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
