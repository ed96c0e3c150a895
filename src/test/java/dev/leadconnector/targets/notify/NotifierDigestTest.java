package dev.leadconnector.targets.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A digest of the largest size (1,000 leads, long descriptions, what one message may carry) as each channel
 * writes it: within the channel's limits, every lead named in one of its messages, digest-max listed in full
 * per message. (When those messages go is the channel's pace: NotifyChannelPaceTest.)
 */
class NotifierDigestTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int LEADS = Channel.MAX_LEADS;
    static List<Notification> digest;
    static List<String> ids;

    @BeforeAll
    static void leads() {
        ids = IntStream.range(0, LEADS).mapToObj(i -> String.format("%032x", i * 7919L + 1)).toList();
        digest = ids.stream().map(id -> {
            try {
                return Notification.of(JSON.readTree(record(id)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
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
        TeamsNotifier teams = new TeamsNotifier(new TeamsNotifier.Settings("https://prod-1.westus.logic.azure.com:443/workflows/1/triggers/manual/paths/invoke?api-version=1&sig=s",
                4, Duration.ofSeconds(1), Duration.ofSeconds(3), 20), JSON);
        List<ChannelMessage> messages = teams.messages(digest, 20);
        System.out.printf("teams: %d leads in %d cards of %s bytes%n", LEADS, messages.size(),
                messages.stream().map(m -> m.body().getBytes(StandardCharsets.UTF_8).length).toList());
        assertThat(messages).allSatisfy(m -> assertThat(m.body().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(28_000));
        assertThat(messages.size()).as("a handful").isLessThanOrEqualTo(5);
        assertEveryLeadNamedOnce(messages);
        JsonNode first = JSON.readTree(messages.get(0).body()).path("attachments").path(0).path("content").path("body");
        assertThat(first.findValues("facts").size()).as("at most digest-max listed in full").isBetween(1, 20);
        assertThat(messages.get(0).headers()).containsEntry("CamelHttpPath", "workflows/1/triggers/manual/paths/invoke")
                .containsEntry("CamelHttpQuery", "api-version=1&sig=s");
        assertThat(messages.get(0).uri()).isEqualTo("https://prod-1.westus.logic.azure.com:443?throwExceptionOnFailure=false");
    }

    @Test
    void slackMessagesKeepToFiftyBlocksOf3000CharactersAndNameEveryLead() throws Exception {
        SlackNotifier slack = new SlackNotifier(new SlackNotifier.Settings("https://hooks.slack.com/services/T1/B2/abc", 1, Duration.ofSeconds(1),
                Duration.ofSeconds(3), 20), JSON);
        List<ChannelMessage> messages = slack.messages(digest, 20);
        System.out.printf("slack: %d leads in %d messages%n", LEADS, messages.size());
        assertThat(messages.size()).as("a handful").isLessThanOrEqualTo(5);
        for (ChannelMessage message : messages) {
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
                "leads@contoso.example", "sales@contoso.example", "Lead: {company} {action} ({offer})", 10, Duration.ofMinutes(1),
                Duration.ofSeconds(3), 20));
        List<ChannelMessage> messages = email.messages(digest, 20);
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).headers()).containsEntry("Subject",
                "[1000 leads] Lead: Northwind <Traders> & Co asked to be contacted (Contoso Analytics Suite)");
        assertThat(messages.get(0).uri()).isEqualTo("notificationMail://smtp.example:587");
        assertEveryLeadNamedOnce(messages);
    }

    /** Each message names the leads it carries (the next {@code leads()} of the digest), and each lead is carried once. */
    private static void assertEveryLeadNamedOnce(List<ChannelMessage> messages) {
        Set<String> named = new HashSet<>();
        int from = 0;
        for (ChannelMessage message : messages) {
            assertThat(message.leads()).isPositive();
            for (String id : ids.subList(from, from + message.leads())) {
                assertThat(message.body()).contains(id);
                assertThat(named.add(id)).isTrue();
            }
            from += message.leads();
        }
        assertThat(named).containsExactlyInAnyOrderElementsOf(ids);
    }
}
