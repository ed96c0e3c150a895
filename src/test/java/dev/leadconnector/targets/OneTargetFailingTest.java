package dev.leadconnector.targets;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.json;
import static dev.leadconnector.support.RunningConnector.readJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.leadconnector.support.DataverseBatch;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Dynamics, Marketo and an HTTPS endpoint enabled together, the HTTPS endpoint down (500): it gets the
 * lead parked with its answer, the CRMs and the archive get the lead once, and only the failed target is
 * left for a replay.
 */
class OneTargetFailingTest {

    @Test
    void theFailingTargetIsParkedAndTheOthersDeliver(@TempDir Path dataDir) {
        WireMockServer dataverse = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
                .extensions(new DataverseBatch()));
        dataverse.start();
        WireMockServer marketo = server();
        WireMockServer endpoint = server();
        dataverse.stubFor(post("/aad/t/oauth2/v2.0/token").willReturn(okJson(DynamicsTargetTest.token("d-token"))));
        dataverse.stubFor(get(urlPathEqualTo("/api/data/v9.2/leads")).willReturn(okJson("{\"value\":[]}")));
        dataverse.stubFor(post("/api/data/v9.2/$batch").willReturn(aResponse().withTransformers(DataverseBatch.NAME)));
        marketo.stubFor(get(urlPathEqualTo("/identity/oauth/token")).willReturn(okJson(
                "{\"access_token\":\"m-token\",\"token_type\":\"bearer\",\"expires_in\":3599}")));
        marketo.stubFor(MarketoTargetTest.lookupStub().willReturn(okJson("{\"requestId\":\"1\",\"result\":[],\"success\":true}")));
        marketo.stubFor(post("/rest/v1/leads.json").willReturn(okJson(
                "{\"requestId\":\"2\",\"result\":[{\"id\":7,\"status\":\"created\"}],\"success\":true}")));
        endpoint.stubFor(post("/hook").willReturn(aResponse().withStatus(500).withBody("upstream flow is disabled")));

        try (RunningConnector connector = RunningConnector.start(dataDir,
                "leads.targets.dynamics.enabled=true",
                "leads.targets.dynamics.url=" + dataverse.baseUrl(),
                "leads.targets.dynamics.authority=" + dataverse.baseUrl() + "/aad",
                "leads.targets.dynamics.tenant-id=t",
                "leads.targets.dynamics.client-id=c",
                "leads.targets.dynamics.client-secret=s",
                "leads.targets.marketo.enabled=true",
                "leads.targets.marketo.endpoint=" + marketo.baseUrl(),
                "leads.targets.marketo.identity=" + marketo.baseUrl() + "/identity",
                "leads.targets.marketo.client-id=c",
                "leads.targets.marketo.client-secret=s",
                "leads.targets.https.enabled=true",
                "leads.targets.https.url=" + endpoint.baseUrl() + "/hook",
                "leads.delivery.max-redeliveries=2",
                "leads.delivery.redelivery-delay=10")) {
            String id = acceptedId(connector.postLead(Fixtures.lead("azure-marketplace-ins.json")));

            Path parked = connector.deadLetters().resolve(id + "-https.json");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(parked));
            JsonNode envelope = readJson(parked);
            assertThat(envelope.path("target").asText()).isEqualTo("https");
            assertThat(envelope.path("error").asText())
                    .isEqualTo("dev.leadconnector.targets.crm.CrmException: https answered 500: upstream flow is disabled");
            assertThat(endpoint.findAll(postRequestedFor(urlPathEqualTo("/hook")))).as("first try and 2 redeliveries").hasSize(3);

            connector.awaitInboxDrained();
            assertThat(DataverseBatch.sent(dataverse, postRequestedFor(urlPathEqualTo("/api/data/v9.2/$batch")))).hasSize(1);
            assertThat(marketo.findAll(postRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(
                    "/rest/v1/leads.json")))).as("one sync").hasSize(1);
            assertThat(connector.archived(id)).exists();
            JdbcTemplate jdbc = new JdbcTemplate(connector.context().getBean(DataSource.class));
            assertThat(jdbc.queryForList("SELECT messageId FROM CAMEL_MESSAGEPROCESSED "
                    + "WHERE processorName = 'lead-delivery' AND confirmed", String.class))
                    .as("a replay goes to the HTTPS endpoint only")
                    .containsExactlyInAnyOrder("archive:" + id, "dynamics:" + id, "marketo:" + id);

            // validation is generic: it works for a target without a CRM too
            HttpResponse<String> archive = ManagementClient.operator(connector).post("/actuator/targets/archive/validate");
            assertThat(archive.statusCode()).isEqualTo(200);
            assertThat(json(archive.body()).path("ok").asBoolean()).isTrue();
            HttpResponse<String> down = ManagementClient.operator(connector).post("/actuator/targets/https/validate");
            assertThat(down.statusCode()).isEqualTo(502);
            assertThat(json(down.body()).path("message").asText()).startsWith("https did not take the test lead ")
                    .contains(": https answered 500: upstream flow is disabled.")
                    .endsWith("It is parked in the dead-letter store.");
        } finally {
            dataverse.stop();
            marketo.stop();
            endpoint.stop();
        }
    }

    private static WireMockServer server() {
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        return server;
    }
}
