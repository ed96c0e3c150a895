package dev.leadconnector.management;

import static org.assertj.core.api.Assertions.assertThat;

import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * The viewer's side of the Jolokia policy, operation by operation, for MBeans and signatures the
 * running connector may not have (ViewerOperationsTest attacks the running connector): the tracer's
 * and debugger's, and the overloads that resolve placeholders or take a URI, a class or a file.
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
    void aViewerGetsTheReportsHawtioShowsButNothingThatResolvesCreatesOrWrites() throws Exception {
        ObjectName route = new ObjectName("org.apache.camel:context=lead-connector,type=routes,name=\"deliver-archive\"");
        ObjectName context = new ObjectName("org.apache.camel:context=lead-connector,type=context,name=\"lead-connector\"");
        assertThat(restrictor.isOperationAllowed(route, "dumpRouteAsXml()")).isTrue();
        assertThat(restrictor.isOperationAllowed(route, "dumpRouteStatsAsXml(boolean, boolean)")).isTrue();
        assertThat(restrictor.isOperationAllowed(context, "dumpRoutesAsXml()")).isTrue();
        // the overloads that resolve placeholders, and every operation that takes a URI
        assertThat(restrictor.isOperationAllowed(route, "dumpRouteAsXml(boolean)")).isFalse();
        assertThat(restrictor.isOperationAllowed(context, "dumpRoutesAsXml(boolean)")).isFalse();
        assertThat(restrictor.isOperationAllowed(context, "dumpRoutesAsXml(boolean,boolean)")).isFalse();
        assertThat(restrictor.isOperationAllowed(context, "canSendToEndpoint(java.lang.String)")).isFalse();
        assertThat(restrictor.isOperationAllowed(context, "createEndpoint(java.lang.String)")).isFalse();
        assertThat(restrictor.isOperationAllowed(context, "explainEndpointJson(java.lang.String,boolean)")).isFalse();
        assertThat(restrictor.isOperationAllowed(route, "stop()")).isFalse();
        assertThat(restrictor.isOperationAllowed(route, "reset()")).isFalse();
        assertThat(restrictor.isOperationAllowed(context, "dumpRoutes()")).isFalse();
        assertThat(restrictor.isOperationAllowed(context, "sendBody(java.lang.String,java.lang.Object)")).isFalse();
        assertThat(restrictor.isOperationAllowed(new ObjectName("org.apache.camel:context=lead-connector,"
                + "type=services,name=DefaultEndpointRegistry"), "listEndpoints()")).isFalse();
        assertThat(restrictor.isOperationAllowed(new ObjectName("com.sun.management:type=HotSpotDiagnostic"),
                "dumpHeap(java.lang.String,boolean)")).isFalse();
        // a pattern names no one MBean, and a bare name of an MBean that is not there is nobody's to call
        assertThat(restrictor.isOperationAllowed(new ObjectName("org.apache.camel:type=routes,*"), "dumpRouteAsXml()")).isFalse();
        assertThat(restrictor.isOperationAllowed(route, "dumpRouteAsXml")).isFalse();
    }
}
