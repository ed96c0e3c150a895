package dev.leadconnector.targets.salesforce;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.leadconnector.support.RunningConnector.json;
import static dev.leadconnector.targets.salesforce.FakeSalesforce.COLLECTIONS;
import static dev.leadconnector.targets.salesforce.FakeSalesforce.QUERY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.leadconnector.support.HeldCalls;
import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.targets.BatchedCrmContract;
import dev.leadconnector.targets.ContractConnector;
import dev.leadconnector.targets.salesforce.FakeSalesforce.Received;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The batched-CRM contract for target "salesforce", against FakeSalesforce: the SOQL query (paged with
 * {@code done: false} and {@code nextRecordsUrl}), sObject Collections create and update with one result
 * per record, a refused record with its errors, 503 when down, 403 REQUEST_LIMIT_EXCEEDED for the org's
 * API limit (waited out as long as {@code max-delay} allows, 1 s here).
 */
class SalesforceContractTest extends BatchedCrmContract {

    SalesforceContractTest() {
        super(crm);
    }

    static final Pattern EMAIL = Pattern.compile("'([^',()]+@[^',()]+)'");

    static final FakeSalesforce salesforce = FakeSalesforce.onFreePort();
    @RegisterExtension
    static final ContractConnector crm = new ContractConnector("salesforce", salesforce::start, salesforce::close,
            SalesforceContractTest::settings);

    static List<String> settings() {
        List<String> settings = new ArrayList<>(List.of(salesforce.settings()));
        // an org with State and Country picklists (SalesforceTargetTest's connector keeps the default: Country)
        settings.add("leads.targets.salesforce.country-picklists=true");
        return settings;
    }

    @BeforeEach
    void resetSalesforce() {
        salesforce.reset();
        salesforce.noLeads();
        salesforce.createsEach();
    }

    @Override
    protected CrmFake fake() {
        return new CrmFake() {
            @Override
            public List<Call> calls(String marker) {
                return salesforce.received().stream().map(SalesforceContractTest::call)
                        .filter(c -> c != null && c.emails().stream().anyMatch(e -> e.contains(marker))).toList();
            }

            @Override
            public HeldCalls.Hold holdLookup(String email) {
                return salesforce.held().hold(salesforce.server(), salesforce.stub(get(urlPathEqualTo(QUERY)))
                        .withQueryParam("q", containing("'" + email + "'")).willReturn(okJson("{\"totalSize\":0,\"done\":true,\"records\":[]}")));
            }

            @Override
            public String refuse(String email) {
                salesforce.server().stubFor(salesforce.stub(post(urlPathEqualTo(COLLECTIONS))).withRequestBody(containing(email))
                        .willReturn(okJson("[{{#each (jsonPath request.body '$.records') as |record|}}{{#unless @first}},{{/unless}}"
                                + "{{#if (eq record.Email '" + email + "')}}{\"success\":false,\"errors\":[{\"statusCode\":"
                                + "\"FIELD_CUSTOM_VALIDATION_EXCEPTION\",\"message\":\"Country must be a two-letter ISO code\","
                                + "\"fields\":[\"Country\"]}]}{{else}}{\"id\":\"00Q5g0000Mix{{@index}}\",\"success\":true,\"errors\":[]}"
                                + "{{/if}}{{/each}}]").withTransformers("response-template")));
                return SalesforceApiException.class.getName() + ": Salesforce refused the Lead: FIELD_CUSTOM_VALIDATION_EXCEPTION: "
                        + "Country must be a two-letter ISO code [Country]";
            }

            @Override
            public void failFirstWrite(String marker) {
                once(marker, aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                        .withBody("[{\"message\":\"Server temporarily unavailable\",\"errorCode\":\"SERVER_UNAVAILABLE\"}]"));
            }

            @Override
            public Duration rateLimitFirstWrite(String marker) {
                once(marker, aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                        .withBody("[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]"));
                return Duration.ofSeconds(1);
            }

            @Override
            public void knownOnSecondPage(String email, String recordId) {
                String next = FakeSalesforce.API + "/query/01gRM000000Pag" + Math.abs(email.hashCode()) + "-2000";
                salesforce.server().stubFor(salesforce.stub(get(urlPathEqualTo(QUERY))).withQueryParam("q", containing("'" + email + "'"))
                        .willReturn(okJson("{\"totalSize\":2001,\"done\":false,\"nextRecordsUrl\":\"" + next + "\",\"records\":[]}")));
                salesforce.server().stubFor(salesforce.stub(get(urlPathEqualTo(next))).willReturn(okJson(
                        "{\"totalSize\":2001,\"done\":true,\"records\":[{\"attributes\":{\"type\":\"Lead\"},\"Id\":\"" + recordId
                                + "\",\"Status\":\"Working - Contacted\",\"Email\":\"" + email + "\"}]}")));
                salesforce.server().stubFor(salesforce.stub(com.github.tomakehurst.wiremock.client.WireMock.patch(urlPathEqualTo(COLLECTIONS)))
                        .willReturn(okJson("[{\"id\":\"" + recordId + "\",\"success\":true,\"errors\":[]}]")));
            }

            @Override
            public String updatedRecord(String email) {
                return salesforce.received().stream().filter(r -> r.method().equals("PATCH") && r.url().startsWith(COLLECTIONS))
                        .flatMap(r -> StreamSupport.stream(json(r.body()).path("records").spliterator(), false))
                        .filter(record -> email.equals(record.path("Email").asText())).map(record -> record.path("Id").asText())
                        .findFirst().orElse(null);
            }
        };
    }

    @org.junit.jupiter.api.Test
    void knownCustomersAreUpdatedAndNewOnesCreatedFromOneQuery() {
        // Salesforce compares e-mails without case: the Lead's own spelling still finds the lead's customer
        String known = unique("known");
        String fresh = unique("new");
        salesforce.leadInAnyQueryFor(known, "00Q5g00000Known", "Open - Not Contacted", known.toUpperCase(java.util.Locale.ROOT));
        salesforce.server().stubFor(salesforce.stub(com.github.tomakehurst.wiremock.client.WireMock.patch(urlPathEqualTo(COLLECTIONS)))
                .willReturn(okJson("[{\"id\":\"00Q5g00000Known\",\"success\":true,\"errors\":[]}]")));
        inFlight();
        List<String> ids = List.of(known, fresh).stream().map(email -> RunningConnector.acceptedId(crm.connector().postLead(
                dev.leadconnector.support.TestLeads.lead(email, "INS")))).toList();
        dev.leadconnector.support.Bursts.awaitDelivered(crm.connector(), "salesforce", ids, Duration.ofSeconds(30));

        List<Received> data = salesforce.received().stream().filter(r -> r.url().startsWith("/services/data/"))
                .filter(r -> Stream.of(known, fresh).anyMatch(email -> r.line().contains(email)
                        || r.body() != null && r.body().contains(email))).toList();
        assertThat(data).extracting(Received::method).containsExactly("GET", "POST", "PATCH");
        assertThat(data.get(0).line()).contains("Email IN ('").contains(known).contains(fresh);
        assertThat(json(data.get(1).body()).path("records").findValuesAsText("Email")).containsExactly(fresh);
        JsonNode update = json(data.get(2).body());
        assertThat(update.path("allOrNone").asBoolean(true)).isFalse();
        assertThat(update.path("records")).hasSize(1);
        assertThat(update.path("records").path(0).path("Id").asText()).isEqualTo("00Q5g00000Known");
        assertThat(update.path("records").path(0).path("attributes").path("type").asText()).isEqualTo("Lead");
        assertThat(update.path("records").path(0).path("Status").asText()).isEqualTo("Working - Contacted");
    }

    @org.junit.jupiter.api.Test
    void withCountryPicklistsTheLeadCarriesTheIsoCodeAndNeverFreeText() {
        String german = unique("picklist");
        String nowhere = unique("picklist");
        List<String> ids = Stream.of(new String[] {german, "Deutschland"}, new String[] {nowhere, "Atlantis"})
                .map(lead -> RunningConnector.acceptedId(crm.connector().postLead(leadFrom(lead[0], lead[1])))).toList();
        dev.leadconnector.support.Bursts.awaitDelivered(crm.connector(), "salesforce", ids, Duration.ofSeconds(30));

        assertThat(created(german)).isEqualTo(json("""
                {"attributes": {"type": "Lead"}, "FirstName": "Avery", "LastName": "Quinn", "Company": "Fabrikam",
                 "Email": "%s", "Phone": "14255550142", "Title": "Head of Platform", "CountryCode": "DE",
                 "LeadSource": "AzureMarketplace", "Description": "Contoso Analytics Suite: clicked Get it now (AzureMarketplace INS)",
                 "Status": "Working - Contacted"}""".formatted(german)));
        // a country the connector does not recognise: no Country (free text the picklist refuses) and no CountryCode
        assertThat(created(nowhere).has("Country")).isFalse();
        assertThat(created(nowhere).has("CountryCode")).isFalse();
        assertThat(created(nowhere).path("Email").asText()).isEqualTo(nowhere);
    }

    private static String leadFrom(String email, String country) {
        com.fasterxml.jackson.databind.node.ObjectNode lead =
                (com.fasterxml.jackson.databind.node.ObjectNode) json(dev.leadconnector.support.TestLeads.lead(email, "INS"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) lead.get("UserDetails")).put("Country", country);
        return lead.toString();
    }

    private static JsonNode created(String email) {
        return salesforce.received().stream().filter(r -> r.method().equals("POST") && r.url().startsWith(COLLECTIONS))
                .flatMap(r -> StreamSupport.stream(json(r.body()).path("records").spliterator(), false))
                .filter(record -> email.equals(record.path("Email").asText())).findFirst().orElseThrow();
    }

    private static void once(String marker, ResponseDefinitionBuilder answer) {
        BatchedCrmContract.once(salesforce.server(), () -> salesforce.stub(post(urlPathEqualTo(COLLECTIONS))), marker, answer,
                okJson("[{{#each (jsonPath request.body '$.records') as |record|}}{{#unless @first}},{{/unless}}"
                        + "{\"id\":\"00Q5g0000Again{{@index}}\",\"success\":true,\"errors\":[]}{{/each}}]")
                        .withTransformers("response-template"));
    }

    /** A query (the e-mails of its IN list) or a collection call (its records' e-mails); null for other calls. */
    static Call call(Received received) {
        if (received.method().equals("GET") && received.url().startsWith(QUERY + "?")) {
            List<String> emails = new ArrayList<>();
            Matcher email = EMAIL.matcher(URLDecoder.decode(received.url(), StandardCharsets.UTF_8));
            while (email.find()) {
                emails.add(email.group(1));
            }
            return new Call(false, emails, received.at(), received.status());
        }
        if (received.url().startsWith(COLLECTIONS) && received.body() != null) {
            JsonNode records = json(received.body()).path("records");
            return new Call(true, records.findValuesAsText("Email"), received.at(), received.status());
        }
        return null;
    }
}
