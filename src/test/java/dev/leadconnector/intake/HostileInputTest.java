package dev.leadconnector.intake;

import static dev.leadconnector.support.RunningConnector.files;
import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.RunningConnector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A corpus of bad requests, each with its exact status and a check that nothing was stored, hostile
 * text that must be kept verbatim, and a bounded random mutation run over the fixtures.
 */
class HostileInputTest {

    @TempDir
    static Path dataDir;
    static RunningConnector connector;

    @BeforeAll
    static void start() {
        connector = RunningConnector.start(dataDir, "server.tomcat.connection-timeout=2s");
    }

    @AfterAll
    static void stop() {
        connector.close();
    }

    static final String JSON = "application/json";
    static final String LEAD = "{\"LeadSource\": \"AzureMarketplace\", \"ActionCode\": \"INS\"}";

    static Stream<Arguments> corpus() {
        return Stream.of(
                bad("truncated JSON", 400, "POST", JSON, Fixtures.bad("truncated.json")),
                bad("top-level array", 400, "POST", JSON, Fixtures.bad("array-not-object.json")),
                bad("wrong types", 400, "POST", JSON, Fixtures.bad("wrong-types.json")),
                bad("top-level string", 400, "POST", JSON, "\"AzureMarketplace\""),
                bad("top-level number", 400, "POST", JSON, "42"),
                bad("top-level null", 400, "POST", JSON, "null"),
                bad("empty object: no LeadSource", 400, "POST", JSON, "{}"),
                bad("empty LeadSource", 400, "POST", JSON, "{\"LeadSource\": \"\"}"),
                bad("deeply nested", 400, "POST", JSON, "{\"x\": " + "[".repeat(5000) + "]".repeat(5000) + "}"),
                bad("duplicate keys", 400, "POST", JSON, "{\"LeadSource\": \"A\", \"LeadSource\": \"B\"}"),
                bad("duplicate keys by case", 400, "POST", JSON, "{\"LeadSource\": \"A\", \"leadsource\": \"B\"}"),
                bad("duplicate customer keys by case", 400, "POST", JSON,
                        "{\"LeadSource\": \"A\", \"UserDetails\": {\"Email\": \"a@b.example\", \"EMAIL\": \"c@d.example\"}}"),
                badBytes("invalid UTF-8", 400, HexFormat.of().parseHex("7b224c656164536f75726365223a2241ff22207d")),
                badBytes("overlong UTF-8", 400, HexFormat.of().parseHex("7b224c656164536f75726365223a2241c0af22207d")),
                bad("empty body", 400, "POST", JSON, ""),
                bad("whitespace only", 400, "POST", JSON, "   \n\t "),
                bad("trailing garbage", 400, "POST", JSON, LEAD + " {\"more\": 1}"),
                bad("comments", 400, "POST", JSON, "{/* hi */ \"LeadSource\": \"A\"}"),
                bad("single quotes", 400, "POST", JSON, "{'LeadSource': 'A'}"),
                bad("NaN literal", 400, "POST", JSON, "{\"LeadSource\": \"A\", \"x\": NaN}"),
                bad("UserDetails as array", 400, "POST", JSON, "{\"LeadSource\": \"A\", \"UserDetails\": [\"a@b.example\"]}"),
                bad("Email as number", 400, "POST", JSON, "{\"LeadSource\": \"A\", \"UserDetails\": {\"Email\": 7}}"),
                bad("ActionCode as object", 400, "POST", JSON, "{\"LeadSource\": \"A\", \"ActionCode\": {\"x\": 1}}"),
                bad("over the size limit", 413, "POST", JSON, "{\"LeadSource\": \"A\", \"Description\": \""
                        + "x".repeat(66_000) + "\"}"),
                bad("text/plain", 415, "POST", "text/plain", LEAD),
                bad("form post", 415, "POST", "application/x-www-form-urlencoded", "LeadSource=AzureMarketplace"),
                bad("multipart", 415, "POST", "multipart/form-data; boundary=x", "--x--"),
                bad("xml", 415, "POST", "application/xml", "<lead/>"),
                bad("json-like subtype", 415, "POST", "application/jsonx", LEAD),
                bad("no content type", 415, "POST", null, LEAD),
                bad("garbage content type", 415, "POST", "not a media type;;;", LEAD),
                bad("GET", 405, "GET", null, null),
                bad("PUT", 405, "PUT", JSON, LEAD),
                bad("DELETE", 405, "DELETE", null, null),
                bad("PATCH", 405, "PATCH", JSON, LEAD),
                // the same checks for every spelling of the path the route answers on
                bad("encoded s: over the size limit", 413, "POST", JSON, "{\"LeadSource\": \"A\", \"Description\": \""
                        + "x".repeat(66_000) + "\"}", "/lead%73"),
                bad("encoded s: text/plain", 415, "POST", "text/plain", LEAD, "/lead%73"),
                bad("encoded s: form post", 415, "POST", "application/x-www-form-urlencoded",
                        "LeadSource=AzureMarketplace&FirstName=Zebulon", "/lead%73"),
                bad("encoded s: GET", 405, "GET", null, null, "/lead%73"),
                bad("encoded l: form post", 415, "POST", "application/x-www-form-urlencoded",
                        "LeadSource=AzureMarketplace", "/%6ceads"),
                bad("all encoded: text/plain", 415, "POST", "text/plain", LEAD, "/%6C%65%61%64%73"),
                bad("encoded capital S: no content type", 415, "POST", null, LEAD, "/lead%53"),
                bad("trailing slash: form post", 415, "POST", "application/x-www-form-urlencoded",
                        "LeadSource=AzureMarketplace", "/leads/"),
                bad("upper case: xml", 415, "POST", "application/xml", "<lead/>", "/LEADS"),
                bad("path parameter: form post", 415, "POST", "application/x-www-form-urlencoded",
                        "LeadSource=AzureMarketplace", "/leads;x=y"),
                bad("unknown path", 404, "POST", JSON, LEAD, "/lead"),
                bad("path below /leads", 404, "POST", JSON, LEAD, "/leads/extra"));
    }

    private static Arguments bad(String name, int status, String method, String type, String body) {
        return bad(name, status, method, type, body, "/leads");
    }

    private static Arguments bad(String name, int status, String method, String type, String body, String path) {
        return Arguments.of(name, status, method, type, body == null ? null : body.getBytes(StandardCharsets.UTF_8), path);
    }

    private static Arguments badBytes(String name, int status, byte[] body) {
        return Arguments.of(name, status, "POST", JSON, body, "/leads");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("corpus")
    void eachBadRequestGetsItsStatusAndStoresNothing(String name, int status, String method, String type, byte[] body,
                                                     String path) {
        Snapshot before = Snapshot.take();
        HttpRequest.Builder request = HttpRequest.newBuilder(connector.uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        HttpResponse<String> response = connector.send(request);

        assertThat(response.statusCode()).as(name).isEqualTo(status);
        assertNoLeak(response.body());
        if (status != 404) {
            assertThat(response.headers().firstValue("Content-Type")).as(name).hasValue("application/problem+json");
            assertThat(json(response.body()).path("status").asInt()).isEqualTo(status);
        }
        assertThat(Snapshot.take()).as(name + " stored nothing").isEqualTo(before);
    }

    @Test
    void aHugeBodyIsRefusedBeforeItIsSent() throws IOException {
        Snapshot before = Snapshot.take();
        try (Socket socket = new Socket("127.0.0.1", connector.uri("/").getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /leads HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 104857600\r\n\r\n{\"LeadSource\": \"").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // 100 MB announced, a few bytes sent: the answer comes without the rest
            assertThat(readStatusLine(socket.getInputStream())).isEqualTo("HTTP/1.1 413 ");
        }
        assertThat(Snapshot.take()).isEqualTo(before);
    }

    @Test
    void aChunkedBodyThatNeverEndsTimesOutCleanly() throws IOException {
        Snapshot before = Snapshot.take();
        try (Socket socket = new Socket("127.0.0.1", connector.uri("/").getPort())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /leads HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"LeadSource\": \"\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // then silence: the server gives up after its connection timeout (2 s here)
            long start = System.nanoTime();
            String status;
            try {
                status = readStatusLine(socket.getInputStream());
            } catch (SocketTimeoutException e) {
                status = "client timed out first";
            }
            assertThat(status).isIn("HTTP/1.1 400 ", "HTTP/1.1 408 ", "closed");
            assertThat((System.nanoTime() - start) / 1_000_000_000).isLessThan(12);
        }
        assertThat(Snapshot.take()).isEqualTo(before);
    }

    @Test
    void hostileTextIsStoredVerbatimNeverInterpreted() {
        String name = "Robert'); DROP TABLE CAMEL_MESSAGEPROCESSED;--";
        String script = "<script>alert(document.cookie)</script>";
        String control = "tab\there\u0001bell\u0007nul\u0000end";
        String longText = "\u00e9".repeat(20_000);
        String lead = "{\"LeadSource\": \"AzureMarketplace\", \"ActionCode\": \"INS\", \"UserDetails\": {"
                + "\"FirstName\": " + quote(name) + ", \"LastName\": " + quote(script) + ", \"Company\": " + quote(control)
                + ", \"Email\": \"hostile@example.test\"}, \"Description\": " + quote(longText) + "}";
        HttpResponse<String> response = connector.postLead(lead);
        assertThat(response.statusCode()).isEqualTo(202);

        var archived = connector.awaitArchived(RunningConnector.acceptedId(response));
        assertThat(archived.path("customer").path("firstName").asText()).isEqualTo(name);
        assertThat(archived.path("customer").path("lastName").asText()).isEqualTo(script);
        assertThat(archived.path("customer").path("company").asText()).isEqualTo(control.trim());
        assertThat(archived.path("description").asText()).isEqualTo(longText);
        assertThat(new JdbcTemplate(connector.context().getBean(DataSource.class))
                .queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED", Integer.class)).isPositive();
    }

    /**
     * A sender that retries before its first try was answered: the same lead, many times at once,
     * while dispatch takes and deletes the inbox file of the copies before. Each copy is written
     * over the last (one inbox file per lead id), and none may be refused for the race.
     */
    @Test
    void theSameLeadFromManyClientsAtOnceIsAcceptedEveryTime() throws Exception {
        byte[] lead = Fixtures.lead("appsource-do-not-contact.json").getBytes(StandardCharsets.UTF_8);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                answers.add(clients.submit(() -> connector.send(HttpRequest.newBuilder(connector.uri("/leads"))
                        .header("Content-Type", JSON).POST(HttpRequest.BodyPublishers.ofByteArray(lead)))));
            }
            List<String> ids = new ArrayList<>();
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                ids.add(RunningConnector.acceptedId(response));
            }
            assertThat(ids).containsOnly(ids.get(0));
            connector.awaitArchived(ids.get(0));
            connector.awaitInboxDrained();
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void randomMutationsOfTheFixturesNeverGetA5xxOrAStackTrace() throws Exception {
        int mutations = Integer.getInteger("leads.mutations", 10_000);
        Random random = new Random(20261126L);
        List<byte[]> seeds = new ArrayList<>();
        Fixtures.GOOD.forEach(f -> seeds.add(Fixtures.lead(f).getBytes(StandardCharsets.UTF_8)));
        Fixtures.BAD.forEach(f -> seeds.add(Fixtures.bad(f).getBytes(StandardCharsets.UTF_8)));
        List<byte[]> bodies = new ArrayList<>(mutations);
        for (int i = 0; i < mutations; i++) {
            bodies.add(mutate(seeds.get(random.nextInt(seeds.size())), random));
        }
        // sent by 8 clients at once, as a campaign's leads arrive: the same mutations (one seed), and
        // concurrent requests share the inbox's folder sync instead of waiting for one another
        int[] byStatus = new int[600];
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>(mutations);
            for (byte[] body : bodies) {
                answers.add(clients.submit(() -> connector.send(HttpRequest.newBuilder(connector.uri("/leads"))
                        .header("Content-Type", JSON).POST(HttpRequest.BodyPublishers.ofByteArray(body)))));
            }
            for (int i = 0; i < mutations; i++) {
                HttpResponse<String> response = answers.get(i).get(60, TimeUnit.SECONDS);
                byStatus[response.statusCode()]++;
                assertThat(response.statusCode()).as("mutation %d: %s", i, new String(bodies.get(i), StandardCharsets.UTF_8))
                        .isIn(202, 400);
                assertNoLeak(response.body());
            }
        } finally {
            clients.shutdownNow();
        }
        System.out.printf("mutation run: %d requests, %d accepted (202), %d rejected (400)%n",
                mutations, byStatus[202], byStatus[400]);
        assertThat(byStatus[202]).isPositive();
        assertThat(byStatus[400]).isPositive();
    }

    private static final byte[] INSERTS = "{}[]\",:\\0 ".getBytes(StandardCharsets.US_ASCII);

    /** One to three random edits: flip, delete, insert, duplicate a span, truncate. */
    static byte[] mutate(byte[] seed, Random random) {
        byte[] body = seed.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && body.length > 1; e++) {
            int at = random.nextInt(body.length);
            switch (random.nextInt(5)) {
                case 0 -> body[at] = (byte) random.nextInt(256);
                case 1 -> body = concat(slice(body, 0, at), slice(body, at + 1, body.length));
                case 2 -> body = concat(slice(body, 0, at), new byte[] {INSERTS[random.nextInt(INSERTS.length)]},
                        slice(body, at, body.length));
                case 3 -> {
                    int end = Math.min(body.length, at + random.nextInt(20));
                    body = concat(slice(body, 0, end), slice(body, at, end), slice(body, end, body.length));
                }
                default -> body = slice(body, 0, at);
            }
        }
        return body;
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return java.util.Arrays.copyOfRange(bytes, from, to);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private static void assertNoLeak(String body) {
        assertThat(body).doesNotContain("Exception", "\tat ", "at dev.leadconnector", "at org.apache", "trace");
    }

    private static String quote(String text) {
        return connectorJson(text);
    }

    private static String connectorJson(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readStatusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\r') {
            line.append((char) c);
            if (line.length() == 13) {
                return line.toString();
            }
        }
        return line.isEmpty() ? "closed" : line.toString();
    }

    record Snapshot(List<Path> inbox, List<Path> archive, List<Path> deadLetters, int keys) {
        static Snapshot take() {
            connector.awaitInboxDrained();
            return new Snapshot(files(connector.inbox()), files(connector.archive()), files(connector.deadLetters()),
                    new JdbcTemplate(connector.context().getBean(DataSource.class))
                            .queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED", Integer.class));
        }
    }
}
