package dev.leadconnector.targets.backfill;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.sun.net.httpserver.HttpServer;
import dev.leadconnector.dispatch.LeadMessage;
import dev.leadconnector.support.FakeHubSpot;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 26, item 5: a target connected a week after going live gets that week's leads by a backfill. The
 * connector runs with the archive only while 32 leads of two offers come (DNC among them); then it restarts
 * with the https target on, taking one of the offers. Posting a lead again is a duplicate and sends nothing;
 * {@code POST /actuator/targets/https/backfill} sends exactly the leads the target takes, once each, through
 * its own route, each journey saying "backfilled"; a second backfill sends nothing; {@code since} and
 * {@code offer} narrow it; it is an operator's POST (viewer 403, a session without its CSRF token 403) and
 * an operation on the endpoint's MBean a viewer may not call through Jolokia. HubSpot, the issue's own case,
 * gets a backfill in batches, as under a burst.
 */
class TargetBackfillTest {

    static final String ANALYTICS = "Contoso Analytics Suite";
    static final String HUB = "Partner Hub";
    static final ObjectMapper JSON = new ObjectMapper();

    HttpServer receiver;
    /** X-Lead-Id of every request the receiver got, in order. */
    final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            received.add(exchange.getRequestHeaders().getFirst("X-Lead-Id"));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void aTargetConnectedLaterGetsTheArchivedLeadsItTakesOnceEach(@TempDir Path dataDir) throws Exception {
        List<String> early = new ArrayList<>();
        List<String> late = new ArrayList<>();
        List<String> others = new ArrayList<>(); // DNC and the other offer: never for https
        String firstPayload = lead("early0@contoso.example", "INS", ANALYTICS);
        Instant between;

        // the first week: the archive only
        try (RunningConnector connector = RunningConnector.start(dataDir)) {
            for (int i = 0; i < 10; i++) {
                early.add(post(connector, i == 0 ? firstPayload : lead("early" + i + "@contoso.example", "INS", ANALYTICS)));
                others.add(post(connector, lead("hub" + i + "@fabrikam.example", "StartTestDrive", HUB)));
            }
            others.add(post(connector, lead("dnc0@contoso.example", "DNC", ANALYTICS)));
            others.add(post(connector, lead("dnc1@contoso.example", "DNC", ANALYTICS)));
            Stream.concat(early.stream(), others.stream()).forEach(connector::awaitArchived);
            between = Instant.now();
            await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(between));
            for (int i = 0; i < 10; i++) {
                late.add(post(connector, lead("late" + i + "@contoso.example", "Create", ANALYTICS)));
            }
            late.forEach(connector::awaitArchived);
            connector.awaitInboxDrained();
        }
        assertThat(Stream.of(early, late, others).flatMap(List::stream).distinct()).hasSize(32);

        // a week later: https connected, for the analytics offer
        try (RunningConnector connector = RunningConnector.start(dataDir,
                "leads.targets.https.enabled=true",
                "leads.targets.https.url=http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                "leads.targets.https.offers=" + ANALYTICS)) {
            ManagementClient operator = ManagementClient.operator(connector);
            ManagementClient viewer = ManagementClient.viewer(connector);
            TargetBackfill backfill = connector.context().getBean(TargetBackfill.class);

            // posting a lead of that week again is a duplicate: https gets nothing
            assertThat(post(connector, firstPayload)).isEqualTo(early.get(0));
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    journey(viewer, early.get(0)).path("duplicates").asInt() == 1);
            assertThat(received).isEmpty();

            // who may, and what is refused
            assertThat(viewer.post("/actuator/targets/https/backfill").statusCode()).isEqualTo(403);
            BrowserSession session = BrowserSession.logIn(connector);
            assertThat(session.post("/actuator/targets/https/backfill", false).statusCode()).as("no CSRF token").isEqualTo(403);
            assertThat(operator.post("/actuator/targets/nowhere/backfill").statusCode()).isEqualTo(404);
            HttpResponse<String> disabled = operator.post("/actuator/targets/hubspot/backfill");
            assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(400);
            assertThat(disabled.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                    assertThat(type).startsWith("application/problem+json"));
            assertThat(json(disabled.body()).path("detail").asText()).contains("leads.targets.hubspot.enabled");
            assertThat(operator.post("/actuator/targets/https/backfill", "{\"since\": \"last tuesday\"}").statusCode())
                    .isEqualTo(400);
            assertThat(operator.post("/actuator/targets/https/backfill", "{\"since\": \"2999-01-01\"}").statusCode())
                    .isEqualTo(400);
            assertThat(received).isEmpty();

            // since: only the leads received from then on
            JsonNode sinceAnswer = backfill(operator, "{\"since\": \"" + between + "\"}");
            assertThat(sinceAnswer.path("queued").asInt()).isEqualTo(10);
            assertThat(sinceAnswer.path("skipped").path("before-since").asInt()).isEqualTo(22);
            awaitDone(backfill);
            assertThat(received).containsExactlyInAnyOrderElementsOf(late);
            for (String id : late) {
                await().atMost(Duration.ofSeconds(20)).until(() -> state(journey(viewer, id), "https").equals("delivered"));
                assertThat(journey(viewer, id).path("events").findValuesAsText("event")).contains("backfilled");
            }

            // the whole archive (a session with its CSRF token, as Hawtio posts): the rest of what https takes
            HttpResponse<String> all = session.post("/actuator/targets/https/backfill", true);
            assertThat(all.statusCode()).isEqualTo(200);
            JsonNode allAnswer = json(all.body());
            assertThat(allAnswer.path("queued").asInt()).isEqualTo(10);
            assertThat(allAnswer.path("skipped").path("already-there").asInt()).isEqualTo(10);
            assertThat(allAnswer.path("skipped").path("not-taken").asInt()).as("DNC and the other offer").isEqualTo(12);
            awaitDone(backfill);
            assertThat(received).hasSize(20).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(Stream.concat(early.stream(), late.stream()).toList());
            await().atMost(Duration.ofSeconds(20)).until(() -> state(journey(viewer, early.get(0)), "https").equals("delivered"));
            assertThat(state(journey(viewer, others.get(0)), "https")).as("not taken, never sent").isEqualTo("");

            // a second backfill queues nothing, and the receiver gets nothing more
            JsonNode again = backfill(operator, null);
            assertThat(again.path("queued").asInt()).isZero();
            assertThat(again.path("skipped").path("already-there").asInt()).isEqualTo(20);
            awaitDone(backfill);
            // an offer https does not take: nothing either
            assertThat(backfill(operator, "{\"offer\": \"" + HUB + "\"}").path("queued").asInt()).isZero();
            awaitDone(backfill);
            // and a lead handed to the backfill route once more is stopped by the target's own idempotency
            ProducerTemplate producer = connector.context().getBean(ProducerTemplate.class);
            Exchange exchange = new DefaultExchange(connector.context().getBean(org.apache.camel.CamelContext.class));
            String text = Files.readString(connector.archived(late.get(0)));
            exchange.setProperty(TargetBackfill.TARGET, "https");
            exchange.getMessage().setBody(text);
            LeadMessage.setHeaders(exchange.getMessage(), json(text));
            assertThat(producer.send(TargetBackfill.ENDPOINT, exchange).getException()).isNull();
            assertThat(received).hasSize(20);

            // over JMX: the operator may (through Jolokia, as Hawtio calls it), a viewer may not
            String mbean = targetsMBean(connector);
            ObjectNode exec = JSON.createObjectNode().put("type", "exec").put("mbean", mbean)
                    .put("operation", "backfill(java.lang.String,java.lang.String,java.lang.String)");
            exec.putArray("arguments").add("https").addNull().addNull();
            assertThat(viewer.jolokia(exec).path("status").asInt()).isEqualTo(403);
            JsonNode byJmx = operator.jolokia(exec);
            assertThat(byJmx.path("status").asInt()).as(byJmx.toString()).isEqualTo(200);
            assertThat(byJmx.path("value").path("queued").asInt()).isZero();
            assertThat(byJmx.path("value").path("skipped").path("already-there").asInt()).isEqualTo(20);
            awaitDone(backfill);
            assertThat(received).hasSize(20).doesNotHaveDuplicates();
        }
    }

    /**
     * The issue's own case: HubSpot connected later gets the week's leads in batches, as under a burst (at most
     * batch.size inputs per call, far fewer calls than leads), each contact once; a second backfill calls nothing.
     */
    @Test
    void hubSpotConnectedLaterGetsTheWeekInBatches(@TempDir Path dataDir) {
        List<String> emails = new ArrayList<>();
        try (RunningConnector connector = RunningConnector.start(dataDir)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                emails.add("week" + i + "@contoso.example");
                ids.add(post(connector, lead(emails.get(i), "INS", ANALYTICS)));
            }
            ids.forEach(connector::awaitArchived);
            connector.awaitInboxDrained();
        }
        WireMockServer hubspot = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort()
                .extensions(new FakeHubSpot()));
        hubspot.start();
        try (RunningConnector connector = RunningConnector.start(dataDir,
                "leads.targets.hubspot.enabled=true",
                "leads.targets.hubspot.url=" + hubspot.baseUrl(),
                "leads.targets.hubspot.token=pat-na1-backfill-test",
                "leads.targets.hubspot.batch.size=10",
                "leads.targets.hubspot.batch.max-wait=300ms")) {
            for (String path : List.of("read", "upsert", "create")) {
                hubspot.stubFor(WireMock.post(WireMock.urlEqualTo(HUBSPOT + path))
                        .willReturn(WireMock.aResponse().withTransformers(FakeHubSpot.NAME)));
            }
            TargetBackfill backfill = connector.context().getBean(TargetBackfill.class);
            ManagementClient operator = ManagementClient.operator(connector);

            JsonNode answer = json(operator.post("/actuator/targets/hubspot/backfill").body());
            assertThat(answer.path("queued").asInt()).as(answer.toString()).isEqualTo(25);
            awaitDone(backfill, "hubspot");
            await().atMost(Duration.ofSeconds(30)).until(() -> upserted(hubspot).size() == 25);
            List<List<String>> calls = upserts(hubspot);
            assertThat(calls).allSatisfy(call -> assertThat(call).hasSizeLessThanOrEqualTo(10));
            assertThat(calls.size()).as("batches, not a call per lead: " + calls).isLessThan(25);
            assertThat(upserted(hubspot)).containsExactlyInAnyOrderElementsOf(emails);

            JsonNode again = json(operator.post("/actuator/targets/hubspot/backfill").body());
            assertThat(again.path("queued").asInt()).isZero();
            assertThat(again.path("skipped").path("already-there").asInt()).isEqualTo(25);
            awaitDone(backfill, "hubspot");
            assertThat(upserts(hubspot)).hasSize(calls.size());
        } finally {
            hubspot.stop();
        }
    }

    static final String HUBSPOT = "/crm/v3/objects/contacts/batch/";

    /** The e-mails of every upsert call's inputs, call by call. */
    private static List<List<String>> upserts(WireMockServer hubspot) {
        return hubspot.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo(HUBSPOT + "upsert"))).stream()
                .map(request -> {
                    List<String> emails = new ArrayList<>();
                    json(request.getBodyAsString()).path("inputs").forEach(input -> emails.add(input.path("id").asText()));
                    return emails;
                }).toList();
    }

    private static List<String> upserted(WireMockServer hubspot) {
        return upserts(hubspot).stream().flatMap(List::stream).toList();
    }

    private static String post(RunningConnector connector, String payload) {
        HttpResponse<String> answer = connector.postLead(payload);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return acceptedId(answer);
    }

    private static JsonNode backfill(ManagementClient operator, String body) {
        HttpResponse<String> answer = body == null ? operator.post("/actuator/targets/https/backfill")
                : operator.post("/actuator/targets/https/backfill", body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode json = json(answer.body());
        assertThat(json.path("target").asText()).isEqualTo("https");
        return json;
    }

    private static void awaitDone(TargetBackfill backfill) {
        awaitDone(backfill, "https");
    }

    private static void awaitDone(TargetBackfill backfill, String target) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !backfill.isRunning(target));
    }

    private static JsonNode journey(ManagementClient viewer, String id) {
        HttpResponse<String> answer = viewer.get("/actuator/leads/" + id);
        return answer.statusCode() == 200 ? json(answer.body()) : JSON.createObjectNode();
    }

    /** The lead's state at this target in its journey, "" when the journey names no such target. */
    private static String state(JsonNode journey, String target) {
        for (JsonNode entry : journey.path("targets")) {
            if (target.equals(entry.path("target").asText())) {
                return entry.path("state").asText();
            }
        }
        return "";
    }

    /** The fixture azure-marketplace-ins.json with this e-mail, action code and offer title. */
    private static String lead(String email, String action, String offerTitle) {
        try {
            ObjectNode lead = (ObjectNode) JSON.readTree(Fixtures.lead("azure-marketplace-ins.json"));
            ((ObjectNode) lead.get("UserDetails")).put("Email", email);
            lead.put("ActionCode", action).put("OfferTitle", offerTitle);
            return JSON.writeValueAsString(lead);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String targetsMBean(RunningConnector connector) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        List<ObjectName> names = List.copyOf(server.queryNames(
                new ObjectName("org.springframework.boot:type=Endpoint,name=Targets,*"), null));
        String contextId = connector.context().getId();
        return names.stream().filter(n -> contextId.equals(n.getKeyProperty("context"))).findFirst()
                .orElseGet(() -> names.stream().filter(n -> n.getKeyProperty("context") == null).findFirst().orElseThrow())
                .getCanonicalName();
    }

    /** A browser's login to the management port (the form with its CSRF token), then its session cookie. */
    private record BrowserSession(RunningConnector connector, String cookie) {
        static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

        static BrowserSession logIn(RunningConnector connector) {
            HttpResponse<String> page = connector.send(HttpRequest.newBuilder(connector.managementUri("/login")).GET());
            Matcher token = CSRF_INPUT.matcher(page.body());
            assertThat(token.find()).as("the login form's CSRF token").isTrue();
            String form = "username=" + URLEncoder.encode(ManagementClient.OPERATOR, StandardCharsets.UTF_8)
                    + "&password=" + URLEncoder.encode(ManagementClient.OPERATOR_PASSWORD, StandardCharsets.UTF_8)
                    + "&_csrf=" + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8);
            HttpResponse<String> login = connector.send(HttpRequest.newBuilder(connector.managementUri("/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", cookie(page, "XSRF-TOKEN"))
                    .POST(HttpRequest.BodyPublishers.ofString(form)));
            String session = cookie(login, "JSESSIONID");
            assertThat(session).as("logged in").isNotEmpty();
            return new BrowserSession(connector, session);
        }

        /** A POST with the session cookie, with or without the CSRF token (Hawtio sends it as a header). */
        HttpResponse<String> post(String path, boolean withToken) {
            HttpRequest.Builder request = HttpRequest.newBuilder(connector.managementUri(path))
                    .header("Content-Type", "application/json");
            if (withToken) {
                String xsrf = cookie(connector.send(HttpRequest.newBuilder(connector.managementUri("/actuator/jolokia/version"))
                        .header("Cookie", cookie).GET()), "XSRF-TOKEN");
                request.header("Cookie", cookie + "; " + xsrf).header("X-XSRF-TOKEN", xsrf.substring(xsrf.indexOf('=') + 1));
            } else {
                request.header("Cookie", cookie);
            }
            return connector.send(request.POST(HttpRequest.BodyPublishers.ofString("{}")));
        }

        static String cookie(HttpResponse<?> response, String name) {
            return response.headers().allValues("Set-Cookie").stream().filter(header -> header.startsWith(name + "="))
                    .map(header -> header.contains(";") ? header.substring(0, header.indexOf(';')) : header)
                    .findFirst().orElse("");
        }
    }
}
