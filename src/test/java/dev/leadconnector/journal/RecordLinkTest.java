package dev.leadconnector.journal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The journey's link to a CRM record, from leads.targets.<name>.record-link. */
class RecordLinkTest {

    @Test
    void theRecordIdGoesIntoTheTemplate() {
        assertThat(LeadsEndpoint.recordLink("https://app.hubspot.com/contacts/4711/record/0-1/{id}", "90001"))
                .isEqualTo("https://app.hubspot.com/contacts/4711/record/0-1/90001");
    }

    @Test
    void noLinkWhenTheTemplateIsEmptyOrASettingItNamesIsNotSet() {
        assertThat(LeadsEndpoint.recordLink("", "90001")).isNull();
        assertThat(LeadsEndpoint.recordLink(null, "90001")).isNull();
        // leads.targets.hubspot.portal-id left empty
        assertThat(LeadsEndpoint.recordLink("https://app.hubspot.com/contacts//record/0-1/{id}", "90001")).isNull();
    }
}
