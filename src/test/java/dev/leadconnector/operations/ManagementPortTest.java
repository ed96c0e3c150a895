package dev.leadconnector.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagementPortTest {

    @TempDir
    static Path dataDir;
    static RunningConnector connector;

    @BeforeAll
    static void start() {
        connector = RunningConnector.start(dataDir, ManagementClient.LOGINS);
    }

    @AfterAll
    static void stop() {
        connector.close();
    }

    @Test
    void smoke() {
        var anon = ManagementClient.anonymous(connector);
        var viewer = ManagementClient.viewer(connector);
        var operator = ManagementClient.operator(connector);
        for (String p : new String[] {"/actuator/health", "/actuator/health/readiness", "/actuator/prometheus", "/actuator/hawtio/", "/actuator/loggers"}) {
            System.out.println("ANON " + p + " " + anon.get(p).statusCode() + " " + anon.get(p).headers().map());
            var v = viewer.get(p);
            System.out.println("VIEWER " + p + " " + v.statusCode() + " " + v.body().substring(0, Math.min(600, v.body().length())));
        }
        System.out.println(viewer.readRoute("lead-dispatch", "State"));
        System.out.println(viewer.execOnRoute("lead-dispatch", "stop()"));
        System.out.println(viewer.execOnRoute("lead-dispatch", "dumpRouteAsXml()"));
        System.out.println(operator.execOnRoute("lead-dispatch", "stop()"));
        System.out.println(viewer.get("/actuator/health/readiness").body());
        System.out.println(operator.execOnRoute("lead-dispatch", "start()"));
        System.out.println(viewer.post("/actuator/loggers/dev.leadconnector", "{\"configuredLevel\":\"DEBUG\"}").statusCode());
        System.out.println(operator.post("/actuator/loggers/dev.leadconnector", "{\"configuredLevel\":\"DEBUG\"}").statusCode());
        System.out.println(connector.postLead("{}").statusCode());
    }
}
