package dev.leadconnector.targets.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The per-channel escaping of a lead's text, for the line breaks and markup the end-to-end attacks do not send. */
class LeadTextEscapingTest {

    @Test
    void everyKindOfLineBreakInAOneLineFieldIsASpaceAndControlsAreDropped() {
        ObjectNode mapped = new ObjectMapper().createObjectNode().put("leadId", "0".repeat(32))
                .put("headline", "a\rb\nc\r\nd\u0085e\u2028f\u2029g\u000Bh\fi\tj\u0000k\u202Eevil\u202Cl");
        mapped.putObject("facts").put("Company", "Contoso\rFORGED: x").put("Description", "one\r\ntwo\rthree\u2028four\u0007");
        Notification notification = Notification.of(mapped);
        assertThat(notification.headline()).isEqualTo("a b c d e f g h i jkevill");
        assertThat(notification.facts()).containsEntry("Company", "Contoso FORGED: x")
                .containsEntry("Description", "one\ntwo\nthree\nfour");
    }

    @Test
    void teamsEscapesMarkdownAnywhereAndListOrHeadingMarkersAtALinesStart() {
        assertThat(TeamsNotifier.markdown("[a](https://x.example) **b** _c_ ~d~ `e` <f> &amp; \\"))
                .isEqualTo("\\[a\\](https://x.example) \\*\\*b\\*\\* \\_c\\_ \\~d\\~ \\`e\\` \\<f\\> \\&amp; \\\\");
        assertThat(TeamsNotifier.markdown("- x\n+ y\n# z\n> q\n1. n\n 2) m\n===\nAvery Quinn (Fabrikam) +1-425"))
                .isEqualTo("\\- x\n\\+ y\n\\# z\n\\> q\n1\\. n\n 2\\) m\n\\===\nAvery Quinn (Fabrikam) +1-425");
    }

    @Test
    void slackEscapesWhatItDocuments() {
        assertThat(SlackNotifier.escape("<https://x.example|Pay> <!channel> & *b*"))
                .isEqualTo("&lt;https://x.example|Pay&gt; &lt;!channel&gt; &amp; *b*");
    }
}
