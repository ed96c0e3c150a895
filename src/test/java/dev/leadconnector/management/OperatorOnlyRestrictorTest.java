package dev.leadconnector.management;

import static org.assertj.core.api.Assertions.assertThat;

import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * The viewer's side of the Jolokia policy, operation by operation, for the MBeans that exist only
 * when someone turns tracing or debugging on (SecurityTest attacks the running connector, where they
 * are absent): a viewer reads no message through them.
 */
class OperatorOnlyRestrictorTest {

    private final OperatorOnlyRestrictor restrictor = new OperatorOnlyRestrictor();

    @Test
    void aViewerReadsNoMessageThroughTheTracerOrTheDebugger() throws Exception {
        ObjectName tracer = new ObjectName("org.apache.camel:context=lead-connector,type=tracer,name=BacklogTracer");
        ObjectName debugger = new ObjectName("org.apache.camel:context=lead-connector,type=tracer,name=BacklogDebugger");
        for (String operation : new String[] {"dumpTracedMessagesAsXml(java.lang.String)", "dumpAllTracedMessagesAsJSon()",
                "dumpLatestMessageHistoryAsXml()", "dumpLatestMessageHistoryAsJSon()"}) {
            assertThat(restrictor.isOperationAllowed(tracer, operation)).as(operation).isFalse();
        }
        for (String operation : new String[] {"getMessageBodyOnBreakpoint(java.lang.String)",
                "dumpTracedMessagesAsXml(java.lang.String)", "getMessageHeadersOnBreakpointAsJSon(java.lang.String)"}) {
            assertThat(restrictor.isOperationAllowed(debugger, operation)).as(operation).isFalse();
        }
    }

    @Test
    void aViewerGetsTheReportsHawtioShowsButNoFileWrittenNorAnyJvmOperation() throws Exception {
        ObjectName route = new ObjectName("org.apache.camel:context=lead-connector,type=routes,name=\"deliver-archive\"");
        ObjectName context = new ObjectName("org.apache.camel:context=lead-connector,type=context,name=\"lead-connector\"");
        assertThat(restrictor.isOperationAllowed(route, "dumpRouteAsXml()")).isTrue();
        assertThat(restrictor.isOperationAllowed(route, "dumpRouteStatsAsXml(boolean,boolean)")).isTrue();
        assertThat(restrictor.isOperationAllowed(route, "stop()")).isFalse();
        assertThat(restrictor.isOperationAllowed(route, "reset()")).isFalse();
        assertThat(restrictor.isOperationAllowed(context, "dumpRoutes()")).isFalse();
        assertThat(restrictor.isOperationAllowed(context, "sendBody(java.lang.String,java.lang.Object)")).isFalse();
        assertThat(restrictor.isOperationAllowed(new ObjectName("com.sun.management:type=HotSpotDiagnostic"),
                "dumpHeap(java.lang.String,boolean)")).isFalse();
    }
}
