package dev.leadconnector.dispatch;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** With {@code leads.test-leads=drop} the marketplace's validation lead is archived and sent to no CRM. */
@TestPropertySource(properties = "leads.test-leads=drop")
class TestLeadsDropTest extends DispatchRouteTestSupport {

    @Test
    void theTestLeadIsArchivedOnly() throws Exception {
        archive.expectedMessageCount(1);
        crm.expectedMessageCount(0);
        deadLetter.expectedMessageCount(0);

        dispatch("marketplace-test-lead.json");

        archive.assertIsSatisfied();
        crm.assertIsSatisfied();
        deadLetter.assertIsSatisfied();
    }

    @Test
    void realLeadsStillReachTheCrm() throws Exception {
        crm.expectedMessageCount(1);

        dispatch("azure-marketplace-ins.json");

        crm.assertIsSatisfied();
    }
}
