package dev.leadconnector.lead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.leadconnector.support.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** From the marketplace's payload, in any of its observed forms, to the canonical lead. */
class LeadNormalizerTest {

    private static final Instant NOW = Instant.parse("2026-11-26T10:15:30Z");
    private final ObjectMapper mapper = JsonMapper.builder().addModule(new JavaTimeModule()).build();
    private final MarketplacePayloadReader reader = new MarketplacePayloadReader();
    private final LeadNormalizer normalizer = new LeadNormalizer(mapper, Clock.fixed(NOW, ZoneOffset.UTC));

    private Lead lead(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return normalizer.toLead(reader.read(bytes), reader.read(bytes));
    }

    @Test
    void camelCaseKeysAndAnUpperCaseEmailAreNormalized() {
        Lead lead = lead(Fixtures.lead("appsource-contact-me-camelcase.json"));
        assertThat(lead.customer()).isEqualTo(new Lead.Customer("Mei", "Tanaka", "mei.tanaka@northwind.example",
                "+81 3-5555-0199", "Japan", "JP", "Northwind Traders", "IT Manager"));
        assertThat(lead.source()).isEqualTo("AppSource");
        assertThat(lead.action()).isEqualTo("PLT");
        assertThat(lead.stage()).isEqualTo(FunnelStage.ACTIVE);
        assertThat(lead.offer()).isEqualTo(new Lead.Offer(null, "Contoso Analytics Suite"));
        assertThat(lead.receivedAt()).isEqualTo(NOW);
        assertThat(lead.test()).isFalse();
    }

    @Test
    void theCombinedLeadSourceGivesSourceActionAndOfferId() {
        Lead lead = lead(Fixtures.lead("combined-lead-source.json"));
        assertThat(lead.source()).isEqualTo("AzureMarketplace");
        assertThat(lead.action()).isEqualTo("INS");
        assertThat(lead.stage()).isEqualTo(FunnelStage.INITIAL_INTEREST);
        assertThat(lead.offer()).isEqualTo(new Lead.Offer("contoso.contoso-analytics-suite", "Contoso Analytics Suite"));
    }

    @Test
    void aCombinedLeadSourceWithADisplayNameGivesTheOfferTitle() {
        Lead lead = lead("{\"LeadSource\": \"AzureMarketplace-StartTestDrive|Red Hat OpenShift Container Platform\"}");
        assertThat(lead.action()).isEqualTo("StartTestDrive");
        assertThat(lead.offer()).isEqualTo(new Lead.Offer(null, "Red Hat OpenShift Container Platform"));
    }

    @ParameterizedTest
    @CsvSource({"StartTestDrive,lead", "INS,initial-interest", "PLT,active", "Create,active", "DNC,do-not-contact",
            "ins,initial-interest", "UPGRADE,unknown", "'',unknown"})
    void theStageFollowsTheActionTable(String action, String stage) {
        assertThat(lead("{\"LeadSource\": \"AppSource\", \"ActionCode\": \"" + action + "\"}").stage().label())
                .isEqualTo(stage);
    }

    @Test
    void theMarketplaceValidationLeadIsATestLead() {
        Lead lead = lead(Fixtures.lead("marketplace-test-lead.json"));
        assertThat(lead.test()).isTrue();
        assertThat(lead.stage()).isEqualTo(FunnelStage.LEAD);
        assertThat(lead(Fixtures.lead("azure-marketplace-ins.json")).test()).isFalse();
    }

    @Test
    void theIdIsTheSameForTheSameLeadAndDiffersForAnotherAction() {
        String ins = Fixtures.lead("azure-marketplace-ins.json");
        String recased = ins.replace("\"UserDetails\"", "\"userdetails\"").replace("avery.quinn@", " AVERY.QUINN@");
        assertThat(lead(ins).id()).isEqualTo(lead(recased).id()).matches("[0-9a-f]{32}");
        assertThat(lead(ins).id()).isNotEqualTo(lead(Fixtures.lead("azure-portal-create.json")).id());
    }

    @Test
    void unknownFieldsAreKeptInTheOriginal() {
        Lead lead = lead("{\"LeadSource\": \"AppSource\", \"ActionCode\": \"INS\", \"CampaignId\": \"c-7\"}");
        assertThat(lead.original().path("CampaignId").asText()).isEqualTo("c-7");
    }

    @Test
    void theReaderRefusesAmbiguousAndHostileShapes() {
        assertThatThrownBy(() -> reader.read("{\"LeadSource\": \"x\", \"leadSource\": \"y\"}".getBytes()))
                .isInstanceOf(InvalidLeadException.class).hasMessageContaining("different casing");
        String deep = "{\"x\": " + "[".repeat(100) + "]".repeat(100) + "}";
        assertThatThrownBy(() -> reader.read(deep.getBytes()))
                .isInstanceOf(InvalidLeadException.class).hasMessageContaining("nesting depth");
        assertThatThrownBy(() -> reader.read("{\"LeadSource\": \"x\"} {}".getBytes()))
                .isInstanceOf(InvalidLeadException.class).hasMessageContaining("after the JSON object");
        assertThatThrownBy(() -> reader.read("\"just a string\"".getBytes()))
                .isInstanceOf(InvalidLeadException.class).hasMessageContaining("found string");
    }

    @Test
    void theCountryCodeIsAddedButTheLeadIdStaysWhatTheLeadSays() {
        Lead lead = lead(Fixtures.lead("azure-marketplace-ins.json").replace("\"US\"", "\"United States of America\""));
        assertThat(lead.customer().country()).isEqualTo("United States of America");
        assertThat(lead.customer().countryCode()).isEqualTo("US");
        // the id of the README's example lead, computed before country codes were added
        assertThat(lead(Fixtures.lead("azure-marketplace-ins.json")).id()).isEqualTo("f118194ff7e2b1902f66635d7e5a6188");
        assertThat(lead(Fixtures.lead("azure-marketplace-ins.json").replace("\"US\"", "\"Atlantis\""))
                .customer().countryCode()).isNull();
    }
}
