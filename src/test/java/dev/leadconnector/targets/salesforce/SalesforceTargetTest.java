package dev.leadconnector.targets.salesforce;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static dev.leadconnector.support.RunningConnector.json;
import static dev.leadconnector.support.RunningConnector.readJson;
import static dev.leadconnector.targets.salesforce.FakeSalesforce.COLLECTIONS;
import static dev.leadconnector.targets.salesforce.FakeSalesforce.QUERY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.targets.salesforce.FakeSalesforce.Received;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The salesforce target end to end: leads posted to the running connector, Salesforce's REST API
 * faked by WireMock, and the exact requests Salesforce receives asserted. One application for the
 * class; every test uses its own customer, so leads and Leads never mix.
 */
class SalesforceTargetTest {

    private static final String OPEN = "Open - Not Contacted";
    private static final String WORKING = "Working - Contacted";

    @TempDir
    static Path dataDir;
    static FakeSalesforce salesforce;
    static RunningConnector connector;

    @BeforeAll
    static void start() {
        // The connector starts before Salesforce listens: lazy login, so an outage never stops it.
        salesforce = FakeSalesforce.onFreePort();
        connector = RunningConnector.start(dataDir,
                "leads.targets.salesforce.enabled=true",
                "leads.targets.salesforce.login-url=" + salesforce.url(),
                "leads.targets.salesforce.client-id=" + FakeSalesforce.CLIENT_ID,
                "leads.targets.salesforce.client-secret=" + FakeSalesforce.CLIENT_SECRET,
                // each test's lead comes alone: it need not wait a second for a batch the test before just sent
                "leads.targets.salesforce.batch.max-wait=100ms",
                "leads.delivery.max-redeliveries=1",
                "leads.delivery.redelivery-delay=10");
        salesforce.start();
    }

    @AfterAll
    static void stop() {
        connector.close();
        salesforce.close();
    }

    @BeforeEach
    void resetSalesforce() {
        salesforce.reset();
    }

    @Test
    void aNewCustomerGetsALeadCreatedWithTheStatusOfItsStage() {
        String soql = soql("j.weber@adatum.example");
        salesforce.noLead(soql);
        salesforce.creates("00Q5g00000Weber");

        String id = acceptedId(connector.postLead(Fixtures.lead("test-drive-start.json")));
        awaitDelivered(id);

        List<Received> calls = dataCalls();
        assertThat(calls).extracting(Received::line).containsExactly(
                "GET " + QUERY + "?q=" + soql,
                "POST " + COLLECTIONS);
        assertThat(calls).extracting(Received::authorization).containsOnly("Bearer " + salesforce.token());
        assertThat(record(calls.get(1))).isEqualTo(json("""
                {"FirstName": "Jonas", "LastName": "Weber", "Company": "Adatum", "Email": "j.weber@adatum.example",
                 "Country": "Germany", "LeadSource": "TestDrive",
                 "Description": "Contoso Analytics Suite: started a test drive (TestDrive StartTestDrive)",
                 "Status": "Open - Not Contacted"}"""));
    }

    @Test
    void theConnectorLogsInWithClientCredentialsAndUsesTheInstanceUrlItGets() {
        salesforce.expireSession("00DA0000000TOKEN!login");
        String soql = soql("priya.raman@wingtip.example");
        salesforce.noLead(soql);
        salesforce.creates("00Q5g00000Raman");

        String id = acceptedId(connector.postLead(Fixtures.lead("combined-lead-source.json")));
        awaitDelivered(id);

        Received login = salesforce.received().stream().filter(r -> r.url().equals("/services/oauth2/token"))
                .findFirst().orElseThrow();
        assertThat(login.method()).isEqualTo("POST");
        assertThat(login.body()).contains("grant_type=client_credentials", "client_id=" + FakeSalesforce.CLIENT_ID,
                "client_secret=" + FakeSalesforce.CLIENT_SECRET);
        Received created = dataCalls().get(dataCalls().size() - 1);
        assertThat(created.line()).isEqualTo("POST " + COLLECTIONS);
        assertThat(created.authorization()).isEqualTo("Bearer 00DA0000000TOKEN!login");
        assertThat(record(created)).isEqualTo(json("""
                {"FirstName": "Priya", "LastName": "Raman", "Company": "Wingtip Toys",
                 "Email": "priya.raman@wingtip.example", "Phone": "919845550111", "Title": "Architect",
                 "Country": "IN", "LeadSource": "AzureMarketplace",
                 "Description": "Contoso Analytics Suite: clicked Get it now (AzureMarketplace INS)\\n{\\"mktcmpid\\":\\"spring-launch\\",\\"partnerid\\":\\"4711\\"}",
                 "Status": "Working - Contacted"}"""));
    }

    @Test
    void theCustomersLeadMovesForwardAlongTheFunnelAndNeverBack() {
        String soql = soql("avery.quinn@fabrikam.example");
        String ins = Fixtures.lead("azure-marketplace-ins.json");

        // Get it now: a new Lead, "Working - Contacted"
        salesforce.noLead(soql);
        salesforce.creates("00Q5g00000Quinn");
        awaitDelivered(acceptedId(connector.postLead(ins)));
        assertThat(record(lastDataCall()).path("Status").asText()).isEqualTo(WORKING);

        // bought it: the same Lead is updated; "Working - Contacted" already stands for active, so the Status stays
        salesforce.reset();
        salesforce.lead(soql, "00Q5g00000Quinn", WORKING, "avery.quinn@fabrikam.example");
        salesforce.updates("00Q5g00000Quinn");
        awaitDelivered(acceptedId(connector.postLead(Fixtures.lead("azure-portal-create.json"))));
        assertThat(dataCalls()).extracting(Received::line).containsExactly(
                "GET " + QUERY + "?q=" + soql,
                "PATCH " + COLLECTIONS);
        assertThat(record(lastDataCall())).isEqualTo(json("""
                {"Id": "00Q5g00000Quinn",
                 "FirstName": "Avery", "LastName": "Quinn", "Company": "Fabrikam", "Email": "avery.quinn@fabrikam.example",
                 "Phone": "14255550142", "Title": "Head of Platform", "Country": "US", "LeadSource": "AzurePortal",
                 "Description": "Contoso Analytics Suite: bought it in the Azure portal (AzurePortal Create)"}"""));

        // a test drive arriving late: the Lead is updated, its Status not moved back to "Open - Not Contacted"
        salesforce.reset();
        salesforce.lead(soql, "00Q5g00000Quinn", WORKING, "avery.quinn@fabrikam.example");
        salesforce.updates("00Q5g00000Quinn");
        String lateTestDrive = ins.replace("\"INS\"", "\"StartTestDrive\"").replace("\"AzureMarketplace\"", "\"TestDrive\"");
        awaitDelivered(acceptedId(connector.postLead(lateTestDrive)));
        assertThat(lastDataCall().line()).isEqualTo("PATCH " + COLLECTIONS);
        assertThat(record(lastDataCall()).has("Status")).isFalse();
    }

    @Test
    void aTestDriveLeadThenGetItNowMovesTheStatusForward() {
        String soql = soql("kai.berg@contoso-retail.example");
        salesforce.lead(soql, "00Q5g00000Berg", OPEN, "kai.berg@contoso-retail.example");
        salesforce.updates("00Q5g00000Berg");

        String ins = Fixtures.lead("azure-marketplace-ins.json").replace("avery.quinn@fabrikam.example",
                "kai.berg@contoso-retail.example");
        awaitDelivered(acceptedId(connector.postLead(ins)));

        assertThat(lastDataCall().line()).isEqualTo("PATCH " + COLLECTIONS);
        assertThat(record(lastDataCall()).path("Status").asText()).isEqualTo(WORKING);
    }

    @Test
    void leadsWithoutLastNameOrCompanyGetThemFromTheEmailOrThePlaceholders() {
        String soql = soql("ops@litware.example");
        salesforce.noLead(soql);
        salesforce.creates("00Q5g00000Ops");
        awaitDelivered(acceptedId(connector.postLead(Fixtures.lead("partial-details.json"))));
        assertThat(record(lastDataCall())).isEqualTo(json("""
                {"LastName": "ops", "Company": "litware.example", "Email": "ops@litware.example",
                 "LeadSource": "AzureMarketplace",
                 "Description": "Contoso Analytics Suite: clicked Get it now (AzureMarketplace INS)",
                 "Status": "Working - Contacted"}"""));

        // no email: nothing to find the customer by, so a Lead is created with the placeholders
        salesforce.reset();
        salesforce.creates("00Q5g00000Nobody");
        awaitDelivered(acceptedId(connector.postLead(Fixtures.lead("no-email.json"))));
        assertThat(dataCalls()).extracting(Received::line).containsExactly("POST " + COLLECTIONS);
        assertThat(record(lastDataCall())).isEqualTo(json("""
                {"FirstName": "Nobody", "LastName": "[not provided]", "Company": "[not provided]", "Country": "US",
                 "LeadSource": "AzureMarketplace",
                 "Description": "Contoso Analytics Suite: clicked Get it now (AzureMarketplace INS)",
                 "Status": "Working - Contacted"}"""));
    }

    @Test
    void aLeadSalesforceRefusesIsParkedWithSalesforcesOwnError() {
        String soql = soql("mei.tanaka@northwind.example");
        salesforce.noLead(soql);
        salesforce.refusesCreate("""
                [{"statusCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION", "message": "Country must be a two-letter ISO code",
                  "fields": ["Country"]}]""");

        String id = acceptedId(connector.postLead(Fixtures.lead("appsource-contact-me-camelcase.json")));

        JsonNode envelope = awaitDeadLetter(id);
        assertThat(envelope.path("target").asText()).isEqualTo("salesforce");
        assertThat(envelope.path("error").asText()).isEqualTo(SalesforceApiException.class.getName()
                + ": Salesforce refused the Lead: FIELD_CUSTOM_VALIDATION_EXCEPTION: Country must be a two-letter ISO code [Country]");
        assertThat(envelope.path("lead").path("id").asText()).isEqualTo(id);
        assertThat(dataCalls()).extracting(Received::line).contains("POST " + COLLECTIONS);
        assertThat(record(lastDataCall()).path("Country").asText()).isEqualTo("Japan");
    }

    @Test
    void aRedeliveryStartsAgainFromTheQuery() {
        String soql = soql("sam.okafor@alpineski.example");
        salesforce.noLead(soql);
        salesforce.unavailableOnceThenCreates("00Q5g00000Okafor");

        String ins = Fixtures.lead("azure-marketplace-ins.json").replace("avery.quinn@fabrikam.example",
                "sam.okafor@alpineski.example");
        awaitDelivered(acceptedId(connector.postLead(ins)));

        assertThat(dataCalls()).extracting(r -> r.line() + " " + r.status()).containsExactly(
                "GET " + QUERY + "?q=" + soql + " 200",
                "POST " + COLLECTIONS + " 503",
                "GET " + QUERY + "?q=" + soql + " 200",
                "POST " + COLLECTIONS + " 200");
        assertThat(dataCalls().get(3).body()).isEqualTo(dataCalls().get(1).body());
        assertThat(record(lastDataCall()).path("Email").asText()).isEqualTo("sam.okafor@alpineski.example");
    }

    @Test
    void anExpiredSessionIsRenewedAndTheCallRepeated() {
        String expired = salesforce.token();
        salesforce.expireSession("00DA0000000TOKEN!renewed");
        String soql = soql("lena.fischer@proseware.example");
        salesforce.noLead(soql);
        salesforce.creates("00Q5g00000Fischer");

        String ins = Fixtures.lead("azure-marketplace-ins.json").replace("avery.quinn@fabrikam.example",
                "lena.fischer@proseware.example");
        awaitDelivered(acceptedId(connector.postLead(ins)));

        assertThat(salesforce.received()).extracting(r -> r.line() + " " + r.status()).containsExactly(
                "GET " + QUERY + "?q=" + soql + " 401",
                "POST /services/oauth2/token 200",
                "GET " + QUERY + "?q=" + soql + " 200",
                "POST " + COLLECTIONS + " 200");
        assertThat(salesforce.received().get(0).authorization()).isNotEqualTo("Bearer 00DA0000000TOKEN!renewed");
        assertThat(salesforce.received().get(3).authorization()).isEqualTo("Bearer 00DA0000000TOKEN!renewed");
    }

    @Test
    void theMarketplacesTestLeadIsCreatedMarkedAsATest() {
        String soql = soql("msft_test_636573304831318844@test.com");
        String expected = """
                {"FirstName": "MSFT_TEST_636573304831318844", "LastName": "[TEST] MSFT_TEST_636573304831318844",
                 "Company": "MSFT_TEST_636573304831318844", "Email": "msft_test_636573304831318844@test.com",
                 "Phone": "1234567890", "Title": "MSFT_TEST_636573304831318844", "Country": "US",
                 "LeadSource": "MSFT_TEST_636573304831318844",
                 "Description": "[TEST] Marketplace validation lead sent by lead-connector: safe to delete.",
                 "Status": "Open - Not Contacted"}""";
        salesforce.noLead(soql);
        salesforce.creates("00Q5g00000Test");

        // the marketplace's "Validate" button: the lead comes in over HTTP
        String id = acceptedId(connector.postLead(Fixtures.lead("marketplace-test-lead.json")));
        awaitDelivered(id);
        assertThat(dataCalls()).extracting(Received::line).containsExactly("GET " + QUERY + "?q=" + soql, "POST " + COLLECTIONS);
        assertThat(record(lastDataCall())).isEqualTo(json(expected));

        // the connector's own validate endpoint: the canonical test lead straight to the route
        salesforce.reset();
        salesforce.noLead(soql);
        salesforce.creates("00Q5g00000Test2");
        JsonNode lead = connector.awaitArchived(id);
        ProducerTemplate template = connector.context().getBean(CamelContext.class).createProducerTemplate();
        Exchange done = template.send("direct:deliver-salesforce", exchange -> {
            exchange.getMessage().setBody(lead.toString());
            exchange.getMessage().setHeaders(new HashMap<>(Map.of(
                    "leadId", "validate-" + id, "leadAction", lead.path("action").asText(), "leadTest", true)));
        });
        assertThat(done.getMessage().getHeader("crmOutcome")).isEqualTo("created Lead 00Q5g00000Test2");
        assertThat(dataCalls()).extracting(Received::line).containsExactly("GET " + QUERY + "?q=" + soql, "POST " + COLLECTIONS);
        assertThat(record(lastDataCall())).isEqualTo(json(expected));
    }

    @Test
    void whileSalesforceIsUnreachableLeadsAreParkedAndTheConnectorKeepsTakingThem() {
        salesforce.stop();
        try {
            String ins = Fixtures.lead("azure-marketplace-ins.json").replace("avery.quinn@fabrikam.example",
                    "noor.haddad@relecloud.example");
            String id = acceptedId(connector.postLead(ins));
            JsonNode envelope = awaitDeadLetter(id);
            assertThat(envelope.path("target").asText()).isEqualTo("salesforce");
            assertThat(envelope.path("error").asText()).isEqualTo(SalesforceUnreachableException.class.getName()
                    + ": Salesforce did not answer: java.net.ConnectException: Connection refused");
            // the archive still has it, and the intake still answers
            assertThat(connector.awaitArchived(id).path("id").asText()).isEqualTo(id);
        } finally {
            salesforce.start();
        }
    }

    /** The SOQL a batch of these customers' leads is looked up with. */
    static String soql(String... emails) {
        return "SELECT Id, Status, Email FROM Lead WHERE Email IN ('" + String.join("', '", emails)
                + "') AND IsConverted = false ORDER BY CreatedDate ASC";
    }

    /** The one record of a collection call, checked to be a Lead sent with allOrNone false. */
    private static JsonNode record(Received call) {
        JsonNode request = json(call.body());
        assertThat(request.path("allOrNone").isBoolean()).isTrue();
        assertThat(request.path("allOrNone").asBoolean()).isFalse();
        assertThat(request.path("records")).hasSize(1);
        assertThat(request.path("records").path(0).path("attributes")).isEqualTo(json("{\"type\": \"Lead\"}"));
        return ((ObjectNode) request.path("records").path(0).deepCopy()).without("attributes");
    }

    private static List<Received> dataCalls() {
        return salesforce.received().stream().filter(r -> r.url().startsWith("/services/data/")).toList();
    }

    private static Received lastDataCall() {
        List<Received> calls = dataCalls();
        assertThat(calls).isNotEmpty();
        return calls.get(calls.size() - 1);
    }

    /** Waits until the salesforce target has the lead for good (its delivery key is confirmed). */
    private static void awaitDelivered(String leadId) {
        JdbcTemplate jdbc = new JdbcTemplate(connector.context().getBean(DataSource.class));
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED "
                + "WHERE processorName = 'lead-delivery' AND messageId = ? AND confirmed", Integer.class,
                "salesforce:" + leadId) == 1);
    }

    private static JsonNode awaitDeadLetter(String leadId) {
        Path parked = connector.deadLetters().resolve(leadId + "-salesforce.json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(parked));
        return readJson(parked);
    }
}
