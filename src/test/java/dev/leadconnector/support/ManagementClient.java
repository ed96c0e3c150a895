package dev.leadconnector.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Calls the management port of a {@link RunningConnector} as a given login (or none). */
public final class ManagementClient {

    public static final String VIEWER = "watcher";
    public static final String VIEWER_PASSWORD = "viewer-test-password";
    public static final String OPERATOR = "ops";
    public static final String OPERATOR_PASSWORD = "operator-test-password";

    /** The settings that give the connector these two logins. */
    public static final String[] LOGINS = {
            "leads.management.viewer.username=" + VIEWER, "leads.management.viewer.password=" + VIEWER_PASSWORD,
            "leads.management.operator.username=" + OPERATOR, "leads.management.operator.password=" + OPERATOR_PASSWORD};

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunningConnector connector;
    private final String authorization;

    private ManagementClient(RunningConnector connector, String user, String password) {
        this.connector = connector;
        this.authorization = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public static ManagementClient anonymous(RunningConnector connector) {
        return new ManagementClient(connector, null, null);
    }

    public static ManagementClient viewer(RunningConnector connector) {
        return new ManagementClient(connector, VIEWER, VIEWER_PASSWORD);
    }

    public static ManagementClient operator(RunningConnector connector) {
        return new ManagementClient(connector, OPERATOR, OPERATOR_PASSWORD);
    }

    public static ManagementClient as(RunningConnector connector, String user, String password) {
        return new ManagementClient(connector, user, password);
    }

    public HttpResponse<String> get(String path) {
        return connector.send(request(path).GET());
    }

    public HttpResponse<String> post(String path, String json) {
        return connector.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A POST without a body, as an actuator operation without parameters takes. */
    public HttpResponse<String> post(String path) {
        return connector.send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** A Jolokia request (read, exec, search...) as JSON; answers Jolokia's JSON response. */
    public JsonNode jolokia(ObjectNode request) {
        HttpResponse<String> response = post("/actuator/jolokia", request.toString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Jolokia answered HTTP " + response.statusCode() + ": " + response.body());
        }
        return RunningConnector.json(response.body());
    }

    /** Runs a JMX operation on a Camel route's MBean through Jolokia. */
    public JsonNode execOnRoute(String routeId, String operation) {
        return jolokia(JSON.createObjectNode().put("type", "exec")
                .put("mbean", "org.apache.camel:context=lead-connector,type=routes,name=\"" + routeId + "\"")
                .put("operation", operation));
    }

    /** Reads an attribute of a Camel route's MBean through Jolokia. */
    public JsonNode readRoute(String routeId, String attribute) {
        return jolokia(JSON.createObjectNode().put("type", "read")
                .put("mbean", "org.apache.camel:context=lead-connector,type=routes,name=\"" + routeId + "\"")
                .put("attribute", attribute));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(connector.managementUri(path));
        return authorization == null ? request : request.header("Authorization", authorization);
    }
}
