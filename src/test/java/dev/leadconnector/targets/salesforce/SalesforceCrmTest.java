package dev.leadconnector.targets.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.targets.batch.CrmCall;
import dev.leadconnector.targets.batch.Found;
import dev.leadconnector.targets.batch.Tickets;
import java.util.List;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** SalesforceCrm's SOQL lookup and its reading of Salesforce's pages, on their own. */
class SalesforceCrmTest {

    static SalesforceCrm crm(String offerField) {
        return new SalesforceCrm(new SalesforceCrm.Settings("56.0", offerField, "[np]", "[np]", false), new ObjectMapper());
    }

    static String soql(SalesforceCrm crm, String... leads) {
        CrmCall call = crm.lookup(java.util.Arrays.stream(leads).map(Tickets::of).toList());
        return call == null ? null : (String) call.headers().get("q");
    }

    @Test
    void findsTheOldestOpenLeadsOfAWholeBatchByEmailInOneQuery() {
        CrmCall call = crm("").lookup(List.of(Tickets.of("{\"customer\": {\"email\": \"a.b@c.example\"}}")));
        assertThat(call.uri()).isEqualTo("salesforce:raw");
        assertThat(call.headers()).containsEntry("rawMethod", "GET").containsEntry("rawPath", "/services/data/v56.0/query/")
                .containsEntry("rawQueryParameters", "q");
        assertThat(soql(crm(""), "{\"customer\": {\"email\": \"a.b@c.example\"}}", "{\"customer\": {\"firstName\": \"Nobody\"}}",
                "{\"customer\": {\"email\": \"d@e.example\"}}", "{\"customer\": {\"email\": \"a.b@c.example\"}}"))
                .isEqualTo("SELECT Id, Status, Email FROM Lead WHERE Email IN ('a.b@c.example', 'd@e.example') "
                        + "AND IsConverted = false ORDER BY CreatedDate ASC");
    }

    @Test
    void aQuoteInTheEmailCannotChangeTheQuery() {
        assertThat(soql(crm(""), "{\"customer\": {\"email\": \"o'hara') OR Email != ('@x.example\"}}"))
                .startsWith("SELECT Id, Status, Email FROM Lead WHERE Email IN ('o\\'hara\\') OR Email != (\\'@x.example') AND");
        assertThat(SalesforceCrm.literal("back\\slash \"quoted\"\nline")).isEqualTo("'back\\\\slash \\\"quoted\\\"\\nline'");
    }

    @Test
    void withAnOfferFieldEachOfferHasItsOwnLead() {
        assertThat(soql(crm("Marketplace_Offer__c"), "{\"customer\": {\"email\": \"a@b.example\"}, "
                + "\"offer\": {\"id\": \"contoso.suite\", \"title\": \"Contoso Suite\"}}"))
                .isEqualTo("SELECT Id, Status, Email, Marketplace_Offer__c FROM Lead WHERE Email IN ('a@b.example') "
                        + "AND Marketplace_Offer__c IN ('contoso.suite') AND IsConverted = false ORDER BY CreatedDate ASC");
        assertThat(soql(crm("Marketplace_Offer__c"), "{\"customer\": {\"email\": \"a@b.example\"}, \"offer\": {\"title\": \"Contoso Suite\"}}"))
                .contains("Marketplace_Offer__c IN ('Contoso Suite')");
    }

    @Test
    void eachPageIsReadUntilSalesforceSaysDoneAndTheOldestLeadWinsWhateverTheEmailsCase() {
        SalesforceCrm crm = crm("");
        Found found = new Found();
        DefaultExchange page = new DefaultExchange(new DefaultCamelContext());
        page.getMessage().setBody("""
                {"totalSize": 3, "done": false, "nextRecordsUrl": "/services/data/v56.0/query/01gRM000000Pag1-2000", "records": [
                  {"Id": "00Q1", "Status": "Open - Not Contacted", "Email": "A.B@c.example"},
                  {"Id": "00Q2", "Status": "Working - Contacted", "Email": "a.b@c.example"}]}""");
        CrmCall next = crm.lookedUp(null, page, found);
        assertThat(next.headers()).containsEntry("rawMethod", "GET").containsEntry("rawPath", "/services/data/v56.0/query/01gRM000000Pag1-2000");
        page.getMessage().setBody("""
                {"totalSize": 3, "done": true, "records": [{"Id": "00Q3", "Status": "Open - Not Contacted", "Email": "d@e.example"}]}""");
        assertThat(crm.lookedUp(null, page, found)).isNull();
        assertThat(crm.key(Tickets.of("{\"customer\": {\"email\": \"A.b@C.example\"}}"))).isEqualTo("a.b@c.example");
    }

    @Test
    void aBatchWithoutEmailsHasNothingToBeFoundBy() {
        assertThat(crm("").lookup(List.of(Tickets.of("{\"customer\": {\"firstName\": \"Nobody\"}}")))).isNull();
    }

    @Test
    void anOfferFieldMustBeAFieldName() {
        assertThatThrownBy(() -> crm("Offer__c = 'x' OR Id"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("leads.targets.salesforce.offer-field");
    }
}
