package dev.leadconnector.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** Which parts of configured URLs count as secrets: a webhook's token-like path segment, a query's sig=. */
class SecretValuesTest {

    @Test
    void aWebhooksTokenInItsPathIsRedactedAndOrdinaryPathsAreNot() {
        SecretValues secrets = new SecretValues(new MockEnvironment()
                .withProperty("leads.targets.slack.url", "https://hooks.slack.com/services/T0CONTOSO/B0LEADS/Zx8sLackToken4webhook12")
                .withProperty("leads.targets.teams.url", "https://prod-1.westus.logic.azure.com:443/workflows/"
                        + "6f1d0c1e2d8a4b7f9e3c5a7b9d1f3e5a/triggers/manual/paths/invoke?api-version=1&sig=Xq3b9TeamsSig0k")
                .withProperty("leads.inbox.uri", "file:/tmp/junit12345678901234567890/inbox?delete=true"));

        assertThat(secrets.redact("POST /services/T0CONTOSO/B0LEADS/Zx8sLackToken4webhook12 failed"))
                .isEqualTo("POST /services/T0CONTOSO/B0LEADS/[redacted] failed");
        assertThat(secrets.redact("workflows/6f1d0c1e2d8a4b7f9e3c5a7b9d1f3e5a/triggers/manual/paths/invoke?sig=Xq3b9TeamsSig0k"))
                .isEqualTo("workflows/[redacted]/triggers/manual/paths/invoke?sig=[redacted]");
        assertThat(secrets.redact("no file /tmp/junit12345678901234567890/inbox")).as("only web URLs' paths")
                .isEqualTo("no file /tmp/junit12345678901234567890/inbox");
    }
}
