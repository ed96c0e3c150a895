package dev.leadconnector.deadletter;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadconnector.support.FlakyTarget;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dead letters listed and re-driven over HTTP and JMX, never twice to a target that has the lead. */
class DeadLetterReplayTest {

    @Test
    void parkedLeadsAreListedAndReplayedOnceTheCrmIsBack(@TempDir Path dataDir) throws Exception {
        FlakyTarget.down = true;
        FlakyTarget.RECEIVED.clear();
        try (RunningConnector connector = RunningConnector.start(dataDir,
                "camel.main.routes-include-pattern=file:routes/*.camel.yaml,classpath:test-routes/deliver-flaky.camel.yaml",
                "leads.targets.flaky.enabled=true",
                "leads.delivery.max-redeliveries=1",
                "leads.delivery.redelivery-delay=10")) {
            String lead = acceptedId(connector.postLead(Fixtures.lead("azure-marketplace-ins.json")));
            String unknown = acceptedId(connector.postLead(Fixtures.lead("unknown-action.json")));
            Path flakyLetter = connector.deadLetters().resolve(lead + "-flaky.json");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(flakyLetter)
                    && Files.exists(connector.deadLetters().resolve(unknown + "-router.json")));
            connector.awaitArchived(lead);

            JsonNode all = json(get(connector, "/actuator/deadletters"));
            assertThat(all.path("letters").findValuesAsText("leadId")).containsExactlyInAnyOrder(lead, unknown);
            assertThat(all.path("next").isNull()).as("one page holds both").isTrue();
            // a page of one, then the next one by its cursor: each letter once, in file-name order
            JsonNode first = json(get(connector, "/actuator/deadletters?limit=1"));
            JsonNode second = json(get(connector, "/actuator/deadletters?limit=1&after=" + first.path("next").asText()));
            assertThat(List.of(first.path("letters").get(0).path("leadId").asText(),
                    second.path("letters").get(0).path("leadId").asText()))
                    .containsExactlyElementsOf(lead.compareTo(unknown) < 0 ? List.of(lead, unknown) : List.of(unknown, lead));
            assertThat(second.path("next").isNull()).isTrue();
            // the router's dead letter is listed under the name ?target= filters it by (issue 26, item 6)
            JsonNode routers = json(get(connector, "/actuator/deadletters?target=router")).path("letters");
            assertThat(routers.findValuesAsText("leadId")).containsExactly(unknown);
            assertThat(routers.findValuesAsText("target")).containsExactly("router");
            JsonNode flaky = json(get(connector, "/actuator/deadletters?target=flaky")).path("letters");
            assertThat(flaky).hasSize(1);
            assertThat(flaky.get(0).path("error").asText()).isEqualTo("java.net.ConnectException: flaky CRM is down");
            assertThat(flaky.get(0).has("customer")).as("no personal data in the listing").isFalse();

            // still down: replay parks it again, with a fresh envelope
            JsonNode again = json(post(connector, "/actuator/deadletters", "{\"target\": \"flaky\"}"));
            assertThat(again.path("failed").asInt()).isEqualTo(1);
            assertThat(flakyLetter).exists();

            FlakyTarget.down = false;
            JsonNode replayed = json(post(connector, "/actuator/deadletters", "{\"target\": \"flaky\"}"));
            assertThat(replayed.path("replayed").asInt()).isEqualTo(1);
            assertThat(FlakyTarget.RECEIVED).containsExactly(lead);
            assertThat(flakyLetter).doesNotExist();

            // the same dead letter once more (restored from replayed/): the target has the lead, nothing is sent
            Path copy;
            try (Stream<Path> done = Files.list(connector.deadLetters().resolve("replayed"))) {
                copy = done.filter(p -> p.getFileName().toString().startsWith(lead)).findFirst().orElseThrow();
            }
            Files.copy(copy, flakyLetter);
            json(post(connector, "/actuator/deadletters", "{\"leadId\": \"" + lead + "\"}"));
            assertThat(FlakyTarget.RECEIVED).containsExactly(lead);

            // the router's dead letter over JMX: still no target takes UPGRADE, so it is parked anew
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName endpoint = deadLettersMBean(server, connector.context().getId());
            Object listed = server.invoke(endpoint, "list", new Object[] {"router", null, null, null, null},
                    new String[] {String.class.getName(), String.class.getName(), String.class.getName(),
                            Integer.class.getName(), String.class.getName()});
            assertThat(listed.toString()).contains(unknown);
            Object outcome = server.invoke(endpoint, "replay", new Object[] {null, unknown, null},
                    new String[] {String.class.getName(), String.class.getName(), String.class.getName()});
            assertThat(outcome.toString()).contains("failed again");
            assertThat(connector.deadLetters().resolve(unknown + "-router.json")).exists();
        } finally {
            FlakyTarget.down = false;
        }
    }

    private static ObjectName deadLettersMBean(MBeanServer server, String contextId) throws Exception {
        List<ObjectName> names = List.copyOf(server.queryNames(
                new ObjectName("org.springframework.boot:type=Endpoint,name=Deadletters,*"), null));
        return names.stream().filter(n -> contextId.equals(n.getKeyProperty("context"))).findFirst()
                .orElseGet(() -> names.stream().filter(n -> n.getKeyProperty("context") == null).findFirst().orElseThrow());
    }

    private static String get(RunningConnector connector, String path) {
        return ManagementClient.viewer(connector).get(path).body();
    }

    private static String post(RunningConnector connector, String path, String body) {
        return ManagementClient.operator(connector).post(path, body).body();
    }
}
