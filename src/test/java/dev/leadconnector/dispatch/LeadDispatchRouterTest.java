package dev.leadconnector.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The branches of the action-code router, with a sales target "crm" enabled beside the archive. */
class LeadDispatchRouterTest extends DispatchRouteTestSupport {

    @Test
    void buyingActionsGoToEveryEnabledTarget() throws Exception {
        archive.expectedMessageCount(4);
        crm.expectedMessageCount(4);
        deadLetter.expectedMessageCount(0);

        dispatch("test-drive-start.json");
        dispatch("azure-marketplace-ins.json");
        dispatch("appsource-contact-me-camelcase.json");
        dispatch("azure-portal-create.json");

        archive.assertIsSatisfied();
        crm.assertIsSatisfied();
        deadLetter.assertIsSatisfied();
        assertThat(crm.getReceivedExchanges()).extracting(e -> e.getMessage().getHeader("leadAction"))
                .containsExactly("StartTestDrive", "INS", "PLT", "Create");
    }

    @Test
    void doNotContactIsRecordedButNeverSentToASalesTarget() throws Exception {
        archive.expectedMessageCount(1);
        crm.expectedMessageCount(0);
        deadLetter.expectedMessageCount(0);

        dispatch("appsource-do-not-contact.json");

        archive.assertIsSatisfied();
        crm.assertIsSatisfied();
        deadLetter.assertIsSatisfied();
    }

    @Test
    void anUnknownActionIsParkedWithItsReason() throws Exception {
        deadLetter.expectedMessageCount(1);
        deadLetter.expectedHeaderReceived("deadLetterReason", "unknown action code 'UPGRADE': no enabled target takes it");
        archive.expectedMessageCount(0);
        crm.expectedMessageCount(0);

        dispatch("unknown-action.json");

        deadLetter.assertIsSatisfied();
        archive.assertIsSatisfied();
        crm.assertIsSatisfied();
    }

    @Test
    void theMarketplaceTestLeadIsDeliveredToEveryTargetByDefault() throws Exception {
        archive.expectedMessageCount(1);
        crm.expectedMessageCount(1);
        crm.expectedHeaderReceived("leadTest", true);

        dispatch("marketplace-test-lead.json");

        archive.assertIsSatisfied();
        crm.assertIsSatisfied();
    }

    @Test
    void aDuplicateIsNotDispatchedAgain() throws Exception {
        archive.expectedMessageCount(1);
        crm.expectedMessageCount(1);

        dispatch("combined-lead-source.json");
        dispatch("combined-lead-source.json");

        archive.assertIsSatisfied();
        crm.assertIsSatisfied();
    }
}
