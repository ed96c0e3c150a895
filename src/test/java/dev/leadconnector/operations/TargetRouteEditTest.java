package dev.leadconnector.operations;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.support.TestLeads;
import dev.leadconnector.targets.salesforce.FakeSalesforce;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A CRM target's route is an ordinary route: a filter saved into routes/deliver-salesforce.camel.yaml while
 * the connector runs (leads.routes.reload) keeps one company's leads out of Salesforce from the next lead
 * on; every other lead still reaches Salesforce, and the company's leads still reach the other targets.
 */
@ExtendWith(OutputCaptureExtension.class)
class TargetRouteEditTest {

    static final String INTERNAL = "Contoso Internal";

    @Test
    void aFilterSavedIntoTheSalesforceRouteKeepsOneCompanysLeadsOutOfSalesforce(@TempDir Path dataDir, @TempDir Path routes,
                                                                                 CapturedOutput log) throws IOException {
        try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
            for (Path file : shipped.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        FakeSalesforce salesforce = FakeSalesforce.onFreePort();
        salesforce.start();
        salesforce.reset();
        salesforce.noLeads();
        salesforce.createsEach();
        List<String> settings = new ArrayList<>(List.of(salesforce.settings()));
        settings.addAll(List.of("leads.routes.reload=true",
                "camel.main.routes-include-pattern=file:" + routes + "/*.camel.yaml",
                "camel.main.routes-reload-directory=" + routes));
        try (RunningConnector connector = RunningConnector.start(dataDir, settings.toArray(String[]::new))) {
            String before = "before-edit@contoso-internal.example";
            String beforeId = acceptedId(connector.postLead(lead(before, INTERNAL)));
            await().atMost(Duration.ofSeconds(20)).until(() -> sentToSalesforce(salesforce, before));
            connector.awaitArchived(beforeId);

            // a user keeps the company's leads out of Salesforce: one step before the CRM
            Path route = routes.resolve("deliver-salesforce.camel.yaml");
            String original = Files.readString(route);
            String edited = original.replace("              - to: crm:salesforce\n", """
                                  - filter:
                                      simple: "${body} contains '%s'"
                                      steps:
                                        - stop: {}
                                  - to: crm:salesforce
                    """.formatted(INTERNAL));
            assertThat(edited).isNotEqualTo(original);
            Files.writeString(route, edited);
            await().atMost(Duration.ofSeconds(20)).until(() -> log.getOut()
                    .contains("Started deliver-salesforce (direct://deliver-salesforce) (source: deliver-salesforce.camel.yaml"));

            String internal = "after-edit@contoso-internal.example";
            String other = "after-edit@fabrikam.example";
            String internalId = acceptedId(connector.postLead(lead(internal, INTERNAL)));
            String otherId = acceptedId(connector.postLead(lead(other, "Fabrikam")));
            await().atMost(Duration.ofSeconds(20)).until(() -> sentToSalesforce(salesforce, other));
            connector.awaitArchived(internalId);
            connector.awaitArchived(otherId);
            connector.awaitInboxDrained();

            assertThat(sentToSalesforce(salesforce, internal)).as("the company's lead never reaches Salesforce").isFalse();
            assertThat(files(connector.deadLetters())).as("nothing parked: the filter is no failure").isEmpty();
            assertThat(connector.context().getBean(CamelContext.class).getRoutes()).extracting(Route::getRouteId)
                    .contains("deliver-salesforce", "deliver-archive", "lead-dispatch");
        } finally {
            salesforce.close();
        }
    }

    private static boolean sentToSalesforce(FakeSalesforce salesforce, String email) {
        return salesforce.received().stream().anyMatch(r -> r.line().contains(email) || (r.body() != null && r.body().contains(email)));
    }

    private static String lead(String email, String company) {
        try {
            ObjectMapper json = new ObjectMapper();
            ObjectNode lead = (ObjectNode) json.readTree(TestLeads.lead(email, "INS"));
            ((ObjectNode) lead.get("UserDetails")).put("Company", company);
            return json.writeValueAsString(lead);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
