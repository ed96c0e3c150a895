package dev.leadconnector.targets.salesforce;

import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.schibsted.spt.data.jslt.Expression;
import com.schibsted.spt.data.jslt.Parser;
import java.io.File;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** routes/mappings/salesforce.jslt on its own, for what the end-to-end test does not reach. */
class SalesforceMappingTest {

    private static final String LEAD = """
            {"id": "x", "source": "AzureMarketplace", "action": "INS", "stage": "initial-interest",
             "offer": {"id": "contoso.suite", "title": "Contoso Suite"},
             "customer": {"firstName": "Ana", "email": "ana@tailspin.example"}, "test": false}""";

    private final Expression mapping;

    SalesforceMappingTest() throws IOException {
        mapping = Parser.compile(new File("routes/mappings/salesforce.jslt"));
    }

    @Test
    void anUpdateSendsOnlyWhatTheCustomerGaveNeverAGuessOrAPlaceholder() {
        JsonNode lead = map(Map.of("crmRecordId", "00Q1", "crmMissingLastName", "[np]", "crmMissingCompany", "[np]"));
        assertThat(lead).isEqualTo(json("""
                {"FirstName": "Ana", "Email": "ana@tailspin.example", "LeadSource": "AzureMarketplace",
                 "Description": "Contoso Suite: clicked Get it now (AzureMarketplace INS)"}"""));
    }

    @Test
    void theOfferGoesToTheConfiguredOfferField() {
        JsonNode lead = map(Map.of("crmOfferField", "Marketplace_Offer__c", "crmMissingLastName", "[np]",
                "crmMissingCompany", "[np]", "crmNewStatus", "Working - Contacted"));
        assertThat(lead.path("Marketplace_Offer__c").asText()).isEqualTo("contoso.suite");
        assertThat(lead.path("LastName").asText()).isEqualTo("ana");
        assertThat(lead.path("Company").asText()).isEqualTo("tailspin.example");
        assertThat(lead.path("Status").asText()).isEqualTo("Working - Contacted");
        assertThat(map(Map.of("crmMissingLastName", "[np]", "crmMissingCompany", "[np]")).has("Marketplace_Offer__c")).isFalse();
    }

    private JsonNode map(Map<String, String> headers) {
        return mapping.apply(Map.of("headers", new ObjectMapper().valueToTree(headers)), json(LEAD));
    }
}
