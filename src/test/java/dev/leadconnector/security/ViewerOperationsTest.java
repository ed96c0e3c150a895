package dev.leadconnector.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.jolokia.server.core.restrictor.AllowAllRestrictor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 25, item 1: a viewer watches and cannot make the connector create, resolve or construct
 * anything. The attack of the issue (an endpoint created from a URI whose placeholder names a
 * secret, then read back from the endpoint registry), then every operation the policy lets a viewer
 * call on the running connector's MBeans, each called through Jolokia with hostile arguments.
 */
class ViewerOperationsTest {

    static final String TOKEN = "intake-token-a41f09c3";
    static final String HOOK_KEY = "function-key-6b0e2d77";
    static final String HMAC = "hmac-secret-90c1f5e2";
    static final String CONTEXT = "org.apache.camel:context=lead-connector,type=context,name=\"lead-connector\"";
    static final String REGISTRY = "org.apache.camel:context=lead-connector,type=services,name=DefaultEndpointRegistry";
    /** A system property of this JVM, as a secret passed with -D would be. */
    static final String SENTINEL = "system-property-secret-4d27aa";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    static RunningConnector connector;
    static ManagementClient viewer;
    static ManagementClient operator;

    @BeforeAll
    static void start() {
        System.setProperty("viewer-test.secret", SENTINEL);
        connector = RunningConnector.start(dataDir,
                "leads.intake.token=" + TOKEN,
                "leads.targets.https.enabled=true",
                "leads.targets.https.url=http://127.0.0.1:9/hook",
                "leads.targets.https.headers.x-functions-key=" + HOOK_KEY,
                "leads.targets.https.hmac-secret=" + HMAC);
        viewer = ManagementClient.viewer(connector);
        operator = ManagementClient.operator(connector);
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
        System.clearProperty("viewer-test.secret");
    }

    /** Secrets and the hostile file paths a viewer's call must never bring to light or to disk. */
    static List<String> secrets() {
        return List.of(TOKEN, HOOK_KEY, HMAC, ManagementClient.OPERATOR_PASSWORD, ManagementClient.VIEWER_PASSWORD,
                SENTINEL);
    }

    static List<String> hostileTexts() {
        Path made = dataDir.resolve("viewer-made");
        return List.of(
                "direct:{{leads.intake.token}}",
                "{{leads.management.operator.password}}",
                "log:x?level={{leads.targets.https.hmac-secret}}",
                "direct:{{sys:viewer-test.secret}}",
                "direct:{{env:HOME}}",
                "file:" + made + "?fileName={{leads.targets.https.headers.x-functions-key}}",
                "direct:x?exchangePattern=#class:java.io.FileOutputStream('" + made + "-class')",
                "#class:java.io.File('" + made + "-bean')",
                "${bean:java.lang.System?method=getenv}",
                made + "-path.xml",
                "../../" + made.getFileName() + "-relative");
    }

    @Test
    void theIssuesAttackIsRefusedAndResolvesNothing() {
        ObjectNode canSend = exec(CONTEXT, "canSendToEndpoint(java.lang.String)", "direct:{{leads.intake.token}}");
        assertThat(viewer.jolokia(canSend).path("status").asInt()).isEqualTo(403);
        assertThat(viewer.jolokia(exec(REGISTRY, "listEndpoints()")).path("status").asInt()).isEqualTo(403);
        // the operator lists the endpoints: the viewer made none, so no token shows among them
        assertThat(operator.jolokia(exec(REGISTRY, "listEndpoints()")).toString()).doesNotContain(TOKEN);
        assertThat(endpointUris()).noneMatch(uri -> uri.contains(TOKEN));
    }

    @Test
    void everyOperationAViewerMayCallIsHarmlessWithHostileArguments() throws JMException, IOException {
        List<Operation> allowed = operationsAViewerMayCall();
        assertThat(allowed).as("what Hawtio needs is there")
                .anyMatch(op -> op.signature().equals("dumpRouteAsXml()"))
                .anyMatch(op -> op.signature().equals("dumpAllThreads(boolean,boolean)"));
        Set<String> endpointsBefore = endpointUris();
        Set<ObjectName> endpointMBeansBefore = endpointMBeans();

        // kept as build output, for the allow-list's review
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target/viewer-callable-operations.txt"),
                allowed.stream().map(op -> op.signature() + " on " + op.mbean()).sorted().toList());
        List<String> answers = new ArrayList<>();
        for (Operation operation : allowed) {
            for (String hostile : operation.takesText() ? hostileTexts() : List.of("")) {
                ObjectNode request = JSON.createObjectNode().put("type", "exec")
                        .put("mbean", operation.mbean().toString()).put("operation", operation.signature());
                ArrayNode arguments = request.putArray("arguments");
                for (String type : operation.parameterTypes()) {
                    arguments.add(argument(type, hostile));
                }
                // an argument the operation cannot take is a 400; a refusal would be a 403
                String answer = viewer.post("/actuator/jolokia", request.toString()).body();
                assertThat(RunningConnector.json(answer).path("status").asInt()).as(request.toString()).isNotEqualTo(403);
                answers.add(answer);
            }
        }
        // everything a viewer can read afterwards
        answers.add(viewer.post("/actuator/jolokia", "{\"type\":\"list\"}").body());
        answers.add(viewer.post("/actuator/jolokia", "{\"type\":\"read\",\"mbean\":\"*:*\",\"config\":{\"ignoreErrors\":true}}").body());
        answers.add(viewer.post("/actuator/jolokia", "{\"type\":\"search\",\"mbean\":\"*:*\"}").body());
        for (String answer : answers) {
            for (String secret : secrets()) {
                // not the answer itself in the message: it may be megabytes
                assertThat(answer.contains(secret)).as(secret + " in " + answer.substring(0, Math.min(300, answer.length())))
                        .isFalse();
            }
        }
        assertThat(endpointUris()).as("no endpoint created").isEqualTo(endpointsBefore);
        assertThat(endpointMBeans()).as("no endpoint registered in JMX").isEqualTo(endpointMBeansBefore);
        for (Path folder : List.of(dataDir, Path.of("").toAbsolutePath(), Path.of(System.getProperty("java.io.tmpdir")))) {
            try (Stream<Path> files = Files.list(folder)) {
                assertThat(files.map(file -> file.getFileName().toString())).as("files in " + folder)
                        .noneMatch(name -> name.startsWith("viewer-made"));
            }
        }
    }

    /** Every (MBean, operation) of the running JVM that the policy lets a viewer call. */
    private static List<Operation> operationsAViewerMayCall() throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        AllowAllRestrictor policy = new dev.leadconnector.management.OperatorOnlyRestrictor();
        List<Operation> allowed = new ArrayList<>();
        for (ObjectName name : server.queryNames(null, null)) {
            // the connector of this test, not another test's context still alive in this JVM
            if (name.getDomain().equals("org.apache.camel") && !"lead-connector".equals(name.getKeyProperty("context"))) {
                continue;
            }
            for (MBeanOperationInfo info : server.getMBeanInfo(name).getOperations()) {
                List<String> types = Stream.of(info.getSignature()).map(MBeanParameterInfo::getType).toList();
                String signature = info.getName() + types.stream().collect(Collectors.joining(",", "(", ")"));
                // no login on this thread: the policy answers as for a viewer
                if (policy.isOperationAllowed(name, signature) || policy.isOperationAllowed(name, info.getName())) {
                    allowed.add(new Operation(name, signature, types));
                }
            }
        }
        return allowed;
    }

    record Operation(ObjectName mbean, String signature, List<String> parameterTypes) {
        boolean takesText() {
            return parameterTypes.stream().anyMatch(type -> !type.equals("boolean") && !type.equals("int")
                    && !type.equals("long"));
        }
    }

    private static JsonNode argument(String type, String hostile) {
        return switch (type) {
            case "boolean", "java.lang.Boolean" -> JSON.getNodeFactory().booleanNode(true);
            case "int", "long", "java.lang.Integer", "java.lang.Long" -> JSON.getNodeFactory().numberNode(1);
            case "[Ljava.lang.String;" -> JSON.createArrayNode().add(hostile);
            case "java.util.Map" -> JSON.createObjectNode().put(hostile, hostile);
            default -> JSON.getNodeFactory().textNode(hostile);
        };
    }

    private static ObjectNode exec(String mbean, String operation, String... arguments) {
        ObjectNode request = JSON.createObjectNode().put("type", "exec").put("mbean", mbean).put("operation", operation);
        ArrayNode args = request.putArray("arguments");
        for (String argument : arguments) {
            args.add(argument);
        }
        return request;
    }

    private static Set<String> endpointUris() {
        return connector.context().getBean(CamelContext.class).getEndpoints().stream()
                .map(Endpoint::getEndpointUri).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<ObjectName> endpointMBeans() throws JMException {
        return new TreeSet<>(ManagementFactory.getPlatformMBeanServer()
                .queryNames(new ObjectName("org.apache.camel:context=lead-connector,type=endpoints,*"), null));
    }
}
