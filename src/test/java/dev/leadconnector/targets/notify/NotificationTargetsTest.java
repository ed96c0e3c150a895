package dev.leadconnector.targets.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.leadconnector.support.RunningConnector.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.leadconnector.support.Bursts;
import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.support.TestLeads;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notification targets email, teams and slack, all three enabled on one connector: e-mail against a
 * real SMTP server (GreenMail, on loopback, with a login), Teams' Workflows webhook and Slack's incoming
 * webhook faked with WireMock as their documentation describes (202 and 200 {@code ok}, 429 with
 * Retry-After, Slack's plain-text errors). Teams and Slack keep their default pace (4 and 1 messages a
 * second, a digest at most every 3 s); e-mail's window is 10 s instead of a minute, so the tests wait less
 * for it. Exact messages are asserted; waits are conditions; the figures printed are for the report.
 */
class NotificationTargetsTest {

    /** E-mail's window here: the longest window of the three channels. */
    static final Duration WINDOW = Duration.ofSeconds(10);
    /** E-mail's pace (messages within WINDOW) and every channel's digest-every: application.yaml's, set here too. */
    static final int EMAIL_PACE = 10;
    static final Duration DIGEST_EVERY = Duration.ofSeconds(3);
    /** Within this of its 202, a lead that finds its channel quiet is in the channel (issue 26, item 1). */
    static final Duration PROMPTLY = Duration.ofSeconds(5);
    static final String TEAMS_PATH = "/workflows/6f1d0c1e2d8a4b7f9e3c5a7b9d1f3e5a/triggers/manual/paths/invoke";
    static final String TEAMS_SIG = "Xq3b9TeamsSignature0k";
    static final String SLACK_PATH = "/services/T0CONTOSO/B0LEADS/Zx8sLackToken4webhook12";
    static final String TO = "sales@contoso.example, presales@northwind.example";

    @TempDir
    static Path dataDir;
    static GreenMail smtp;
    static WireMockServer hooks;
    static RunningConnector connector;

    @BeforeAll
    static void start() {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        smtp.setUser("leads@contoso.example", "notifier", "smtp-pass-9f2c");
        hooks = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        hooks.start();
        hooks.stubFor(teams().atPriority(10).willReturn(aResponse().withStatus(202)));
        hooks.stubFor(slack().atPriority(10).willReturn(aResponse().withStatus(200).withBody("ok")));
        connector = RunningConnector.start(dataDir,
                "leads.targets.email.enabled=true",
                "leads.targets.email.host=127.0.0.1",
                "leads.targets.email.port=" + smtp.getSmtp().getPort(),
                "leads.targets.email.username=notifier",
                "leads.targets.email.password=smtp-pass-9f2c",
                "leads.targets.email.starttls=false",
                "leads.targets.email.from=leads@contoso.example",
                "leads.targets.email.to=" + TO,
                "leads.targets.email.window=" + WINDOW.toMillis() + "ms",
                "leads.targets.email.pace=" + EMAIL_PACE,
                "leads.targets.email.digest-every=" + DIGEST_EVERY.toMillis() + "ms",
                "leads.targets.teams.digest-every=" + DIGEST_EVERY.toMillis() + "ms",
                "leads.targets.slack.digest-every=" + DIGEST_EVERY.toMillis() + "ms",
                "leads.targets.teams.enabled=true",
                "leads.targets.teams.url=" + hooks.baseUrl() + TEAMS_PATH + "?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + TEAMS_SIG,
                "leads.targets.slack.enabled=true",
                "leads.targets.slack.url=" + hooks.baseUrl() + SLACK_PATH,
                "leads.delivery.redelivery-delay=100",
                "leads.delivery.max-delay=5s");
        // the first message of each channel also opens its connection: not what the tests are about
        String warmUp = RunningConnector.acceptedId(connector.postLead(TestLeads.lead(unique("warm-up"), "INS")));
        await().atMost(Duration.ofSeconds(30)).until(() -> !mails(warmUp).isEmpty() && !teams(warmUp).isEmpty() && !slack(warmUp).isEmpty());
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
        hooks.stop();
        smtp.stop();
    }

    @Test
    void aLoneLeadIsNotifiedAtOnceOnEveryChannelInWords() throws Exception {
        awaitIdle(1);
        String email = unique("avery");
        String id = RunningConnector.acceptedId(connector.postLead(TestLeads.lead(email, "INS")));
        // the channels are quiet: the lead goes at once, alone
        await().atMost(PROMPTLY).until(() -> !mails(id).isEmpty() && !teams(id).isEmpty() && !slack(id).isEmpty());

        String headline = "Avery Quinn (Fabrikam) clicked Get it now: Contoso Analytics Suite";
        Map<String, String> facts = new java.util.LinkedHashMap<>();
        facts.put("Name", "Avery Quinn");
        facts.put("Company", "Fabrikam");
        facts.put("Title", "Head of Platform");
        facts.put("E-mail", email);
        facts.put("Phone", "14255550142");
        facts.put("Country", "US");
        facts.put("Did", "clicked Get it now");
        facts.put("Funnel stage", "initial interest");
        facts.put("Offer", "Contoso Analytics Suite");
        facts.put("Lead id", id);

        // e-mail: one message, to each recipient, logged in, with the subject template filled in
        await().atMost(Duration.ofSeconds(5)).until(() -> mails(id).size() == 2);
        MimeMessage mail = mails(id).get(0);
        assertThat(Arrays.stream(mail.getRecipients(jakarta.mail.Message.RecipientType.TO)).map(Address::toString))
                .containsExactly("sales@contoso.example", "presales@northwind.example");
        assertThat(mails(id)).extracting(m -> m.getHeader("Message-ID")[0]).as("one message, a copy for each recipient").hasSize(2).containsOnly(mail.getHeader("Message-ID")[0]);
        assertThat(mail.getFrom()).extracting(Address::toString).containsExactly("leads@contoso.example");
        assertThat(mail.getSubject()).isEqualTo("Marketplace lead: Fabrikam clicked Get it now (Contoso Analytics Suite)");
        assertThat(mail.getContentType()).startsWith("text/plain");
        StringBuilder lines = new StringBuilder("New marketplace lead\n\n" + headline + "\n");
        facts.forEach((fact, value) -> lines.append("  ").append(fact).append(": ").append(value).append("\n"));
        assertThat(text(mail).replace("\r\n", "\n")).startsWith(lines.toString());

        // Teams: the Adaptive Card, to the workflow's URL with its query (sig=) as given
        LoggedRequest card = teams(id).get(0);
        assertThat(card.getUrl()).isEqualTo(TEAMS_PATH + "?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + TEAMS_SIG);
        assertThat(card.getHeader("Content-Type")).startsWith("application/json");
        StringBuilder factSet = new StringBuilder();
        facts.forEach((fact, value) -> factSet.append(factSet.isEmpty() ? "" : ",")
                .append("{\"title\":\"").append(fact).append("\",\"value\":\"").append(value).append("\"}"));
        assertThat(json(card.getBodyAsString())).isEqualTo(json("""
                {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{
                  "$schema":"http://adaptivecards.io/schemas/adaptive-card.json","type":"AdaptiveCard","version":"1.4","body":[
                    {"type":"TextBlock","text":"New marketplace lead","wrap":true,"size":"Medium","weight":"Bolder"},
                    {"type":"TextBlock","text":"%s","wrap":true,"weight":"Bolder","separator":true},
                    {"type":"FactSet","facts":[%s]}]}}]}""".formatted(headline, factSet)));

        // Slack: header and one mrkdwn section (verbatim: Slack links nothing of the lead's), with the plain-text fallback
        LoggedRequest message = slack(id).get(0);
        assertThat(message.getUrl()).isEqualTo(SLACK_PATH);
        StringBuilder section = new StringBuilder("*" + headline + "*");
        facts.forEach((fact, value) -> section.append("\\n*").append(fact).append(":* ").append(value));
        assertThat(json(message.getBodyAsString())).isEqualTo(json("""
                {"text":"New marketplace lead: %s","blocks":[
                  {"type":"header","text":{"type":"plain_text","text":"New marketplace lead"}},
                  {"type":"section","text":{"type":"mrkdwn","text":"%s","verbatim":true}}]}""".formatted(headline, section)));
        assertThat(connector.deadLetters().resolve(id + "-email.json")).doesNotExist();
    }

    @Test
    void aBurstOfHundredsIsAHandfulOfMessagesPerChannelAndEveryLeadIsInOne() throws Exception {
        String marker = "burst-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> actions = List.of("INS", "StartTestDrive", "PLT", "Create");
        // -Dnotify.burst=1000 for a campaign burst (leads.inbox.max-in-flight, 500, caps what waits at once)
        List<String> ids = Bursts.burst(connector, IntStream.range(0, Integer.getInteger("notify.burst", 200))
                .mapToObj(i -> TestLeads.lead(marker + "-" + i + "@contoso.example", actions.get(i % actions.size()))).toList());
        for (String channel : List.of("email", "teams", "slack")) {
            Bursts.awaitDelivered(connector, channel, ids, Duration.ofSeconds(60));
        }

        Map<String, List<String>> messages = Map.of(
                "email", messages().stream().map(NotificationTargetsTest::text).filter(body -> ids.stream().anyMatch(body::contains)).toList(),
                "teams", bodies(TEAMS_PATH, ids),
                "slack", bodies(SLACK_PATH, ids));
        messages.forEach((channel, sent) -> {
            Set<String> named = new HashSet<>();
            ids.stream().filter(id -> sent.stream().anyMatch(m -> m.contains(id))).forEach(named::add);
            System.out.printf("%s: %d leads in %d messages, naming %s leads, listing %s in full%n", channel, ids.size(),
                    sent.size(), sent.stream().map(m -> ids.stream().filter(m::contains).count()).toList(),
                    sent.stream().map(m -> count(m, marker + "-")).toList());
            assertThat(sent).as(channel + ": at most 10 messages").hasSizeBetween(1, 10);
            assertThat(named).as(channel + ": every lead in one of them").hasSameSizeAs(ids);
            assertThat(sent).as(channel + ": at most digest-max (20) listed in full per message")
                    .allSatisfy(m -> assertThat(count(m, marker + "-")).isLessThanOrEqualTo(20));
            assertThat(sent).as(channel + ": the rest counted").anySatisfy(m -> assertThat(m).containsPattern("and \\d+ more: "));
        });
    }

    @Test
    void aRateLimitedMessageIsSentAgainNoSoonerThanTheChannelAsked() {
        String email = unique("throttled");
        once(NotificationTargetsTest::teams, email, aResponse().withStatus(429).withHeader("Retry-After", "2")
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Rate limit is exceeded. Try again in 2 seconds.\"}}"),
                aResponse().withStatus(202));
        once(NotificationTargetsTest::slack, email, aResponse().withStatus(429).withHeader("Retry-After", "2").withBody("rate_limited"),
                aResponse().withStatus(200).withBody("ok"));
        String id = RunningConnector.acceptedId(connector.postLead(TestLeads.lead(email, "PLT")));
        for (String channel : List.of("teams", "slack")) {
            Bursts.awaitDelivered(connector, channel, List.of(id), Duration.ofSeconds(30));
        }
        for (String path : List.of(TEAMS_PATH, SLACK_PATH)) {
            List<LoggedRequest> tries = requests(path).stream().filter(r -> r.getBodyAsString().contains(id)).toList();
            assertThat(tries).as(path).hasSize(2);
            assertThat(tries.get(1).getLoggedDate().getTime() - tries.get(0).getLoggedDate().getTime())
                    .as(path + ": no sooner than Retry-After").isGreaterThanOrEqualTo(2000);
        }
        assertThat(connector.deadLetters().resolve(id + "-slack.json")).doesNotExist();
    }

    @Test
    void slacksPlainTextRefusalParksTheLeadWithSlacksWords() {
        String email = unique("archived");
        hooks.stubFor(slack().withRequestBody(containing(email)).atPriority(1)
                .willReturn(aResponse().withStatus(410).withBody("channel_is_archived")));
        String id = RunningConnector.acceptedId(connector.postLead(TestLeads.lead(email, "INS")));
        Path parked = connector.deadLetters().resolve(id + "-slack.json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(parked));
        assertThat(RunningConnector.readJson(parked).path("error").asText())
                .isEqualTo("dev.leadconnector.targets.notify.NotifyException: slack answered 410: channel_is_archived");
        assertThat(requests(SLACK_PATH).stream().filter(r -> r.getBodyAsString().contains(id))).as("permanent: not retried").hasSize(1);
    }

    @Test
    void aMessageSlackCannotReadIsParkedAtOnceAndTheOtherChannelsStillHaveTheLead() {
        String email = unique("unreadable");
        hooks.stubFor(slack().withRequestBody(containing(email)).atPriority(1)
                .willReturn(aResponse().withStatus(400).withBody("invalid_payload")));
        String id = RunningConnector.acceptedId(connector.postLead(TestLeads.lead(email, "INS")));
        Path parked = connector.deadLetters().resolve(id + "-slack.json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(parked));
        JsonNode envelope = RunningConnector.readJson(parked);
        assertThat(envelope.path("error").asText())
                .isEqualTo("dev.leadconnector.targets.notify.NotifyException: slack answered 400: invalid_payload");
        assertThat(envelope.path("target").asText()).isEqualTo("slack");
        assertThat(requests(SLACK_PATH).stream().filter(r -> r.getBodyAsString().contains(id)))
                .as("a 4xx is permanent for the error handler: parked after the first try, no redelivery").hasSize(1);
        Bursts.awaitDelivered(connector, "teams", List.of(id), Duration.ofSeconds(30));
        Bursts.awaitDelivered(connector, "email", List.of(id), Duration.ofSeconds(30));
    }

    @Test
    void aChannelThatFailsForAMomentGetsTheLeadOnARedelivery() {
        String email = unique("flaky");
        once(NotificationTargetsTest::teams, email, aResponse().withStatus(502).withBody("Bad Gateway"), aResponse().withStatus(202));
        String id = RunningConnector.acceptedId(connector.postLead(TestLeads.lead(email, "INS")));
        Bursts.awaitDelivered(connector, "teams", List.of(id), Duration.ofSeconds(30));
        assertThat(teams(id)).as("the first try answered 502, the redelivery 202").hasSize(2);
        assertThat(connector.deadLetters().resolve(id + "-teams.json")).doesNotExist();
    }

    @Test
    void aTrickleOfLeadsIsAMessagePerLeadOnEveryChannelWithinSecondsOfIts202() {
        awaitIdle(4);
        Map<String, List<Long>> delays = new java.util.TreeMap<>();
        for (int i = 0; i < 4; i++) {
            if (i > 0) {
                // posted a few seconds apart, as leads come on an ordinary day (and beyond Teams' and Slack's 1 s window)
                long last = System.currentTimeMillis();
                await().pollDelay(Duration.ofSeconds(2)).until(() -> System.currentTimeMillis() - last >= 2000);
            }
            String lead = TestLeads.lead(unique("trickle-" + i), "StartTestDrive");
            long posted = System.currentTimeMillis();
            String id = RunningConnector.acceptedId(connector.postLead(lead));
            long accepted = System.currentTimeMillis();
            await().atMost(PROMPTLY).until(() -> !mails(id).isEmpty() && !teams(id).isEmpty() && !slack(id).isEmpty());
            delays.computeIfAbsent("email", c -> new java.util.ArrayList<>()).add(sentAt(mails(id).get(0)) - accepted);
            delays.computeIfAbsent("teams", c -> new java.util.ArrayList<>()).add(teams(id).get(0).getLoggedDate().getTime() - accepted);
            delays.computeIfAbsent("slack", c -> new java.util.ArrayList<>()).add(slack(id).get(0).getLoggedDate().getTime() - accepted);
            assertThat(accepted - posted).as("the 202").isLessThan(PROMPTLY.toMillis());
            // each its own message: the lead alone in it
            assertThat(mails(id)).allSatisfy(m -> assertThat(text(m).replace("\r\n", "\n")).startsWith("New marketplace lead\n"));
            assertThat(teams(id)).singleElement().satisfies(r -> assertThat(r.getBodyAsString()).contains("New marketplace lead"));
            assertThat(slack(id)).singleElement().satisfies(r -> assertThat(r.getBodyAsString()).contains("New marketplace lead"));
        }
        System.out.printf("trickle, 4 leads 2 s apart: ms from the 202 to the channel (e-mail: GreenMail's received time) %s%n", delays);
    }

    @Test
    void doNotContactIsNotNotifiedAndTheMarketplacesTestLeadSaysItIsATest() throws Exception {
        String dnc = RunningConnector.acceptedId(connector.postLead(TestLeads.lead(unique("dnc"), "DNC")));
        String test = RunningConnector.acceptedId(connector.postLead(Fixtures.lead("marketplace-test-lead.json")));

        ManagementClient viewer = ManagementClient.viewer(connector);
        await().atMost(Duration.ofSeconds(20)).until(() -> json(viewer.get("/actuator/leads/" + dnc).body())
                .path("targets").findValuesAsText("state").contains("delivered"));
        JsonNode journey = json(viewer.get("/actuator/leads/" + dnc).body());
        for (JsonNode target : journey.path("targets")) {
            if (List.of("email", "teams", "slack").contains(target.path("target").asText())) {
                assertThat(target.path("state").asText()).as(target.toString()).isEqualTo("not-sent");
            }
        }
        assertThat(journey.path("targets").findValuesAsText("target")).contains("email", "teams", "slack");

        await().atMost(Duration.ofSeconds(20)).until(() -> !mails(test).isEmpty() && !teams(test).isEmpty() && !slack(test).isEmpty());
        MimeMessage mail = mails(test).get(0);
        assertThat(mail.getSubject()).startsWith("[TEST] ");
        assertThat(text(mail)).contains("Test: this is the marketplace's test lead (the Validate button), not a customer");
        assertThat(teams(test).get(0).getBodyAsString()).contains("[TEST] New marketplace lead");
        JsonNode slackMessage = json(slack(test).get(0).getBodyAsString());
        assertThat(slackMessage.path("blocks").path(0).path("text").path("text").asText()).isEqualTo("[TEST] New marketplace lead");
        assertThat(slackMessage.path("blocks").path(1).path("text").path("text").asText())
                .startsWith("*[TEST] MSFT_TEST_636573304831318844 MSFT_TEST_636573304831318844 (MSFT_TEST_636573304831318844) "
                        + "sent the marketplace's test lead (Validate)");
        assertThat(requests(SLACK_PATH)).noneMatch(r -> r.getBodyAsString().contains(dnc));
        assertThat(requests(TEAMS_PATH)).noneMatch(r -> r.getBodyAsString().contains(dnc));
    }

    @Test
    void validateSendsATestNotification() {
        var answer = ManagementClient.operator(connector).post("/actuator/targets/teams/validate");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(json(answer.body()).path("message").asText()).contains("notified in a message of");
        assertThat(requests(TEAMS_PATH)).anyMatch(r -> r.getBodyAsString().contains("lead-connector validation")
                && r.getBodyAsString().contains("[TEST] New marketplace lead"));
    }

    // --- issue 25, item 4: a lead's fields are text in every channel, never markup ----------------------

    /** A link that would render as the connector's own words, a line break that forges a line, markup and HTML. */
    static final String FORGED_LINK = "[Your Azure subscription is suspended](https://evil.example/pay)";
    static final String FORGED_LINE = "Contoso\r\nFORGED: second lead";
    static final String MARKUP = "**bold** <b>x</b> &amp; <https://evil.example/pay|Pay now>\r\n- a forged list item";

    /** The fixture's lead (Avery Quinn's) with these fields as an intruder posts them. */
    static String hostileLead(String email) {
        com.fasterxml.jackson.databind.node.ObjectNode lead = (com.fasterxml.jackson.databind.node.ObjectNode) json(TestLeads.lead(email, "INS"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) lead.get("UserDetails")).put("FirstName", FORGED_LINK).put("Company", FORGED_LINE);
        lead.put("Description", MARKUP);
        return lead.toString();
    }

    @Test
    void anEmailShowsALeadsFieldsAsTextOnTheirOwnLines() throws Exception {
        String email = unique("hostile-mail");
        String id = RunningConnector.acceptedId(connector.postLead(hostileLead(email)));
        await().atMost(Duration.ofSeconds(30)).until(() -> !mails(id).isEmpty());
        MimeMessage mail = mails(id).get(0);

        assertThat(mail.getSubject()).doesNotContain("\r", "\n")
                .isEqualTo("Marketplace lead: Contoso FORGED: second lead clicked Get it now (Contoso Analytics Suite)");
        assertThat(mail.getHeader("Subject")).as("one Subject header").hasSize(1);
        String body = text(mail).replace("\r\n", "\n");
        assertThat(body.lines()).as("no line of the lead's making").noneMatch(line -> line.startsWith("FORGED:"))
                .noneMatch(line -> line.startsWith("- a forged"));
        assertThat(body).startsWith("New marketplace lead\n\n"
                + FORGED_LINK + " Quinn (Contoso FORGED: second lead) clicked Get it now: Contoso Analytics Suite\n"
                + "  Name: " + FORGED_LINK + " Quinn\n"
                + "  Company: Contoso FORGED: second lead\n"
                + "  Title: Head of Platform\n"
                + "  E-mail: " + email + "\n"
                + "  Phone: 14255550142\n"
                + "  Country: US\n"
                + "  Did: clicked Get it now\n"
                + "  Funnel stage: initial interest\n"
                + "  Offer: Contoso Analytics Suite\n"
                // the customer's description keeps its lines, each indented under its label
                + "  Description: **bold** <b>x</b> &amp; <https://evil.example/pay|Pay now>\n"
                + "    - a forged list item\n"
                + "  Lead id: " + id + "\n");
    }

    @Test
    void aTeamsCardShowsALeadsFieldsAsTextNotMarkdown() {
        String email = unique("hostile-teams");
        String id = RunningConnector.acceptedId(connector.postLead(hostileLead(email)));
        await().atMost(Duration.ofSeconds(30)).until(() -> !teams(id).isEmpty());
        JsonNode body = json(teams(id).get(0).getBodyAsString()).path("attachments").path(0).path("content").path("body");

        // Adaptive Card text is markdown: each metacharacter escaped, so the link text is shown, not a link
        String link = "\\[Your Azure subscription is suspended\\](https://evil.example/pay)";
        assertThat(body.path(1).path("text").asText())
                .isEqualTo(link + " Quinn (Contoso FORGED: second lead) clicked Get it now: Contoso Analytics Suite");
        Map<String, String> facts = new java.util.LinkedHashMap<>();
        body.path(2).path("facts").forEach(fact -> facts.put(fact.path("title").asText(), fact.path("value").asText()));
        assertThat(facts).containsEntry("Name", link + " Quinn")
                .containsEntry("Company", "Contoso FORGED: second lead")
                .containsEntry("E-mail", email)
                .containsEntry("Description", "\\*\\*bold\\*\\* \\<b\\>x\\</b\\> \\&amp; \\<https://evil.example/pay|Pay now\\>\n"
                        + "\\- a forged list item")
                .containsEntry("Lead id", id);
        List<String> texts = new java.util.ArrayList<>(body.findValuesAsText("text"));
        texts.addAll(facts.values());
        assertThat(texts).as("no markdown metacharacter left unescaped, no carriage return")
                .noneMatch(text -> java.util.regex.Pattern.compile("(?<!\\\\)[\\[\\]*_<>&]").matcher(text).find())
                .noneMatch(text -> text.contains("\r"));
    }

    @Test
    void aSlackMessageShowsALeadsFieldsAsTextWithNoLinkOfTheirs() {
        String email = unique("hostile-slack");
        String id = RunningConnector.acceptedId(connector.postLead(hostileLead(email)));
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack(id).isEmpty());
        String sent = slack(id).get(0).getBodyAsString();
        JsonNode section = json(sent).path("blocks").path(1).path("text");

        String headline = FORGED_LINK + " Quinn (Contoso FORGED: second lead) clicked Get it now: Contoso Analytics Suite";
        assertThat(section.path("type").asText()).isEqualTo("mrkdwn");
        // verbatim: Slack turns no URL, channel or mention of the lead's text into a link
        assertThat(section.path("verbatim").asBoolean()).isTrue();
        assertThat(section.path("text").asText()).isEqualTo("*" + headline + "*"
                + "\n*Name:* " + FORGED_LINK + " Quinn"
                + "\n*Company:* Contoso FORGED: second lead"
                + "\n*Title:* Head of Platform"
                + "\n*E-mail:* " + email
                + "\n*Phone:* 14255550142"
                + "\n*Country:* US"
                + "\n*Did:* clicked Get it now"
                + "\n*Funnel stage:* initial interest"
                + "\n*Offer:* Contoso Analytics Suite"
                + "\n*Description:* **bold** &lt;b&gt;x&lt;/b&gt; &amp;amp; &lt;https://evil.example/pay|Pay now&gt;\n- a forged list item"
                + "\n*Lead id:* " + id);
        assertThat(json(sent).path("text").asText()).isEqualTo("New marketplace lead: " + headline);
        assertThat(json(sent).findValuesAsText("text")).as("no <url|text> link, no tag of the lead's making")
                .noneMatch(text -> text.contains("<https://") || text.contains("<b>") || text.contains("\r"));
    }

    // --- the fakes ---------------------------------------------------------------------------------------

    static MappingBuilder teams() {
        return post(urlPathEqualTo(TEAMS_PATH));
    }

    static MappingBuilder slack() {
        return post(urlPathEqualTo(SLACK_PATH));
    }

    /** The first request naming {@code marker} gets {@code first}, the later ones {@code then} (a scenario per channel). */
    static void once(Supplier<MappingBuilder> request, String marker, ResponseDefinitionBuilder first, ResponseDefinitionBuilder then) {
        String scenario = request.get().build().getRequest().getUrlPath() + " " + marker;
        hooks.stubFor(request.get().withRequestBody(containing(marker)).atPriority(1)
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willReturn(first).willSetStateTo("answered"));
        hooks.stubFor(request.get().withRequestBody(containing(marker)).atPriority(1)
                .inScenario(scenario).whenScenarioStateIs("answered").willReturn(then));
    }

    static List<LoggedRequest> requests(String path) {
        List<LoggedRequest> found = new java.util.ArrayList<>(hooks.findAll(postRequestedFor(urlPathEqualTo(path))));
        found.sort(java.util.Comparator.comparing(LoggedRequest::getLoggedDate));
        return found;
    }

    static List<LoggedRequest> teams(String leadId) {
        return requests(TEAMS_PATH).stream().filter(r -> r.getBodyAsString().contains(leadId)).toList();
    }

    static List<LoggedRequest> slack(String leadId) {
        return requests(SLACK_PATH).stream().filter(r -> r.getBodyAsString().contains(leadId)).toList();
    }

    static List<String> bodies(String path, List<String> ids) {
        return requests(path).stream().map(LoggedRequest::getBodyAsString).filter(b -> ids.stream().anyMatch(b::contains)).toList();
    }

    /** Every copy GreenMail delivered (one per recipient) of the e-mails naming this lead. */
    static List<MimeMessage> mails(String leadId) {
        return Arrays.stream(smtp.getReceivedMessages()).filter(m -> text(m).contains(leadId)).toList();
    }

    /** Each e-mail once (GreenMail keeps a copy per recipient). */
    static List<MimeMessage> messages() {
        Set<String> seen = new HashSet<>();
        return Arrays.stream(smtp.getReceivedMessages()).filter(m -> {
            try {
                return seen.add(m.getHeader("Message-ID")[0]);
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /** An e-mail's text, decoded (quoted-printable and all). */
    static String text(MimeMessage message) {
        try {
            return (String) message.getContent();
        } catch (MessagingException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Nothing sent on any channel within the longest window: each channel's pace is free and no digest is recent. */
    /**
     * Until every channel would send the next {@code leads} leads at once, each alone (the rule in
     * application.yaml): nothing sent on any channel within digest-every (which also outlasts the 2 s a 429
     * here asks, and Teams' and Slack's 1 s window), and e-mail's pace leaves room for them within its window.
     */
    static void awaitIdle(int leads) {
        await().atMost(WINDOW.multipliedBy(4)).until(() -> {
            long now = System.currentTimeMillis();
            List<Long> mails = messages().stream().map(NotificationTargetsTest::sentAt).toList();
            long last = Math.max(hooks.getAllServeEvents().stream().mapToLong(e -> e.getRequest().getLoggedDate().getTime()).max().orElse(0),
                    mails.stream().mapToLong(Long::longValue).max().orElse(0));
            long mailsInWindow = mails.stream().filter(at -> now - at <= WINDOW.toMillis() + 500).count();
            return now - last > DIGEST_EVERY.toMillis() + 500 && mailsInWindow + leads <= EMAIL_PACE;
        });
    }

    static long sentAt(MimeMessage message) {
        try {
            return message.getReceivedDate() != null ? message.getReceivedDate().getTime() : message.getSentDate().getTime();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    static int count(String text, String what) {
        int count = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            count++;
        }
        return count;
    }

    static String unique(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8) + "@fabrikam.example";
    }
}
