package dev.leadconnector.management;

import io.hawt.jmx.JMXSecurity;
import io.hawt.jmx.JMXSecurityMBean;
import jakarta.annotation.PreDestroy;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.TabularData;
import javax.management.openmbean.TabularDataSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Hawtio's "may I?" ({@code hawtio:type=security,area=jmx}) answered as {@link OperatorOnlyRestrictor} will
 * answer the call itself, so a viewer's Hawtio shows no Stop, Suspend or Remove button it would only be
 * refused. Hawtio registers a stand-in that says yes to everything (its RBAC is Karaf's); this one takes its
 * name once the connector is up. It only answers questions: what may be called is still decided by the
 * restrictor, at each call.
 */
@Component
public class RoleAwareJmxSecurity extends JMXSecurity {

    private static final Logger LOG = LoggerFactory.getLogger(RoleAwareJmxSecurity.class);
    /** The name Hawtio's stand-in takes, where Hawtio's pages look for it. */
    static final String NAME = "hawtio:type=security,area=jmx,name=HawtioDummyJMXSecurity";

    /** The instance holding the name in this JVM's MBean server. */
    private static RoleAwareJmxSecurity registered;

    private final OperatorOnlyRestrictor rules;
    private final MBeanServer mbeans;

    public RoleAwareJmxSecurity() {
        this(ManagementFactory.getPlatformMBeanServer());
    }

    RoleAwareJmxSecurity(MBeanServer mbeans) {
        this.mbeans = mbeans;
        this.rules = new OperatorOnlyRestrictor(mbeans);
    }

    /** In place of Hawtio's stand-in, which its servlet listener registered as the management port started. */
    @EventListener(ApplicationReadyEvent.class)
    public void replaceHawtiosStandIn() {
        try {
            ObjectName name = new ObjectName(NAME);
            synchronized (RoleAwareJmxSecurity.class) {
                if (mbeans.isRegistered(name)) {
                    mbeans.unregisterMBean(name);
                }
                mbeans.registerMBean(this, name);
                registered = this;
            }
        } catch (JMException e) {
            // Hawtio then shows buttons a viewer is refused, as before: the restrictor still decides
            LOG.warn("Hawtio's operation check could not be replaced: {}", e.toString());
        }
    }

    /**
     * Gone with its application, unless another one in the JVM (tests start several) took the name since.
     * (Hawtio's own listener, stopping, removes whatever holds the name: then its pages ask nothing and show
     * every button, as before; the restrictor still decides.)
     */
    @PreDestroy
    public void remove() {
        synchronized (RoleAwareJmxSecurity.class) {
            if (registered != this) {
                return;
            }
            registered = null;
            try {
                mbeans.unregisterMBean(new ObjectName(NAME));
            } catch (JMException gone) {
                // removed already (by Hawtio's listener)
            }
        }
    }

    @Override
    protected String getDefaultObjectName() {
        return NAME;
    }

    /** Whether the current user may call some operation of the MBean (an operator: any). */
    @Override
    public boolean canInvoke(String objectName) {
        if (ManagementRoles.currentUserIsOperator()) {
            return true;
        }
        ObjectName name = name(objectName);
        return name != null && OperatorOnlyRestrictor.VIEWER_OPERATIONS.stream().anyMatch(allowed -> allowed.mbeans().apply(name));
    }

    /** {@code method}: a name alone (every operation of that name) or {@code name(type,type)}. */
    @Override
    public boolean canInvoke(String objectName, String method) {
        if (ManagementRoles.currentUserIsOperator()) {
            return true;
        }
        ObjectName name = name(objectName);
        return name != null && rules.viewerMayCall(name, method);
    }

    @Override
    public boolean canInvoke(String objectName, String methodName, String[] argumentTypes) {
        return canInvoke(objectName, methodName + "(" + String.join(",", argumentTypes) + ")");
    }

    /** What Hawtio's pages ask: per MBean, the listed operations (none listed: the MBean as a whole). */
    @Override
    public TabularData canInvoke(Map<String, List<String>> bulkQuery) throws OpenDataException {
        TabularData answers = new TabularDataSupport(JMXSecurityMBean.CAN_INVOKE_TABULAR_TYPE);
        for (Map.Entry<String, List<String>> query : bulkQuery.entrySet()) {
            if (query.getValue().isEmpty()) {
                answers.put(row(query.getKey(), "", canInvoke(query.getKey())));
            }
            for (String method : query.getValue()) {
                answers.put(row(query.getKey(), method, canInvoke(query.getKey(), method)));
            }
        }
        return answers;
    }

    private static CompositeDataSupport row(String objectName, String method, boolean canInvoke) throws OpenDataException {
        return new CompositeDataSupport(JMXSecurityMBean.CAN_INVOKE_RESULT_ROW_TYPE, JMXSecurityMBean.CAN_INVOKE_RESULT_COLUMNS,
                new Object[] {objectName, method, canInvoke});
    }

    private static ObjectName name(String objectName) {
        try {
            return new ObjectName(objectName);
        } catch (MalformedObjectNameException notAName) {
            return null;
        }
    }
}
