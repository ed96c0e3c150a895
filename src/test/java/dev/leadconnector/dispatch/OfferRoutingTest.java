package dev.leadconnector.dispatch;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.json;
import static dev.leadconnector.support.RunningConnector.readJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadconnector.support.DeliveredContent;
import dev.leadconnector.support.DeliveredContent.Webhook;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.targets.salesforce.FakeSalesforce;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Each offer its own destinations: offer A (Contoso Analytics Suite) goes to Salesforce, offer B (a
 * partner's Partner Hub) to an HTTPS hook, and the archive takes both. The offer comes from the
 * combined LeadSource, the intake URL's ?offer= or the title; a lead no target takes for its offer is
 * parked with a reason naming the offer.
 */
class OfferRoutingTest {

    static final String OFFER_A = "contoso.contoso-analytics-suite";
    static final String TITLE_A = "Contoso Analytics Suite";
    static final String OFFER_B = "fabrikam.partner-hub";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    static Webhook webhook;
    static FakeSalesforce salesforce;
    static RunningConnector connector;

    @BeforeAll
    static void start() {
        webhook = new Webhook();
        salesforce = FakeSalesforce.onFreePort();
        salesforce.start();
        salesforce.reset();
        salesforce.noLeads();
        salesforce.createsEach();
        connector = RunningConnector.start(dataDir, Stream.of(webhook.settings(), salesforce.settings(), new String[] {
                // ids or titles, without case
                "leads.targets.salesforce.offers=" + OFFER_A.toUpperCase() + "," + TITLE_A.toLowerCase(),
                "leads.targets.salesforce.batch.max-wait=100ms",
                "leads.targets.https.offers=" + OFFER_B,
                "leads.targets.archive.offers=" + OFFER_A + "," + TITLE_A + "," + OFFER_B}).flatMap(Stream::of)
                .toArray(String[]::new));
    }

    @AfterAll
    static void stop() {
        connector.close();
        webhook.close();
        salesforce.close();
    }

    @Test
    void theCombinedLeadSourceNamesTheOffer() {
        String id = post(lead("combined-lead-source.json", "a-by-source@contoso.example", null, "INS"), null);
        assertThat(awaitHandled(id)).containsExactlyInAnyOrder("salesforce", "archive");
    }

    @Test
    void theTitleNamesTheOfferWhenThereIsNoId() {
        String id = post(lead("azure-marketplace-ins.json", "a-by-title@contoso.example", null, "INS"), null);
        assertThat(awaitHandled(id)).containsExactlyInAnyOrder("salesforce", "archive");
    }

    @Test
    void theIntakeUrlNamesTheOfferOfAPayloadWithoutId() {
        String id = post(lead("azure-marketplace-ins.json", "b-by-url@fabrikam.example", "Partner Hub", "PLT"), OFFER_B);
        assertThat(awaitHandled(id)).containsExactlyInAnyOrder("https", "archive");
        assertThat(readJson(connector.archived(id)).path("offer").path("id").asText()).isEqualTo(OFFER_B);
    }

    @Test
    void theCombinedLeadSourceWinsOverTheIntakeUrl() {
        String id = post(lead("combined-lead-source.json", "a-over-url@contoso.example", null, "INS"), OFFER_B);
        assertThat(awaitHandled(id)).containsExactlyInAnyOrder("salesforce", "archive");
        assertThat(readJson(connector.archived(id)).path("offer").path("id").asText()).isEqualTo(OFFER_A);
    }

    @Test
    void aLeadOfAnOfferNoTargetTakesIsParkedWithTheOffer() {
        String id = post(lead("azure-marketplace-ins.json", "other@contoso.example", "Other Product", "INS"),
                "contoso.other-product");
        assertThat(awaitHandled(id)).isEmpty();
        assertThat(readJson(connector.deadLetters().resolve(id + "-router.json")).path("reason").asText())
                .isEqualTo("action code 'INS' of offer contoso.other-product ('Other Product'): no enabled target "
                        + "takes it (leads.targets.<name>.offers)");
    }

    @Test
    void doNotContactGoesOnlyToTheRecordKeepersOfItsOffer() {
        String a = post(lead("appsource-do-not-contact.json", "dnc-a@tailspin.example", null, null), null);
        assertThat(awaitHandled(a)).containsExactly("archive");
        String other = post(lead("appsource-do-not-contact.json", "dnc-other@tailspin.example", "Other Product", null),
                "contoso.other-product");
        assertThat(awaitHandled(other)).isEmpty();
        assertThat(readJson(connector.deadLetters().resolve(other + "-router.json")).path("reason").asText())
                .startsWith("do-not-contact lead of offer contoso.other-product ('Other Product'): no enabled target takes it");
    }

    @Test
    void aDuplicateIsDroppedAsBefore() {
        String lead = lead("combined-lead-source.json", "a-twice@contoso.example", null, "INS");
        String id = post(lead, null);
        assertThat(awaitHandled(id)).containsExactlyInAnyOrder("salesforce", "archive");
        assertThat(post(lead, null)).isEqualTo(id);
        await().atMost(Duration.ofSeconds(20)).until(() -> RunningConnector.files(connector.inbox()).isEmpty());
        assertThat(DeliveredContent.salesforceRecords(salesforce).stream()
                .filter(record -> record.path("Email").asText().equals("a-twice@contoso.example"))).hasSize(1);
    }

    @Test
    void aMalformedOfferParameterIsRefusedAndNothingIsStored() {
        for (String malformed : List.of("not an offer", "contoso", "contoso.x/../y", "<script>.x")) {
            HttpResponse<String> answer = connector.send(HttpRequest.newBuilder(uri(malformed))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(lead("azure-marketplace-ins.json", "malformed@contoso.example",
                            null, "INS"))));
            assertThat(answer.statusCode()).as(malformed).isEqualTo(400);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = json(answer.body());
            assertThat(problem.path("errors").get(0).path("pointer").asText()).isEqualTo("?offer");
        }
        assertThat(RunningConnector.files(connector.inbox())).isEmpty();
        assertThat(Files.exists(connector.archive()) ? RunningConnector.files(connector.archive()).stream()
                .map(RunningConnector::readJson)
                .filter(lead -> lead.path("customer").path("email").asText().equals("malformed@contoso.example"))
                .count() : 0).isZero();
    }

    @Test
    void validateReachesATargetWhateverOffersItTakes() {
        for (String target : List.of("salesforce", "https")) {
            HttpResponse<String> answer = ManagementClient.operator(connector).post("/actuator/targets/" + target + "/validate");
            assertThat(answer.statusCode()).as(target).isEqualTo(200);
            assertThat(json(answer.body()).path("ok").asBoolean()).as(target).isTrue();
        }
    }

    @Test
    void aReplayedLeadOfAnOfferNoTargetTakesIsRoutedAgainAndParkedAgainNotLost() {
        String id = post(lead("azure-marketplace-ins.json", "replayed-other@contoso.example", "Another Product", "INS"),
                "contoso.another-product");
        Path letter = connector.deadLetters().resolve(id + "-router.json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(letter));

        HttpResponse<String> replay = ManagementClient.operator(connector).post("/actuator/deadletters",
                "{\"leadId\":\"" + id + "\",\"target\":\"router\"}");
        assertThat(replay.statusCode()).isEqualTo(200);
        // the journey shows it went through the router again and was parked again
        await().atMost(Duration.ofSeconds(20)).until(() -> json(ManagementClient.viewer(connector)
                .get("/actuator/leads/" + id).body()).path("events").findValuesAsText("event")
                .equals(List.of("received", "routed", "parked", "replayed", "routed", "parked")));
        assertThat(readJson(letter).path("reason").asText()).startsWith("action code 'INS' of offer contoso.another-product");
        assertThat(DeliveredContent.salesforceRecords(salesforce).stream()
                .filter(record -> record.path("Email").asText().equals("replayed-other@contoso.example"))).isEmpty();
    }

    /** A fixture for this customer, with this offer title and action code when given. */
    private static String lead(String fixture, String email, String offerTitle, String action) {
        try {
            ObjectNode lead = (ObjectNode) JSON.readTree(Fixtures.lead(fixture));
            ((ObjectNode) lead.get("UserDetails")).put("Email", email);
            if (offerTitle != null) {
                lead.put("OfferTitle", offerTitle);
            }
            if (action != null) {
                lead.put("ActionCode", action);
            }
            return JSON.writeValueAsString(lead);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static URI uri(String offer) {
        return connector.uri("/leads" + (offer == null ? "" : "?offer=" + URLEncoder.encode(offer, StandardCharsets.UTF_8)));
    }

    private static String post(String lead, String offer) {
        HttpResponse<String> answer = connector.send(HttpRequest.newBuilder(uri(offer))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(lead)));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return acceptedId(answer);
    }

    /** Waits until dispatch is done with the lead (every target has it, or it is parked); the targets that got it. */
    private static List<String> awaitHandled(String id) {
        JdbcTemplate jdbc = new JdbcTemplate(connector.context().getBean(DataSource.class));
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED "
                + "WHERE processorName = 'lead-dispatch' AND confirmed AND messageId = ?", Integer.class, id) == 1);
        return jdbc.queryForList("SELECT messageId FROM CAMEL_MESSAGEPROCESSED WHERE processorName = 'lead-delivery' "
                        + "AND confirmed AND messageId LIKE ?", String.class, "%:" + id).stream()
                .map(key -> key.substring(0, key.indexOf(':'))).toList();
    }
}
