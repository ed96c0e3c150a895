package dev.leadconnector.targets.salesforce;

import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SalesforceLeadsTest {

    @Test
    void findsTheOldestOpenLeadByEmail() {
        assertThat(new SalesforceLeads("").findQuery(json("{\"customer\": {\"email\": \"a.b@c.example\"}}")))
                .isEqualTo("SELECT Id, Status FROM Lead WHERE Email = 'a.b@c.example' "
                        + "AND IsConverted = false ORDER BY CreatedDate ASC LIMIT 1");
    }

    @Test
    void aQuoteInTheEmailCannotChangeTheQuery() {
        assertThat(new SalesforceLeads("").findQuery(json("{\"customer\": {\"email\": \"o'hara' OR Email != '@x.example\"}}")))
                .startsWith("SELECT Id, Status FROM Lead WHERE Email = 'o\\'hara\\' OR Email != \\'@x.example' AND");
        assertThat(SalesforceLeads.literal("back\\slash \"quoted\"\nline")).isEqualTo("'back\\\\slash \\\"quoted\\\"\\nline'");
    }

    @Test
    void withAnOfferFieldEachOfferHasItsOwnLead() {
        SalesforceLeads perOffer = new SalesforceLeads("Marketplace_Offer__c");
        assertThat(perOffer.findQuery(json("{\"customer\": {\"email\": \"a@b.example\"}, "
                + "\"offer\": {\"id\": \"contoso.suite\", \"title\": \"Contoso Suite\"}}")))
                .isEqualTo("SELECT Id, Status FROM Lead WHERE Email = 'a@b.example' AND Marketplace_Offer__c = 'contoso.suite' "
                        + "AND IsConverted = false ORDER BY CreatedDate ASC LIMIT 1");
        assertThat(perOffer.findQuery(json("{\"customer\": {\"email\": \"a@b.example\"}, \"offer\": {\"title\": \"Contoso Suite\"}}")))
                .contains("Marketplace_Offer__c = 'Contoso Suite'");
    }

    @Test
    void aLeadWithoutEmailHasNothingToBeFoundBy() {
        assertThat(new SalesforceLeads("").findQuery(json("{\"customer\": {\"firstName\": \"Nobody\"}}"))).isNull();
    }

    @Test
    void anOfferFieldMustBeAFieldName() {
        assertThatThrownBy(() -> new SalesforceLeads("Offer__c = 'x' OR Id"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("leads.targets.salesforce.offer-field");
    }
}
