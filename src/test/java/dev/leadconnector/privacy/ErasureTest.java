package dev.leadconnector.privacy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.files;
import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.support.DeliveredContent.Webhook;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.support.TestLeads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 30 on the embedded defaults, end to end: one customer erased everywhere on request, the
 * other untouched; only an operator erases, and a browser session only with its CSRF token; the
 * retention route prunes by age on its interval.
 *
 * <p>Targets: the archive and the https receiver, which refuses PLT leads (parked at once). Ada has an
 * INS lead (delivered to both), a PLT lead (archived, parked for https) and a Create lead still in the
 * inbox (dispatch stopped); Bob has an INS lead, delivered.
 */
@ExtendWith(OutputCaptureExtension.class)
class ErasureTest {

    static final String ADA = "ada.lovelace@contoso.example";
    static final String BOB = "bob.baker@fabrikam.example";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    static Webhook webhook;
    static RunningConnector connector;

    @BeforeAll
    static void start() {
        webhook = new Webhook();
        webhook.server().stubFor(post(urlPathEqualTo("/hook")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.ActionCode", equalTo("PLT")))
                .willReturn(aResponse().withStatus(422).withBody("PLT leads are not taken")));
        connector = RunningConnector.start(dataDir, Stream.concat(Stream.of(webhook.settings()), Stream.of(
                // the retention route runs often in this test; the leads it posts are far younger than a day
                "leads.retention.archive=P1D",
                "leads.retention.dead-letters=P1D",
                "leads.retention.interval=300ms")).toArray(String[]::new));
    }

    @AfterAll
    static void stop() {
        connector.close();
        webhook.close();
    }

    @Test
    void oneCustomerIsErasedFromEveryStoreAndTheOtherKeepsEverything(CapturedOutput output) {
        String ada1 = acceptedId(connector.postLead(TestLeads.lead(ADA, "INS")));
        String ada2 = acceptedId(connector.postLead(TestLeads.lead(ADA, "PLT")));
        String bob1 = acceptedId(connector.postLead(TestLeads.lead(BOB, "INS")));
        awaitStates(ADA, Map.of(ada1, Map.of("archive", "delivered", "https", "delivered"),
                ada2, Map.of("archive", "delivered", "https", "parked")));
        awaitStates(BOB, Map.of(bob1, Map.of("archive", "delivered", "https", "delivered")));
        // a lead of Ada's not yet dispatched: dispatch is stopped, the lead waits in the inbox (and its log)
        ManagementClient operator = ManagementClient.operator(connector);
        operator.execOnRoute("lead-dispatch", "stop()");
        String ada3 = acceptedId(connector.postLead(TestLeads.lead(ADA, "Create")));
        assertThat(connector.inbox().resolve(ada3 + ".json")).exists();
        List<String> adas = List.of(ada1, ada2, ada3);

        Map<String, Object> before = stores(ADA, adas);
        System.out.println("Issue 30, Ada's data before the erasure: " + before);
        assertThat(before).containsEntry("archive files", 2L).containsEntry("dead letters", 1L)
                .containsEntry("inbox files", 1L).containsEntry("journal leads", 2).containsEntry("e-mail hash rows", 2);
        assertThat((long) before.get("inbox log lines")).isPositive();

        HttpResponse<String> answer = erase(ADA);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode report = json(answer.body());
        System.out.println("Issue 30, the erasure's answer: " + report);
        JsonNode removed = report.path("removed");
        assertThat(report.path("emailHash").asText()).matches("[0-9a-f]{64}");
        assertThat(removed.path("archive").asInt()).isEqualTo(2);
        assertThat(removed.path("deadLetters").asInt()).isEqualTo(1);
        assertThat(removed.path("journalLeads").asInt()).isEqualTo(2);
        assertThat(removed.path("journalEvents").asInt()).isGreaterThanOrEqualTo(6); // received, routed, delivered ...
        assertThat(removed.path("inbox").asInt()).isEqualTo(1);
        // at least the waiting lead's line; the others' unless their segment aged out meanwhile (35 s after it closed)
        assertThat((long) removed.path("inboxLog").asInt()).isBetween(1L, (long) before.get("inbox log lines"));
        assertThat(removed.path("queue").asInt()).isZero();
        assertThat(report.path("deliveredTo")).extracting(JsonNode::asText).containsExactly("https");
        assertThat(report.path("inFlight")).isEmpty();

        Map<String, Object> after = stores(ADA, adas);
        System.out.println("Issue 30, Ada's data after the erasure: " + after);
        assertThat(after).allSatisfy((store, count) -> assertThat(((Number) count).longValue()).as(store).isZero());
        assertThat(filesMentioning(ADA)).as("no file of the data folder names Ada").isEmpty();
        assertThat(json(ManagementClient.viewer(connector).get("/actuator/leads?email=" + ADA).body())).isEmpty();
        JdbcTemplate jdbc = jdbc();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE messageId IN (?, ?)",
                Integer.class, ada1, ada2)).as("lead ids stay known to de-duplication").isEqualTo(2);

        // Bob keeps everything
        Map<String, Object> bob = stores(BOB, List.of(bob1));
        System.out.println("Issue 30, Bob's data after Ada's erasure: " + bob);
        assertThat(bob).containsEntry("archive files", 1L).containsEntry("journal leads", 1).containsEntry("e-mail hash rows", 1);
        assertThat((int) bob.get("journal events")).isPositive();
        assertThat(json(ManagementClient.viewer(connector).get("/actuator/leads?email=" + BOB).body()))
                .extracting(lead -> lead.path("leadId").asText()).containsExactly(bob1);

        // the audit: who, when, how many per store, the address only as its keyed hash; and a metric
        assertThat(output.getAll()).contains("Erasure requested by " + ManagementClient.OPERATOR + " at ")
                .contains(report.path("emailHash").asText()).contains("archive=2 deadLetters=1")
                .doesNotContain(ADA);
        String metrics = ManagementClient.viewer(connector).get("/actuator/prometheus").body();
        assertThat(metrics).containsPattern("leads_erasures_total\\{[^}]*\\} [1-9]")
                .containsPattern("leads_erasure_removed_total\\{[^}]*store=\"archive\"[^}]*\\} 2\\.0");

        // a second erasure finds nothing
        JsonNode again = json(erase(ADA).body());
        assertThat(again.path("removed").properties()).allSatisfy(store -> assertThat(store.getValue().asInt())
                .as(store.getKey()).isZero());
        assertThat(again.path("deliveredTo")).isEmpty();

        // the marketplace sends Ada's first lead again: a duplicate, not delivered or archived anew
        operator.execOnRoute("lead-dispatch", "start()");
        int hooked = webhook.server().findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                urlPathEqualTo("/hook")).withHeader("X-Lead-Id", equalTo(ada1))).size();
        assertThat(acceptedId(connector.postLead(TestLeads.lead(ADA, "INS")))).isEqualTo(ada1);
        connector.awaitInboxDrained();
        await().atMost(Duration.ofSeconds(20)).until(() -> output.getAll().contains("Lead " + ada1 + " is a duplicate"));
        assertThat(connector.archived(ada1)).doesNotExist();
        assertThat(webhook.server().findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                urlPathEqualTo("/hook")).withHeader("X-Lead-Id", equalTo(ada1)))).hasSize(hooked);
    }

    @Test
    void onlyAnOperatorErasesAndABrowserSessionOnlyWithItsCsrfToken() {
        String path = "/actuator/leads?email=" + URLEncoder.encode("nobody@contoso.example", StandardCharsets.UTF_8);
        assertThat(connector.send(HttpRequest.newBuilder(connector.managementUri(path)).DELETE()).statusCode())
                .as("no login").isEqualTo(401);
        assertThat(connector.send(HttpRequest.newBuilder(connector.managementUri(path))
                .header("Authorization", basic(ManagementClient.VIEWER, ManagementClient.VIEWER_PASSWORD)).DELETE())
                .statusCode()).as("viewer").isEqualTo(403);
        String session = logIn(ManagementClient.OPERATOR, ManagementClient.OPERATOR_PASSWORD);
        assertThat(connector.send(HttpRequest.newBuilder(connector.managementUri(path)).header("Cookie", session).DELETE())
                .statusCode()).as("operator's session without the CSRF token").isEqualTo(403);
        HttpResponse<String> token = connector.send(HttpRequest.newBuilder(connector.managementUri("/actuator/jolokia/version"))
                .header("Cookie", session).GET());
        String xsrf = cookie(token, "XSRF-TOKEN").orElseThrow();
        HttpResponse<String> withToken = connector.send(HttpRequest.newBuilder(connector.managementUri(path))
                .header("Cookie", session + "; " + xsrf).header("X-XSRF-TOKEN", xsrf.substring(xsrf.indexOf('=') + 1)).DELETE());
        assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(200);
        assertThat(json(withToken.body()).path("removed").path("archive").asInt()).isZero();
        assertThat(connector.send(HttpRequest.newBuilder(connector.managementUri("/actuator/leads?email="))
                .header("Authorization", basic(ManagementClient.OPERATOR, ManagementClient.OPERATOR_PASSWORD)).DELETE())
                .statusCode()).as("no address").isEqualTo(400);

        // over JMX (Jolokia): the operator's, not the viewer's
        com.fasterxml.jackson.databind.node.ObjectNode erase = JSON.createObjectNode().put("type", "exec")
                .put("mbean", "org.springframework.boot:type=Endpoint,name=Leads").put("operation", "erase");
        erase.set("arguments", JSON.createArrayNode().add("nobody@contoso.example"));
        assertThat(ManagementClient.viewer(connector).jolokia(erase).path("status").asInt()).isEqualTo(403);
        JsonNode byOperator = ManagementClient.operator(connector).jolokia(erase);
        assertThat(byOperator.path("status").asInt()).as(byOperator.toString()).isEqualTo(200);
        assertThat(byOperator.path("value").path("removed").path("journalLeads").asInt()).isZero();
    }

    @Test
    void theRetentionRoutePrunesOldFilesOnItsIntervalAndKeepsTheNewest() throws IOException {
        Path old = connector.archive().resolve("00000000000000000000000000000001.json");
        Path fresh = connector.archive().resolve("00000000000000000000000000000002.json");
        Path oldLetter = connector.deadLetters().resolve("00000000000000000000000000000001-https.json");
        Files.createDirectories(connector.deadLetters());
        for (Path file : List.of(old, fresh, oldLetter)) {
            Files.writeString(file, "{}");
        }
        FileTime twoDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
        Files.setLastModifiedTime(old, twoDaysAgo);
        Files.setLastModifiedTime(oldLetter, twoDaysAgo);

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.notExists(old) && Files.notExists(oldLetter));
        assertThat(fresh).exists();
        String metrics = ManagementClient.viewer(connector).get("/actuator/prometheus").body();
        assertThat(metrics).containsPattern("leads_retention_removed_total\\{[^}]*store=\"archive\"[^}]*\\} [1-9]")
                .containsPattern("leads_retention_removed_total\\{[^}]*store=\"dead-letters\"[^}]*\\} [1-9]");
    }

    /** What the stores hold of a customer: files read, tables queried. */
    private static Map<String, Object> stores(String email, List<String> leadIds) {
        String address = email.toLowerCase(Locale.ROOT);
        Map<String, Object> stores = new LinkedHashMap<>();
        stores.put("archive files", count(connector.archive(), address));
        stores.put("dead letters", count(connector.deadLetters(), address) + count(connector.deadLetters().resolve("replayed"), address));
        stores.put("inbox files", count(connector.inbox(), address));
        stores.put("inbox log lines", files(dataDir.resolve("inbox-log")).stream()
                .flatMap(file -> read(file).lines()).filter(line -> line.toLowerCase(Locale.ROOT).contains(address)).count());
        JdbcTemplate jdbc = jdbc();
        String ids = String.join(",", leadIds.stream().map(id -> "'" + id + "'").toList());
        stores.put("journal leads", jdbc.queryForObject("SELECT COUNT(*) FROM LEAD_JOURNAL_LEAD WHERE lead_id IN (" + ids + ")", Integer.class));
        stores.put("journal events", jdbc.queryForObject("SELECT COUNT(*) FROM LEAD_JOURNAL WHERE lead_id IN (" + ids + ")", Integer.class));
        String hash = connector.context().getBean(dev.leadconnector.journal.LeadJournal.class).emailHash(email);
        stores.put("e-mail hash rows", jdbc.queryForObject("SELECT COUNT(*) FROM LEAD_JOURNAL_LEAD WHERE email_hash = ?",
                Integer.class, hash));
        return stores;
    }

    private static long count(Path folder, String address) {
        return files(folder).stream().filter(Files::isRegularFile)
                .filter(file -> read(file).toLowerCase(Locale.ROOT).contains(address)).count();
    }

    /** Every file under the data folder but the database's that names the address. */
    private static List<Path> filesMentioning(String email) {
        try (Stream<Path> all = Files.walk(dataDir)) {
            return all.filter(Files::isRegularFile).filter(file -> !file.getFileName().toString().startsWith("dedup"))
                    .filter(file -> read(file).toLowerCase(Locale.ROOT).contains(email.toLowerCase(Locale.ROOT))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException gone) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JdbcTemplate jdbc() {
        return new JdbcTemplate(connector.context().getBean(DataSource.class));
    }

    private static HttpResponse<String> erase(String email) {
        return connector.send(HttpRequest.newBuilder(connector.managementUri("/actuator/leads?email="
                        + URLEncoder.encode(email, StandardCharsets.UTF_8)))
                .header("Authorization", basic(ManagementClient.OPERATOR, ManagementClient.OPERATOR_PASSWORD)).DELETE());
    }

    /** Waits until the customer's leads stand at each target as {@code states} says. */
    private static void awaitStates(String email, Map<String, Map<String, String>> states) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode leads = json(ManagementClient.viewer(connector).get("/actuator/leads?email=" + email).body());
            for (Map.Entry<String, Map<String, String>> lead : states.entrySet()) {
                JsonNode found = null;
                for (JsonNode candidate : leads) {
                    if (candidate.path("leadId").asText().equals(lead.getKey())) {
                        found = candidate;
                    }
                }
                if (found == null) {
                    return false;
                }
                for (Map.Entry<String, String> state : lead.getValue().entrySet()) {
                    if (!found.path("states").path(state.getKey()).asText().equals(state.getValue())) {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A browser's login (the form with its CSRF token): the session cookie. */
    private static String logIn(String user, String password) {
        HttpResponse<String> page = connector.send(HttpRequest.newBuilder(connector.managementUri("/login")).GET());
        Matcher token = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page.body());
        assertThat(token.find()).as("the login form's CSRF token").isTrue();
        HttpResponse<String> login = connector.send(HttpRequest.newBuilder(connector.managementUri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookie(page, "XSRF-TOKEN").orElse(""))
                .POST(HttpRequest.BodyPublishers.ofString("username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                        + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)
                        + "&_csrf=" + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8))));
        return cookie(login, "JSESSIONID").orElseThrow();
    }

    private static Optional<String> cookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(header -> header.startsWith(name + "="))
                .map(header -> header.contains(";") ? header.substring(0, header.indexOf(';')) : header).findFirst();
    }
}
