package dev.leadconnector.logging;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A full run, logging as JSON (leads.logging.json-format=ecs), with a careless target that logs
 * whole leads and fails with the record in its error: not one e-mail address, phone number or
 * secret appears in the output, and every line about a lead carries its id.
 */
@ExtendWith(OutputCaptureExtension.class)
class PersonalDataInLogsTest {

    static final String CRM_SECRET = "crm-client-secret-4f7a9c";

    @Test
    void noEmailPhoneOrSecretReachesTheLogs(@TempDir Path dataDir, CapturedOutput output) {
        List<String> settings = new ArrayList<>(List.of(
                "leads.logging.json-format=ecs",
                "camel.main.routes-include-pattern=file:routes/*.camel.yaml,classpath:test-routes/deliver-careless.camel.yaml",
                "leads.targets.careless.enabled=true",
                "leads.targets.careless.client-secret=" + CRM_SECRET,
                "leads.delivery.max-redeliveries=1",
                "leads.delivery.redelivery-delay=10"));
        List<String> ids = new ArrayList<>();
        try (RunningConnector connector = RunningConnector.start(dataDir, settings.toArray(String[]::new))) {
            for (String fixture : Fixtures.GOOD) {
                ids.add(acceptedId(connector.postLead(Fixtures.lead(fixture))));
            }
            for (String bad : Fixtures.BAD) {
                connector.postLead(Fixtures.bad(bad));
            }
            // a line break in a lead (its action code, parked by the router with it): no line of its own
            connector.postLead("{\"LeadSource\": \"AzureMarketplace\", \"ActionCode\": \"INS\\r\\nX: y\"}");
            ManagementClient.as(connector, ManagementClient.OPERATOR, "not-the-password").get("/actuator/prometheus");
            ManagementClient.viewer(connector).execOnRoute("lead-dispatch", "stop()");
            // every lead for a sales target reached the careless one and was parked
            await().atMost(Duration.ofSeconds(30)).until(() -> RunningConnector.files(connector.deadLetters()).size() >= 8);
            connector.awaitInboxDrained();
        }

        String log = output.getOut() + output.getErr();
        assertThat(log).as("the careless target did log leads, masked").contains("***@***").contains("***phone***");
        for (String email : fixtureValues("email")) {
            assertThat(log.toLowerCase(Locale.ROOT)).as("e-mail in the logs").doesNotContain(email.toLowerCase(Locale.ROOT));
        }
        for (String phone : fixtureValues("phone")) {
            assertThat(log).as("phone in the logs").doesNotContain(phone);
        }
        assertThat(log).doesNotContain(CRM_SECRET, ManagementClient.VIEWER_PASSWORD, ManagementClient.OPERATOR_PASSWORD,
                "not-the-password");

        // JSON lines, the lead id in the MDC of the lines about a lead
        List<JsonNode> lines = log.lines().filter(line -> line.startsWith("{")).map(RunningConnector::json).toList();
        assertThat(lines).hasSizeGreaterThan(50);
        for (String id : ids) {
            assertThat(lines).as("lines about lead " + id)
                    .anySatisfy(line -> assertThat(line.path("leadId").asText()).isEqualTo(id));
        }
        assertThat(log.lines()).noneMatch(line -> line.startsWith("X: y"));
        assertThat(lines).anySatisfy(line -> assertThat(line.path("message").asText()).contains("INS\\r\\nX: y"));
        assertThat(lines).filteredOn(line -> line.path("message").asText().startsWith("Lead "))
                .allSatisfy(line -> assertThat(line.path("message").asText()).contains(line.path("leadId").asText()));
        // and the route that wrote the line (ECS nests the dotted key)
        assertThat(lines).filteredOn(line -> line.path("message").asText().startsWith("Lead "))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line.path("camel").path("routeId").asText()).isNotBlank());
    }

    /** Every e-mail or phone value in the sample leads (the canonical lead lower-cases e-mails). */
    private static List<String> fixtureValues(String field) {
        return Fixtures.GOOD.stream()
                .map(name -> RunningConnector.json(Fixtures.lead(name)))
                .flatMap(lead -> Stream.of(lead.findValues(field.substring(0, 1).toUpperCase(Locale.ROOT) + field.substring(1)),
                        lead.findValues(field)).flatMap(List::stream))
                .map(JsonNode::asText)
                .filter(value -> value.length() > 3)
                .distinct()
                .toList();
    }
}
