package dev.leadconnector.operations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.support.TestLeads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Editing a target's mapping while the connector runs (leads.routes.reload): the next lead uses the saved
 * edit and the log says so; an edit that does not compile is refused with its error, and the mapping
 * loaded before keeps working.
 */
@ExtendWith(OutputCaptureExtension.class)
class MappingReloadTest {

    @Test
    void anEditedMappingIsUsedByTheNextLeadAndOneThatDoesNotCompileIsRefused(@TempDir Path dataDir, @TempDir Path mappings,
                                                                            CapturedOutput log) throws IOException {
        Path https = mappings.resolve("https.jslt");
        Files.copy(Path.of("routes/mappings/https.jslt"), https);
        WireMockServer receiver = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        receiver.start();
        receiver.stubFor(post(urlPathEqualTo("/hook")).willReturn(aResponse().withStatus(202)));
        try (RunningConnector connector = RunningConnector.start(dataDir,
                "leads.routes.reload=true",
                "leads.routes.mappings=" + mappings,
                "leads.targets.https.enabled=true",
                "leads.targets.https.url=" + receiver.baseUrl() + "/hook")) {
            assertThat(sent(connector, receiver, "first@contoso.example").has("leadId")).isFalse();

            // a user adds the connector's lead id to what the receiver gets
            Files.writeString(https, ".original + {\"leadId\": .id}\n");
            touch(https);
            String second = "second@contoso.example";
            JsonNode edited = sent(connector, receiver, second);
            assertThat(edited.path("leadId").asText()).hasSize(32);
            assertThat(log.getOut()).contains("Mapping " + https + " reloaded: the next lead to https uses it");

            // a typo: refused with JSLT's error, and the mapping loaded before still maps the next lead
            Files.writeString(https, ".original + {\"leadId\": .id\n");
            touch(https);
            JsonNode afterTypo = sent(connector, receiver, "third@contoso.example");
            assertThat(afterTypo.path("leadId").asText()).hasSize(32);
            assertThat(log.getOut()).contains("Mapping " + https + " not reloaded, it does not compile: ")
                    .contains("https keeps the mapping loaded before");
        } finally {
            receiver.stop();
        }
    }

    /** Posts a lead of this customer and returns the body the receiver got for it. */
    private static JsonNode sent(RunningConnector connector, WireMockServer receiver, String email) {
        acceptedId(connector.postLead(TestLeads.lead(email, "INS")));
        await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.findAll(postRequestedFor(urlPathEqualTo("/hook"))
                .withRequestBody(containing(email))).isEmpty());
        return json(receiver.findAll(postRequestedFor(urlPathEqualTo("/hook")).withRequestBody(containing(email)))
                .get(0).getBodyAsString());
    }

    /** A new modification time, also on file systems that keep them in whole seconds. */
    private static void touch(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(counter++)));
    }

    private static int counter = 1;
}
