package dev.leadconnector.targets.salesforce;

import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SalesforceLeadsTest {

    @Test
    void findsTheOldestOpenLeadsOfAWholeBatchByEmailInOneQuery() {
        assertThat(new SalesforceLeads("").findQuery(List.of(
                json("{\"customer\": {\"email\": \"a.b@c.example\"}}"),
                json("{\"customer\": {\"firstName\": \"Nobody\"}}"),
                json("{\"customer\": {\"email\": \"d@e.example\"}}"),
                json("{\"customer\": {\"email\": \"a.b@c.example\"}}"))))
                .isEqualTo("SELECT Id, Status, Email FROM Lead WHERE Email IN ('a.b@c.example', 'd@e.example') "
                        + "AND IsConverted = false ORDER BY CreatedDate ASC");
    }

    @Test
    void aQuoteInTheEmailCannotChangeTheQuery() {
        assertThat(new SalesforceLeads("").findQuery(List.of(json("{\"customer\": {\"email\": \"o'hara') OR Email != ('@x.example\"}}"))))
                .startsWith("SELECT Id, Status, Email FROM Lead WHERE Email IN ('o\\'hara\\') OR Email != (\\'@x.example') AND");
        assertThat(SalesforceLeads.literal("back\\slash \"quoted\"\nline")).isEqualTo("'back\\\\slash \\\"quoted\\\"\\nline'");
    }

    @Test
    void withAnOfferFieldEachOfferHasItsOwnLead() {
        SalesforceLeads perOffer = new SalesforceLeads("Marketplace_Offer__c");
        assertThat(perOffer.findQuery(List.of(json("{\"customer\": {\"email\": \"a@b.example\"}, "
                + "\"offer\": {\"id\": \"contoso.suite\", \"title\": \"Contoso Suite\"}}"))))
                .isEqualTo("SELECT Id, Status, Email, Marketplace_Offer__c FROM Lead WHERE Email IN ('a@b.example') "
                        + "AND Marketplace_Offer__c IN ('contoso.suite') AND IsConverted = false ORDER BY CreatedDate ASC");
        assertThat(perOffer.findQuery(List.of(json("{\"customer\": {\"email\": \"a@b.example\"}, \"offer\": {\"title\": \"Contoso Suite\"}}"))))
                .contains("Marketplace_Offer__c IN ('Contoso Suite')");
    }

    @Test
    void eachLeadFindsItsCustomersOldestLeadWhateverTheEmailsCase() {
        SalesforceLeads leads = new SalesforceLeads("");
        var known = leads.known("""
                {"totalSize": 3, "done": true, "records": [
                  {"Id": "00Q1", "Status": "Open - Not Contacted", "Email": "A.B@c.example"},
                  {"Id": "00Q2", "Status": "Working - Contacted", "Email": "a.b@c.example"},
                  {"Id": "00Q3", "Status": "Open - Not Contacted", "Email": "d@e.example"}]}""");
        assertThat(known.get("a.b@c.example").path("Id").asText()).isEqualTo("00Q1");
        assertThat(known.get("d@e.example").path("Id").asText()).isEqualTo("00Q3");
    }

    @Test
    void aBatchWithoutEmailsHasNothingToBeFoundBy() {
        assertThat(new SalesforceLeads("").findQuery(List.of(json("{\"customer\": {\"firstName\": \"Nobody\"}}")))).isNull();
    }

    @Test
    void anOfferFieldMustBeAFieldName() {
        assertThatThrownBy(() -> new SalesforceLeads("Offer__c = 'x' OR Id"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("leads.targets.salesforce.offer-field");
    }
}
