package dev.leadconnector.security;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.files;
import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.leadconnector.management.LoginThrottle;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The security review of issue 15, one test per finding, each an attack over real HTTP on one
 * running connector (intake token set, an https target whose receiver echoes what it got).
 */
@ExtendWith(OutputCaptureExtension.class)
class SecurityTest {

    static final String TOKEN = "intake-token-5b2e7c91";
    static final String FUNCTION_KEY = "function-key-8d1f4a60";
    static final String SIG = "flow-signature-3c9e27";
    static final String HMAC = "hmac-secret-77aa01b3";
    /** A system property of this JVM, as a secret passed with -D would be. */
    static final String SENTINEL = "system-property-secret-19c4e8";
    static final String ROUTE = "org.apache.camel:context=lead-connector,type=routes,name=\"deliver-archive\"";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    static HttpServer receiver;
    static final AtomicReference<String> RECEIVED = new AtomicReference<>();
    static RunningConnector connector;
    static ManagementClient viewer;
    static ManagementClient operator;

    @BeforeAll
    static void start() throws IOException {
        System.setProperty("security-test.secret", SENTINEL);
        // a receiver that answers 503 with the request it got, as a careless endpoint might
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String echo = "you sent " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " with "
                    + exchange.getRequestHeaders().entrySet();
            RECEIVED.set(echo);
            byte[] body = echo.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        receiver.start();
        connector = RunningConnector.start(dataDir,
                "leads.intake.token=" + TOKEN,
                "leads.targets.https.enabled=true",
                "leads.targets.https.url=http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook?api-version=1&sig=" + SIG,
                "leads.targets.https.headers.x-functions-key=" + FUNCTION_KEY,
                "leads.targets.https.hmac-secret=" + HMAC,
                "leads.delivery.max-redeliveries=1",
                "leads.delivery.redelivery-delay=10");
        viewer = ManagementClient.viewer(connector);
        operator = ManagementClient.operator(connector);
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
        receiver.stop(0);
        System.clearProperty("security-test.secret");
    }

    /** Finding 1: the gate decides on the path as it is matched, not as it is spelt. */
    @Test
    void everySpellingOfTheIntakePathMeetsTheGate(CapturedOutput output) {
        String lead = Fixtures.lead("azure-marketplace-ins.json");
        String big = "{\"LeadSource\": \"AzureMarketplace\", \"Description\": \"" + "x".repeat(300_000) + "\"}";
        String form = "LeadSource=AzureMarketplace&FirstName=Zebulon&Email=zebulon%40example.test";
        connector.awaitInboxDrained();
        List<Path> archived = files(connector.archive());
        for (String path : List.of("/lead%73", "/%6ceads", "/%6C%65%61%64%73", "/lead%53")) {
            assertThat(post(path, "application/json", lead).statusCode()).as("no token: " + path).isEqualTo(401);
            assertThat(post(path + "?code=" + TOKEN, "application/json", big).statusCode()).as("300 KB: " + path).isEqualTo(413);
            assertThat(post(path + "?code=" + TOKEN, "text/plain", lead).statusCode()).as("text: " + path).isEqualTo(415);
            assertThat(post(path + "?code=" + TOKEN, "application/x-www-form-urlencoded", form).statusCode())
                    .as("form: " + path).isEqualTo(415);
        }
        // other spellings: refused without the token, and never a 5xx with it
        for (String path : List.of("/leads/", "/LEADS", "/leads;x=y", "//leads", "/x/../leads", "/./leads", "/leads%2F",
                "/leads%3B", "/%2e/leads", "/leads/.", "/leads?", "/lead%73/")) {
            assertThat(post(path, "application/json", lead).statusCode()).as("no token: " + path).isIn(400, 401, 404);
            String withToken = path + (path.contains("?") ? "" : "?") + "code=" + TOKEN;
            for (String type : List.of("text/plain", "application/x-www-form-urlencoded")) {
                assertThat(post(withToken, type, type.startsWith("text") ? lead : form).statusCode())
                        .as(type + ": " + path).isIn(400, 404, 415);
            }
            assertThat(post(withToken, "application/json", big).statusCode()).as("300 KB: " + path).isIn(400, 404, 413);
        }
        connector.awaitInboxDrained();
        assertThat(files(connector.archive())).isEqualTo(archived);
        assertThat(output.getOut()).doesNotContain("Zebulon");
    }

    /** Finding 2: neither login makes the server connect to a JMX server (or anything) it names. */
    @Test
    void theManagementPortConnectsToNoOtherServer() throws IOException {
        try (ServerSocketChannel elsewhere = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            elsewhere.configureBlocking(false);
            int port = elsewhere.socket().getLocalPort();
            for (ManagementClient who : List.of(viewer, operator)) {
                ObjectNode read = JSON.createObjectNode().put("type", "read").put("mbean", "java.lang:type=Memory")
                        .put("attribute", "HeapMemoryUsage");
                read.putObject("target").put("url", "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
                // without Jolokia's JSR-160 proxy the target is ignored: the answer is this JVM's own
                who.post("/actuator/jolokia", read.toString());
                assertThat(who.get("/actuator/hawtio/proxy/http/127.0.0.1/" + port + "/jolokia").statusCode())
                        .as("Hawtio's proxy").isNotEqualTo(200);
            }
            // a connection would have been made before the answers came
            assertThat(elsewhere.accept()).as("a connection to the named server").isNull();
        }
    }

    /** Finding 3: Jolokia acts only on POST, and the session cookie is not sent with another site's requests. */
    @Test
    void jolokiaActsOnNoGetAndTheSessionCookieStaysOnThisSite() {
        BrowserSession session = BrowserSession.logIn(ManagementClient.OPERATOR, ManagementClient.OPERATOR_PASSWORD);
        assertThat(session.setCookie()).containsIgnoringCase("SameSite=Strict");
        String stop = "/exec/" + ROUTE.replace("\"", "%22") + "/stop()";
        for (String path : List.of("/actuator/jolokia" + stop, "/actuator/hawtio/jolokia" + stop,
                "/actuator/jolokia?p=" + stop, "/actuator/jolokia/version?p=" + stop)) {
            HttpResponse<String> answer = session.get(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(403);
            assertThat(routeState()).as(path).isEqualTo("Started");
        }
        assertThat(viewer.get("/actuator/jolokia/read/java.lang:type=Memory/HeapMemoryUsage").statusCode())
                .as("reads neither").isEqualTo(403);
        // the session itself works: its POSTs, with the CSRF token, act
        assertThat(session.get("/actuator/jolokia/version").statusCode()).isEqualTo(200);
        assertThat(json(session.postWithToken("/actuator/jolokia", exec("stop()")).body()).path("status").asInt()).isEqualTo(200);
        assertThat(routeState()).isEqualTo("Stopped");
        operator.execOnRoute("deliver-archive", "start()");
    }

    /** Finding 4: a viewer calls Camel's reports, never a JVM operation such as dumpHeap. */
    @Test
    void aViewerCallsNoJvmOperation() {
        Path dump = dataDir.resolve("viewer.hprof");
        ObjectNode dumpHeap = JSON.createObjectNode().put("type", "exec")
                .put("mbean", "com.sun.management:type=HotSpotDiagnostic").put("operation", "dumpHeap(java.lang.String,boolean)");
        dumpHeap.putArray("arguments").add(dump.toString()).add(true);
        assertThat(viewer.jolokia(dumpHeap).path("status").asInt()).isEqualTo(403);
        assertThat(dump).doesNotExist();
        for (String[] call : List.of(
                new String[] {"com.sun.management:type=DiagnosticCommand", "vmSystemProperties()"},
                new String[] {"com.sun.management:type=DiagnosticCommand", "vmCommandLine()"},
                new String[] {"jdk.management.jfr:type=FlightRecorder", "takeSnapshot()"},
                new String[] {"java.lang:type=Memory", "gc()"},
                new String[] {ROUTE, "dumpTracedMessagesAsXml(java.lang.String)"})) {
            ObjectNode exec = JSON.createObjectNode().put("type", "exec").put("mbean", call[0]).put("operation", call[1]);
            if (call[1].contains("String")) {
                exec.putArray("arguments").add("deliver-archive");
            }
            assertThat(viewer.jolokia(exec).path("status").asInt()).as(call[1]).isEqualTo(403);
        }
        // what Hawtio shows a viewer still works
        assertThat(viewer.execOnRoute("deliver-archive", "dumpRouteAsXml()").path("value").asText()).contains("deliver-archive");
        assertThat(viewer.jolokia(JSON.createObjectNode().put("type", "exec").put("mbean", "java.lang:type=Threading")
                .put("operation", "dumpAllThreads(boolean,boolean)").set("arguments", JSON.createArrayNode().add(false).add(false)))
                .path("status").asInt()).isEqualTo(200);
    }

    /**
     * Finding 5: the command line and the system properties are the operator's, however asked for;
     * no other attribute a viewer reads holds a configured secret either.
     */
    @Test
    void aViewerReadsNeitherTheCommandLineNorTheSystemProperties() {
        for (String attribute : List.of("SystemProperties", "InputArguments")) {
            assertThat(viewer.jolokia(read("java.lang:type=Runtime", attribute)).path("status").asInt()).as(attribute)
                    .isEqualTo(403);
        }
        for (ObjectNode request : List.of(read("java.lang:type=Runtime", null),
                withIgnoreErrors(read("java.lang:type=Runtime", null)),
                withIgnoreErrors(read("java.lang:*", null)), withIgnoreErrors(read("*:*", null)),
                JSON.createObjectNode().put("type", "list"), JSON.createObjectNode().put("type", "search").put("mbean", "*:*"),
                JSON.createObjectNode().put("type", "exec").put("mbean", "com.sun.management:type=DiagnosticCommand")
                        .put("operation", "vmSystemProperties()"))) {
            assertThat(viewer.post("/actuator/jolokia", request.toString()).body()).as(request.toString())
                    .doesNotContain(SENTINEL, TOKEN, FUNCTION_KEY, SIG, HMAC, ManagementClient.OPERATOR_PASSWORD);
        }
        assertThat(operator.jolokia(read("java.lang:type=Runtime", "SystemProperties")).toString())
                .as("the operator may").contains(SENTINEL);
    }

    /** Finding 6: no page of another origin may read Jolokia's answers with the user's login. */
    @Test
    void anotherOriginGetsNoCorsHeaders() {
        String origin = "http://attacker.example";
        HttpResponse<String> post = connector.send(HttpRequest.newBuilder(connector.managementUri("/actuator/jolokia"))
                .header("Authorization", basic(ManagementClient.VIEWER, ManagementClient.VIEWER_PASSWORD))
                .header("Origin", origin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"version\"}")));
        assertThat(post.statusCode()).isEqualTo(200);
        HttpResponse<String> preflight = connector.send(HttpRequest.newBuilder(connector.managementUri("/actuator/jolokia"))
                .header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        for (HttpResponse<String> answer : List.of(post, preflight)) {
            assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(answer.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        }
    }

    /** Finding 7: an Authorization header that logs nobody in does not spare a session its CSRF token. */
    @Test
    void onlyBasicCredentialsThatLogInSkipTheCsrfToken() {
        BrowserSession session = BrowserSession.logIn(ManagementClient.OPERATOR, ManagementClient.OPERATOR_PASSWORD);
        for (String authorization : List.of("Bearer not-a-login", "Negotiate YWJj", "Digest username=\"ops\"")) {
            HttpResponse<String> answer = connector.send(session.request("/actuator/jolokia")
                    .header("Authorization", authorization).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(exec("stop()"))));
            assertThat(answer.statusCode()).as(authorization).isEqualTo(403);
            assertThat(routeState()).as(authorization).isEqualTo("Started");
        }
        // a script's Basic credentials need no token
        assertThat(operator.execOnRoute("deliver-archive", "stop()").path("status").asInt()).isEqualTo(200);
        assertThat(operator.execOnRoute("deliver-archive", "start()").path("status").asInt()).isEqualTo(200);
    }

    /** Finding 8: a line break in a lead does not start a log line of its own. */
    @Test
    void aLineBreakInALeadStartsNoLogLine(CapturedOutput output) {
        String lead = "{\"LeadSource\": \"AzureMarketplace\", \"ActionCode\": \"INS\\r\\nX: y\","
                + " \"UserDetails\": {\"FirstName\": \"Crlf\", \"Email\": \"crlf@example.test\"}}";
        String id = acceptedId(post("/leads?code=" + TOKEN, "application/json", lead));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(connector.deadLetters().resolve(id + "-router.json")));
        await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains("parked in the dead-letter store"));
        assertThat(output.getOut()).contains("INS\\r\\nX: y");
        assertThat(output.getOut().lines()).noneMatch(line -> line.startsWith("X: y"));
    }

    /** Finding 9: configured secrets a receiver echoes are in no answer, dead letter or log line. */
    @Test
    void secretsAnEndpointEchoesAreTakenOutOfEveryErrorText(CapturedOutput output) {
        String id = acceptedId(post("/leads?code=" + TOKEN, "application/json", Fixtures.lead("azure-portal-create.json")));
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(connector.deadLetters().resolve(id + "-https.json")));
        assertThat(RECEIVED.get()).as("the receiver got them").contains(FUNCTION_KEY, SIG);

        JsonNode letter = RunningConnector.readJson(connector.deadLetters().resolve(id + "-https.json"));
        assertThat(letter.path("error").asText()).contains("you sent", "[redacted]");
        HttpResponse<String> listed = viewer.get("/actuator/deadletters?target=https");
        HttpResponse<String> validated = operator.post("/actuator/targets/https/validate");
        assertThat(validated.statusCode()).isEqualTo(502);
        assertThat(json(validated.body()).path("message").asText()).contains("you sent", "[redacted]");
        await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains("caught: "));
        for (String text : List.of(letter.toString(), listed.body(), validated.body(), output.getOut())) {
            assertThat(text).doesNotContain(FUNCTION_KEY, SIG, HMAC, TOKEN);
        }
    }

    /** Finding 10: the login form needs its CSRF token. */
    @Test
    void theLoginFormNeedsItsCsrfToken() {
        HttpResponse<String> forged = connector.send(HttpRequest.newBuilder(connector.managementUri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(ManagementClient.VIEWER, ManagementClient.VIEWER_PASSWORD, null))));
        assertThat(forged.headers().firstValue("Location").orElse("")).doesNotEndWith("/actuator/hawtio/");
        Optional<String> cookie = BrowserSession.sessionCookie(forged);
        cookie.ifPresent(session -> assertThat(connector.send(HttpRequest.newBuilder(
                connector.managementUri("/actuator/jolokia/version")).header("Cookie", session).GET()).statusCode())
                .as("the forged login's session").isNotEqualTo(200));
    }

    /** Finding 10: failed logins lock that login name from that address for a while. */
    @Test
    void failedLoginsLockTheNameFromThatAddress() throws IOException {
        String elsewhere = "127.0.0.2"; // another client address on loopback, so this test locks no other
        for (int i = 0; i < 5; i++) {
            assertThat(basicGetFrom(elsewhere, ManagementClient.VIEWER, "guess-" + i)).isEqualTo(401);
        }
        assertThat(basicGetFrom(elsewhere, ManagementClient.VIEWER, ManagementClient.VIEWER_PASSWORD))
                .as("locked, right password or not").isEqualTo(401);
        assertThat(basicGetFrom(elsewhere, ManagementClient.OPERATOR, ManagementClient.OPERATOR_PASSWORD))
                .as("another name").isEqualTo(200);
        assertThat(viewer.get("/actuator/info").statusCode()).as("the same name from another address").isEqualTo(200);
    }

    /** Issue 25, item 2: failed logins with 1 MB names, or with made-up names, keep nothing and lift no lock. */
    @Test
    void hugeOrMadeUpLoginNamesKeepNothingAndLiftNoLock() throws IOException {
        String elsewhere = "127.0.0.3"; // not the address of the other lock test
        for (int i = 0; i < 5; i++) {
            assertThat(basicGetFrom(elsewhere, ManagementClient.VIEWER, "guess-" + i)).isEqualTo(401);
        }
        LoginThrottle throttle = (LoginThrottle) connector.context().getBean(ProviderManager.class).getProviders().get(0);
        int tracked = throttle.tracked();
        String megabyte = "x".repeat(1 << 20);
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> page = connector.send(HttpRequest.newBuilder(connector.managementUri("/login")).GET());
            Matcher token = BrowserSession.CSRF_INPUT.matcher(page.body());
            assertThat(token.find()).isTrue();
            HttpResponse<String> login = connector.send(HttpRequest.newBuilder(connector.managementUri("/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", BrowserSession.cookie(page, "XSRF-TOKEN").orElse(""))
                    .POST(HttpRequest.BodyPublishers.ofString(form(megabyte + i, "guess", token.group(1)))));
            assertThat(login.headers().firstValue("Location").orElse("")).as("refused").endsWith("/login?error");
        }
        for (int i = 0; i < 200; i++) {
            assertThat(basicGetFrom(elsewhere, "made-up-" + i, "guess")).isEqualTo(401);
        }
        assertThat(throttle.tracked()).as("(name, address) pairs counted").isEqualTo(tracked);
        assertThat(basicGetFrom(elsewhere, ManagementClient.VIEWER, ManagementClient.VIEWER_PASSWORD))
                .as("still locked").isEqualTo(401);
    }

    /** Finding 10: leads, the inbox, dead letters and the database are the connector's user's only. */
    @Test
    void leadFilesDeadLettersAndTheDatabaseAreOwnerOnly() throws IOException {
        operator.execOnRoute("lead-dispatch", "stop()");
        try {
            String id = acceptedId(post("/leads?code=" + TOKEN, "application/json", Fixtures.lead("test-drive-start.json")));
            assertPermissions(connector.inbox().resolve(id + ".json"), "rw-------");
        } finally {
            operator.execOnRoute("lead-dispatch", "start()");
        }
        String id = acceptedId(post("/leads?code=" + TOKEN, "application/json", Fixtures.lead("unknown-action.json")));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(connector.deadLetters().resolve(id + "-router.json")));
        connector.awaitInboxDrained();
        assertPermissions(connector.deadLetters().resolve(id + "-router.json"), "rw-------");
        assertThat(files(connector.archive())).isNotEmpty()
                .allSatisfy(file -> assertPermissions(file, "rw-------"));
        assertPermissions(dataDir.resolve("dedup.mv.db"), "rw-------");
        for (Path folder : List.of(dataDir, connector.inbox(), connector.archive(), connector.deadLetters())) {
            assertPermissions(folder, "rwx------");
        }
    }

    private static void assertPermissions(Path path, String expected) {
        try {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).as(path.toString()).isEqualTo(expected);
        } catch (IOException e) {
            throw new AssertionError(path + ": " + e, e);
        }
    }

    private static HttpResponse<String> post(String path, String type, String body) {
        return connector.send(HttpRequest.newBuilder(connector.uri(path)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static String routeState() {
        return operator.readRoute("deliver-archive", "State").path("value").asText();
    }

    private static String exec(String operation) {
        return JSON.createObjectNode().put("type", "exec").put("mbean", ROUTE).put("operation", operation).toString();
    }

    private static ObjectNode read(String mbean, String attribute) {
        ObjectNode read = JSON.createObjectNode().put("type", "read").put("mbean", mbean);
        return attribute == null ? read : read.put("attribute", attribute);
    }

    private static ObjectNode withIgnoreErrors(ObjectNode request) {
        request.putObject("config").put("ignoreErrors", true);
        return request;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String form(String user, String password, String csrf) {
        return "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)
                + (csrf == null ? "" : "&_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8));
    }

    /** A GET of /actuator/info with Basic credentials from a given local address; answers the status. */
    private static int basicGetFrom(String localAddress, String user, String password) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", connector.managementUri("/").getPort()), 5_000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /actuator/info HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + basic(user, password)
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII); // "HTTP/1.1 200"
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    /** A browser's login to the management port: the form (with its CSRF token), then the session cookie. */
    record BrowserSession(String cookie, String setCookie) {
        static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

        static BrowserSession logIn(String user, String password) {
            HttpResponse<String> page = connector.send(HttpRequest.newBuilder(connector.managementUri("/login")).GET());
            Matcher token = CSRF_INPUT.matcher(page.body());
            assertThat(token.find()).as("the login form's CSRF token").isTrue();
            HttpResponse<String> login = connector.send(HttpRequest.newBuilder(connector.managementUri("/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", cookie(page, "XSRF-TOKEN").orElse(""))
                    .POST(HttpRequest.BodyPublishers.ofString(form(user, password, token.group(1)))));
            assertThat(login.headers().firstValue("Location")).as("logged in").hasValueSatisfying(
                    location -> assertThat(location).endsWith("/actuator/hawtio/"));
            String setCookie = login.headers().allValues("Set-Cookie").stream()
                    .filter(header -> header.startsWith("JSESSIONID=")).findFirst().orElseThrow();
            return new BrowserSession(setCookie.substring(0, setCookie.indexOf(';')), setCookie);
        }

        static Optional<String> sessionCookie(HttpResponse<?> response) {
            return cookie(response, "JSESSIONID");
        }

        static Optional<String> cookie(HttpResponse<?> response, String name) {
            return response.headers().allValues("Set-Cookie").stream().filter(header -> header.startsWith(name + "="))
                    .map(header -> header.contains(";") ? header.substring(0, header.indexOf(';')) : header).findFirst();
        }

        HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(connector.managementUri(path)).header("Cookie", cookie);
        }

        HttpResponse<String> get(String path) {
            return connector.send(request(path).GET());
        }

        /** A POST as Hawtio sends it: the session cookie, and the CSRF token from its cookie as a header. */
        HttpResponse<String> postWithToken(String path, String json) {
            String xsrf = cookie(get("/actuator/jolokia/version"), "XSRF-TOKEN").orElseThrow();
            return connector.send(HttpRequest.newBuilder(connector.managementUri(path))
                    .header("Cookie", cookie + "; " + xsrf).header("X-XSRF-TOKEN", xsrf.substring(xsrf.indexOf('=') + 1))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
        }
    }
}
