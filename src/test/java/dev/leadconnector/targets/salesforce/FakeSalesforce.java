package dev.leadconnector.targets.salesforce;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.LoggedResponse;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.leadconnector.support.HeldCalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Salesforce's REST API as its documentation describes it, on a loopback WireMock server: the
 * OAuth 2.0 token endpoint (client credentials), SOQL query, Lead create and update with sObject
 * Collections (one result per record, in request order, a refused record with its errors), and the
 * error answers (401 INVALID_SESSION_ID for any token but the current one, 503 error arrays).
 * The token response's instance_url points back at this server, so data calls come here too.
 */
public final class FakeSalesforce implements AutoCloseable {

    public static final String CLIENT_ID = "3MVG9-connected-app-key";
    public static final String CLIENT_SECRET = "connected-app-secret";
    public static final String API = "/services/data/v56.0";
    public static final String QUERY = API + "/query/";
    public static final String LEADS = API + "/sobjects/Lead";
    public static final String COLLECTIONS = API + "/composite/sobjects";

    private final WireMockServer server;
    private final HeldCalls held = new HeldCalls();
    private final int port;
    private String token = "00DA0000000TOKEN!first";

    FakeSalesforce(int port) {
        this.port = port;
        server = new WireMockServer(options().bindAddress("127.0.0.1").port(port).extensions(held));
    }

    /** A fake on a free loopback port, not started yet. */
    public static FakeSalesforce onFreePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new FakeSalesforce(socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void start() {
        server.start();
    }

    public void stop() {
        server.stop();
    }

    @Override
    public void close() {
        server.stop();
    }

    /** The connector settings that turn the salesforce target on against this fake. */
    public String[] settings() {
        return new String[] {
                "leads.targets.salesforce.enabled=true",
                "leads.targets.salesforce.login-url=" + url(),
                "leads.targets.salesforce.client-id=" + CLIENT_ID,
                "leads.targets.salesforce.client-secret=" + CLIENT_SECRET};
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    String token() {
        return token;
    }

    /** Forgets every stub and request, then answers logins with the current token. */
    public void reset() {
        server.resetAll();
        stubLogin();
        // any data call without the current token: the session expired (or was never opened)
        server.stubFor(any(urlMatching("/services/data/.*")).atPriority(10)
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]")));
    }

    /** The session the connector holds expires: the next login gets a new token. */
    void expireSession(String newToken) {
        token = newToken;
        stubLogin();
    }

    /** Logins with the OAuth 2.0 JWT bearer flow (any assertion: the test checks its signature) get the token. */
    void acceptJwtLogins() {
        server.stubFor(post(urlPathEqualTo("/services/oauth2/token"))
                .withFormParam("grant_type", equalTo("urn:ietf:params:oauth:grant-type:jwt-bearer"))
                .withFormParam("assertion", matching("[\\w-]+=*\\.[\\w-]+=*\\.[\\w-]+=*"))
                .willReturn(tokenResponse()));
    }

    private void stubLogin() {
        server.stubFor(post(urlPathEqualTo("/services/oauth2/token"))
                .withFormParam("grant_type", equalTo("client_credentials"))
                .withFormParam("client_id", equalTo(CLIENT_ID))
                .withFormParam("client_secret", equalTo(CLIENT_SECRET))
                .willReturn(tokenResponse()));
    }

    private ResponseDefinitionBuilder tokenResponse() {
        return okJson("{\"access_token\":\"" + token + "\",\"signature\":\"d2lyZW1vY2s=\","
                        + "\"scope\":\"api\",\"instance_url\":\"" + url() + "\","
                        + "\"id\":\"https://login.salesforce.com/id/00DA0000000ORG/005A0000000USER\","
                        + "\"token_type\":\"Bearer\",\"issued_at\":\"" + System.currentTimeMillis() + "\"}");
    }

    /** The query finds no Lead. */
    void noLead(String soql) {
        server.stubFor(authorized(get(urlPathEqualTo(QUERY)).withQueryParam("q", equalTo(soql)))
                .willReturn(okJson("{\"totalSize\":0,\"done\":true,\"records\":[]}")));
    }

    /** The query finds this customer's Lead with this Status. */
    void lead(String soql, String id, String status, String email) {
        server.stubFor(authorized(get(urlPathEqualTo(QUERY)).withQueryParam("q", equalTo(soql)))
                .willReturn(okJson("{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":{\"type\":\"Lead\","
                        + "\"url\":\"" + LEADS + "/" + id + "\"},\"Id\":\"" + id + "\",\"Status\":\"" + status
                        + "\",\"Email\":\"" + email + "\"}]}")));
    }

    /** Any query naming this email (a batch's query names several) finds this Lead with this Status. */
    void leadInAnyQueryFor(String email, String id, String status, String storedEmail) {
        server.stubFor(authorized(get(urlPathEqualTo(QUERY)).withQueryParam("q", containing("'" + email + "'")))
                .willReturn(okJson("{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":{\"type\":\"Lead\","
                        + "\"url\":\"" + LEADS + "/" + id + "\"},\"Id\":\"" + id + "\",\"Status\":\"" + status
                        + "\",\"Email\":\"" + storedEmail + "\"}]}")));
    }

    /** Any query finds no Lead. */
    public void noLeads() {
        server.stubFor(authorized(get(urlPathEqualTo(QUERY))).atPriority(5)
                .willReturn(okJson("{\"totalSize\":0,\"done\":true,\"records\":[]}")));
    }

    /** Creating Leads succeeds: this id for a lone record. */
    void creates(String id) {
        server.stubFor(authorized(post(urlPathEqualTo(COLLECTIONS))).willReturn(okJson(
                "[{\"id\":\"" + id + "\",\"success\":true,\"errors\":[]}]")));
    }

    /** Creating Leads succeeds for every record, each with an id of its own (00Q...0, 00Q...1, ...). */
    public void createsEach() {
        server.stubFor(authorized(post(urlPathEqualTo(COLLECTIONS))).atPriority(5).willReturn(okJson(
                "[{{#each (jsonPath request.body '$.records') as |record|}}{{#unless @first}},{{/unless}}"
                        + "{\"id\":\"00Q5g0000Burst{{@index}}\",\"success\":true,\"errors\":[]}{{/each}}]")
                .withTransformers("response-template")));
    }

    /** Updating this Lead succeeds. */
    void updates(String id) {
        server.stubFor(authorized(patch(urlPathEqualTo(COLLECTIONS))).willReturn(okJson(
                "[{\"id\":\"" + id + "\",\"success\":true,\"errors\":[]}]")));
    }

    /** Creating a lone Lead: Salesforce refuses the record with its errors ([{"statusCode","message","fields"}]). */
    void refusesCreate(String errorArray) {
        server.stubFor(authorized(post(urlPathEqualTo(COLLECTIONS)))
                .willReturn(okJson("[{\"success\":false,\"errors\":" + errorArray + "}]")));
    }

    /** Salesforce is briefly down: the first create answers 503, the next one succeeds. */
    void unavailableOnceThenCreates(String id) {
        server.stubFor(authorized(post(urlPathEqualTo(COLLECTIONS))).inScenario("outage").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                        .withBody("[{\"message\":\"Server temporarily unavailable\",\"errorCode\":\"SERVER_UNAVAILABLE\"}]"))
                .willSetStateTo("back"));
        server.stubFor(authorized(post(urlPathEqualTo(COLLECTIONS))).inScenario("outage").whenScenarioStateIs("back")
                .willReturn(okJson("[{\"id\":\"" + id + "\",\"success\":true,\"errors\":[]}]")));
    }

    public MappingBuilder stub(MappingBuilder request) {
        return authorized(request);
    }

    public WireMockServer server() {
        return server;
    }

    /** Calls its stubs hold in flight until the test releases them. */
    public HeldCalls held() {
        return held;
    }

    private MappingBuilder authorized(MappingBuilder request) {
        return request.withHeader("Authorization", equalTo("Bearer " + token)).atPriority(1);
    }

    /** Every request received, oldest first. */
    public List<Received> received() {
        List<ServeEvent> newestFirst = new ArrayList<>(server.getAllServeEvents());
        Collections.reverse(newestFirst);
        return newestFirst.stream().map(Received::of).toList();
    }

    /** One request as Salesforce saw it, and the status it answered. */
    public record Received(String method, String url, String authorization, String body, int status, long at) {

        static Received of(ServeEvent event) {
            LoggedResponse response = event.getResponse();
            return new Received(event.getRequest().getMethod().getName(), event.getRequest().getUrl(),
                    event.getRequest().getHeader("Authorization"), event.getRequest().getBodyAsString(),
                    response == null ? 0 : response.getStatus(), event.getRequest().getLoggedDate().getTime());
        }

        /** "METHOD path", with the query decoded: what a reader compares. */
        public String line() {
            return method + " " + URLDecoder.decode(url, StandardCharsets.UTF_8);
        }
    }
}
