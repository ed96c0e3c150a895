package dev.leadconnector.targets.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadconnector.targets.batch.CrmCall;
import dev.leadconnector.targets.batch.Ticket;
import dev.leadconnector.targets.batch.Tickets;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A digest of the largest size (1,000 leads, long descriptions) as each channel writes it: within the
 * channel's limits, every lead named in one of its messages, digest-max listed in full per message.
 */
class NotifierDigestTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int LEADS = Notifier.MAX_DIGEST;
    static List<Ticket> digest;
    static List<String> ids;

    @BeforeAll
    static void leads() {
        ids = IntStream.range(0, LEADS).mapToObj(i -> String.format("%032x", i * 7919L + 1)).toList();
        digest = ids.stream().map(id -> Tickets.mapped(record(id))).toList();
    }

    /** What notification.jslt makes of a lead, with a description as long as a message may show. */
    static String record(String id) {
        ObjectNode record = JSON.createObjectNode().put("leadId", id).put("test", false).put("did", "asked to be contacted")
                .put("company", "Northwind <Traders> & Co").put("offer", "Contoso Analytics Suite")
                .put("headline", "Mei Tanaka (Northwind <Traders> & Co) asked to be contacted: Contoso Analytics Suite");
        record.putObject("facts").put("Name", "Mei Tanaka").put("Company", "Northwind <Traders> & Co")
                .put("E-mail", "mei." + id.substring(24) + "@northwind.example").put("Phone", "81355550100")
                .put("Did", "asked to be contacted").put("Funnel stage", "active").put("Offer", "Contoso Analytics Suite")
                .put("Description", "x".repeat(Notification.MAX_FACT + 500)).put("Lead id", id);
        return record.toString();
    }

    @Test
    void teamsCardsStayUnder28KBAndNameEveryLead() throws Exception {
        TeamsNotifier teams = new TeamsNotifier(new TeamsNotifier.Settings("https://prod-1.westus.logic.azure.com:443/workflows/1/triggers/manual/paths/invoke?api-version=1&sig=s", 20), JSON);
        List<CrmCall> messages = teams.writes(digest);
        System.out.printf("teams: %d leads in %d cards of %s bytes%n", LEADS, messages.size(),
                messages.stream().map(m -> m.body().getBytes(StandardCharsets.UTF_8).length).toList());
        assertThat(messages).allSatisfy(m -> assertThat(m.body().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(28_000));
        assertThat(messages.size()).as("a handful").isLessThanOrEqualTo(5);
        assertEveryLeadNamedOnce(messages);
        JsonNode first = JSON.readTree(messages.get(0).body()).path("attachments").path(0).path("content").path("body");
        assertThat(first.findValues("facts").size()).as("at most digest-max listed in full").isBetween(1, 20);
        assertThat(messages.get(0).path()).isEqualTo("workflows/1/triggers/manual/paths/invoke");
        assertThat(messages.get(0).query()).isEqualTo("api-version=1&sig=s");
        assertThat(messages.get(0).uri()).isEqualTo("https://prod-1.westus.logic.azure.com:443?throwExceptionOnFailure=false");
    }

    @Test
    void slackMessagesKeepToFiftyBlocksOf3000CharactersAndNameEveryLead() throws Exception {
        SlackNotifier slack = new SlackNotifier(new SlackNotifier.Settings("https://hooks.slack.com/services/T1/B2/abc", 20), JSON);
        List<CrmCall> messages = slack.writes(digest);
        System.out.printf("slack: %d leads in %d messages%n", LEADS, messages.size());
        assertThat(messages.size()).as("a handful").isLessThanOrEqualTo(5);
        for (CrmCall message : messages) {
            JsonNode blocks = JSON.readTree(message.body()).path("blocks");
            assertThat(blocks.size()).isLessThanOrEqualTo(50);
            assertThat(blocks.findValuesAsText("text")).allSatisfy(text -> assertThat(text.length()).isLessThanOrEqualTo(3000));
            assertThat(message.body()).doesNotContain("<Traders>").contains("&lt;Traders&gt; &amp; Co");
        }
        assertEveryLeadNamedOnce(messages);
        assertThat(JSON.readTree(messages.get(0).body()).path("blocks").path(0).path("text").path("text").asText())
                .isEqualTo(LEADS + " new marketplace leads");
        assertThat(messages.get(0).body()).contains("and 980 more: 980 asked to be contacted");
    }

    @Test
    void anEmailDigestIsOneMessageWhoseSubjectSaysHowMany() {
        EmailNotifier email = new EmailNotifier(new EmailNotifier.Settings("smtp.example", 587, "", "", true,
                "leads@contoso.example", "sales@contoso.example", "Lead: {company} {action} ({offer})", 20));
        List<CrmCall> messages = email.writes(digest);
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).headers()).containsEntry("Subject",
                "[1000 leads] Lead: Northwind <Traders> & Co asked to be contacted (Contoso Analytics Suite)");
        assertThat(messages.get(0).uri()).isEqualTo("notificationMail://smtp.example:587");
        assertEveryLeadNamedOnce(messages);
    }

    private static void assertEveryLeadNamedOnce(List<CrmCall> messages) {
        Set<String> named = new HashSet<>();
        for (CrmCall message : messages) {
            message.leads().forEach(lead -> assertThat(message.body()).contains(lead.record().path("leadId").asText()));
            message.leads().forEach(lead -> assertThat(named.add(lead.record().path("leadId").asText())).isTrue());
        }
        assertThat(named).containsExactlyInAnyOrderElementsOf(ids);
    }
}
