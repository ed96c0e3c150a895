package dev.leadconnector.security;

import static dev.leadconnector.support.Prometheus.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import dev.leadconnector.support.TestLeads;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 25, item 3: a lead's action code is the sender's text, and a metric tag value is a time series
 * kept for good. Whoever can post leads (or Partner Center's "Validate" button, a new
 * {@code MSFT_TEST_<n>} each time) posts made-up action codes, over real HTTP, and the scrape must still
 * show only the closed set of {@code action} values, the made-up codes counted as {@code other} and the
 * marketplace's test leads as {@code test}.
 */
class LeadTextInMetricsTest {

    /** The documented action codes, the test marker, and everything else. */
    static final Set<String> CLOSED_SET = Set.of("StartTestDrive", "INS", "PLT", "Create", "DNC", "test", "other");
    static final Pattern ACTION_TAG = Pattern.compile("[{,]action=\"([^\"]*)\"");
    static final int INVENTED = 30;
    static final int TESTS = 5;
    static final int REPOSTED = 3;

    @TempDir
    static Path dataDir;
    static RunningConnector connector;

    @BeforeAll
    static void start() {
        connector = RunningConnector.start(dataDir);
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
    }

    @Test
    void madeUpActionCodesAddNoMetricSeries() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> invented = IntStream.range(0, INVENTED)
                .mapToObj(i -> TestLeads.lead("invented-" + i + "-" + run + "@fabrikam.example", "Invented" + i + "_" + run)).toList();
        // the marketplace's Validate lead, a new code each time, in the casings it comes in
        List<String> tests = IntStream.range(0, TESTS)
                .mapToObj(i -> TestLeads.lead("validate-" + i + "-" + run + "@fabrikam.example",
                        (i % 2 == 0 ? "MSFT_TEST_" : "msft_Test_") + (636573304831318844L + i))).toList();
        List<String> known = List.of(TestLeads.lead("known-" + run + "@fabrikam.example", "INS"));
        for (String lead : concat(invented, tests, known)) {
            HttpResponse<String> answer = connector.postLead(lead);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        }
        // every made-up code parked by the router, every test lead and the INS lead archived
        await().atMost(Duration.ofSeconds(60)).until(() -> value(scrape(), "leads_dead_lettered_total") == INVENTED
                && value(scrape(), "leads_delivered_total") == TESTS + 1);
        connector.awaitInboxDrained();

        // posted again once dispatched: duplicates, so leads.duplicate (a tag set in the route) counts them too
        for (String lead : concat(tests, invented.subList(0, REPOSTED))) {
            assertThat(connector.postLead(lead).statusCode()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> value(scrape(), "leads_duplicate_total") == TESTS + REPOSTED);
        connector.awaitInboxDrained();
        String scrape = scrape();

        // the leads_* metrics' action tag (the JVM's own jvm_gc_pause has an action tag of its own)
        Set<String> actions = new TreeSet<>();
        scrape.lines().filter(line -> line.startsWith("leads_")).forEach(line -> {
            Matcher tag = ACTION_TAG.matcher(line);
            while (tag.find()) {
                actions.add(tag.group(1));
            }
        });
        assertThat(actions).as("every action tag value of the leads_* metrics").isSubsetOf(CLOSED_SET).contains("other", "test", "INS");
        assertThat(scrape.toLowerCase()).as("no lead's action code in the scrape").doesNotContain("invented", "msft_test_");

        assertThat(value(scrape, "leads_received_total", "action=\"other\"")).isEqualTo(INVENTED + REPOSTED);
        assertThat(value(scrape, "leads_received_total", "action=\"test\"")).isEqualTo(2 * TESTS);
        assertThat(value(scrape, "leads_received_total", "action=\"INS\"")).isEqualTo(1);
        assertThat(value(scrape, "leads_dead_lettered_total", "target=\"router\"", "action=\"other\"")).isEqualTo(INVENTED);
        assertThat(value(scrape, "leads_delivered_total", "target=\"archive\"", "action=\"test\"")).isEqualTo(TESTS);
        assertThat(value(scrape, "leads_delivered_total", "target=\"archive\"", "action=\"INS\"")).isEqualTo(1);
        assertThat(value(scrape, "leads_duplicate_total", "action=\"test\"")).isEqualTo(TESTS);
        assertThat(value(scrape, "leads_duplicate_total", "action=\"other\"")).isEqualTo(REPOSTED);
    }

    static String scrape() {
        HttpResponse<String> scrape = ManagementClient.viewer(connector).get("/actuator/prometheus");
        assertThat(scrape.statusCode()).isEqualTo(200);
        return scrape.body();
    }

    @SafeVarargs
    static List<String> concat(List<String>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }
}
