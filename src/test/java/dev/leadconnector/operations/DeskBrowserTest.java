package dev.leadconnector.operations;

import static dev.leadconnector.support.RunningConnector.acceptedId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.FlakyTarget;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The lead desk (/desk on the management port) in a real browser (headless Chromium): a viewer finds
 * a posted lead and where it went, by e-mail too, and today's bar of the chart counts it, with no
 * button to act; an operator replays the lead parked at a CRM that was down, and its journey shows
 * the replay and the delivery. A viewer filters by offer and by a target's status and reads the chart by
 * offer; an operator backfills a target after a confirmation that counts the leads, and a lead's
 * journey shows it. A POST forged without the CSRF token is refused, a viewer's too. Screenshots are
 * kept in target/ (desk-*.png).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeskBrowserTest {

    @TempDir
    static Path dataDir;
    @TempDir
    Path profile;
    static RunningConnector connector;
    static String lead;
    static String other;
    /** The other customer's lead again, of another offer (the intake URL's ?offer=): the offer filter's. */
    static String partnerHub;
    WebDriver browser;
    static final String PARTNER_HUB = "fabrikam.partner-hub";

    @BeforeAll
    static void start() {
        FlakyTarget.down = true;
        FlakyTarget.RECEIVED.clear();
        connector = RunningConnector.start(dataDir,
                "camel.main.routes-include-pattern=file:routes/*.camel.yaml,classpath:test-routes/deliver-flaky.camel.yaml",
                "leads.targets.flaky.enabled=true",
                "leads.delivery.max-redeliveries=1",
                "leads.delivery.redelivery-delay=10");
        lead = acceptedId(connector.postLead(Fixtures.lead("azure-marketplace-ins.json")));
        other = acceptedId(connector.postLead(Fixtures.lead("appsource-contact-me-camelcase.json")));
        partnerHub = acceptedId(connector.send(HttpRequest.newBuilder(connector.uri("/leads?offer=" + PARTNER_HUB))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Fixtures.lead("appsource-contact-me-camelcase.json")))));
        for (String id : List.of(lead, partnerHub)) {
            Path parked = connector.deadLetters().resolve(id + "-flaky.json");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(parked));
        }
        connector.awaitArchived(lead);
        connector.awaitArchived(other);
        connector.awaitArchived(partnerHub);
    }

    @AfterAll
    static void stop() {
        FlakyTarget.down = false;
        connector.close();
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    @Order(1)
    void aViewerFindsThePostedLeadWhereItWentAndTodaysCountButNoButton() throws IOException {
        browser = chromium();
        logIn(ManagementClient.VIEWER, ManagementClient.VIEWER_PASSWORD);

        // the newest leads: the posted one, delivered to the archive, parked at the CRM that was down
        WebElement row = awaitRow(lead, "flaky", "parked");
        assertThat(row.getText()).contains("Avery Quinn", "Fabrikam", "Contoso Analytics Suite", "INS");
        assertThat(targetState(row, "archive")).contains("delivered");
        assertThat(row.getText()).as("a viewer sees the e-mail masked").contains("***@***").doesNotContain("avery.quinn@");
        // the charts' bars for today count today's three leads, by action and by offer (each offer a series)
        assertThat(browser.findElement(By.id("chart-today")).getAttribute("data-count")).isEqualTo("3");
        assertThat(browser.findElement(By.id("chart-offer-today")).getAttribute("data-count")).isEqualTo("3");
        assertThat(browser.findElements(By.cssSelector("#chart-offer g.series")).stream().map(g -> g.getAttribute("data-series")).toList())
                .containsExactlyInAnyOrder("Contoso Analytics Suite", PARTNER_HUB);
        assertThat(browser.findElement(By.cssSelector("#chart-offer-today title")).getAttribute("textContent"))
                .contains("Contoso Analytics Suite 2", PARTNER_HUB + " 1");
        assertThat(browser.findElement(By.id("today-count")).getText()).isEqualTo("3");
        assertThat(browser.findElements(By.cssSelector("a.replay, a.backfill, button.danger"))).as("a viewer's action buttons").isEmpty();
        screenshot("desk-viewer.png");

        // the filters: one offer; then the leads parked at the CRM that was down; none delivered there yet
        new Select(browser.findElement(By.id("offer"))).selectByValue(PARTNER_HUB);
        browser.findElement(By.id("filters")).submit();
        wait(Duration.ofSeconds(30)).until(page -> page.getCurrentUrl().contains("offer="));
        assertThat(listed()).containsExactly(partnerHub);
        new Select(browser.findElement(By.id("offer"))).selectByIndex(0);
        new Select(browser.findElement(By.id("target"))).selectByValue("flaky");
        new Select(browser.findElement(By.id("status"))).selectByValue("parked");
        browser.findElement(By.id("filters")).submit();
        wait(Duration.ofSeconds(30)).until(page -> page.getCurrentUrl().contains("status=parked"));
        assertThat(listed()).contains(partnerHub, lead).allSatisfy(id -> assertThat(targetState(
                browser.findElement(By.cssSelector("tr.lead[data-lead='" + id + "']")), "flaky")).contains("parked"));
        screenshot("desk-viewer-filtered.png");
        browser.get(connector.managementUri("/desk?target=flaky&status=delivered").toString());
        assertThat(listed()).isEmpty();
        assertThat(browser.findElement(By.id("leads")).getText()).contains("No leads match");
        browser.get(connector.managementUri("/desk").toString());

        // search by e-mail: only that customer's lead
        WebElement search = browser.findElement(By.id("q"));
        search.sendKeys("Avery.Quinn@fabrikam.example");
        search.submit();
        wait(Duration.ofSeconds(30)).until(page -> page.getCurrentUrl().contains("q="));
        assertThat(browser.findElements(By.cssSelector("tr.lead")).stream().map(r -> r.getAttribute("data-lead")).toList())
                .containsExactly(lead);

        // the lead's page: timeline, outcome per target, the payload masked, no replay button
        browser.findElement(By.cssSelector("tr.lead a")).click();
        wait(Duration.ofSeconds(30)).until(page -> page.getCurrentUrl().contains("/desk/leads/" + lead));
        assertThat(browser.findElement(By.id("timeline")).getText()).contains("received", "routed", "delivered at archive",
                "parked at flaky");
        assertThat(browser.findElement(By.cssSelector("#targets tr[data-target=flaky]")).getText()).contains("parked");
        assertThat(browser.findElement(By.id("payload")).getText()).contains("***@***", "Fabrikam")
                .doesNotContain("avery.quinn@fabrikam.example", "14255550142");
        assertThat(browser.findElements(By.cssSelector("a.replay, button.danger, form[action='/desk/replay']"))).isEmpty();
        screenshot("desk-lead-viewer.png");

        // the confirmation page tells a viewer how many, but offers no button
        browser.get(connector.managementUri("/desk/replay?target=flaky&leadId=" + lead).toString());
        assertThat(browser.findElement(By.id("count")).getText()).contains("1 parked lead");
        assertThat(browser.findElements(By.id("confirm"))).isEmpty();

        // a viewer's POST is refused, token or not; the lead stays parked
        assertThat(postFromThePage("/desk/replay", "leadId=" + lead + "&target=flaky", true)).isEqualTo(403);
        assertThat(connector.deadLetters().resolve(lead + "-flaky.json")).exists();

        // the backfill's confirmation shows a viewer no count (counting reads thousands of leads: issue 28) and no
        // button; a viewer's POST is refused
        browser.get(connector.managementUri("/desk/backfill?target=flaky").toString());
        assertThat(browser.findElement(By.id("count")).getText()).contains("A backfill sends flaky").doesNotContain("This will send");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("Only an operator may backfill");
        assertThat(browser.findElements(By.id("confirm"))).isEmpty();
        assertThat(postFromThePage("/desk/backfill", "target=flaky", true)).isEqualTo(403);
    }

    @Test
    @Order(2)
    void anOperatorReplaysTheParkedLeadThenBackfillsTheTargetFromThePageAndTheJourneysShowIt() throws IOException {
        browser = chromium();
        logIn(ManagementClient.OPERATOR, ManagementClient.OPERATOR_PASSWORD);
        awaitRow(lead, "flaky", "parked");
        assertThat(browser.findElements(By.cssSelector("a.replay[href='/desk/replay?target=flaky']")))
                .as("the operator's replay of every letter of a target").hasSize(1);
        assertThat(browser.findElement(By.cssSelector("tr.lead[data-lead='" + lead + "']")).getText())
                .as("an operator sees the e-mail").contains("avery.quinn@fabrikam.example");

        // forged: the operator's session, but no CSRF token: refused, nothing replayed, nothing backfilled
        assertThat(postFromThePage("/desk/replay", "leadId=" + lead + "&target=flaky", false)).isEqualTo(403);
        assertThat(postFromThePage("/desk/backfill", "target=flaky", false)).isEqualTo(403);
        assertThat(connector.deadLetters().resolve(lead + "-flaky.json")).exists();

        FlakyTarget.down = false;
        browser.get(connector.managementUri("/desk/leads/" + lead).toString());
        assertThat(browser.findElement(By.id("payload")).getText()).contains("avery.quinn@fabrikam.example");
        browser.findElement(By.cssSelector("#targets tr[data-target=flaky] a.replay")).click();
        wait(Duration.ofSeconds(30)).until(page -> !page.findElements(By.id("count")).isEmpty());
        assertThat(browser.findElement(By.id("count")).getText()).contains("1 parked lead");
        screenshot("desk-replay-confirmation.png");
        browser.findElement(By.id("confirm")).click();

        wait(Duration.ofSeconds(30)).until(page -> page.getCurrentUrl().contains("/desk/leads/" + lead));
        assertThat(FlakyTarget.RECEIVED).containsExactly(lead);
        // the journal writes on its own thread: the page shows the replay and the delivery once written
        wait(Duration.ofSeconds(30)).until(page -> {
            page.navigate().refresh();
            String timeline = page.findElement(By.id("timeline")).getText();
            return timeline.contains("replayed at flaky") && timeline.contains("delivered at flaky")
                    && page.findElement(By.cssSelector("#targets tr[data-target=flaky]")).getText().contains("delivered");
        });
        assertThat(browser.findElements(By.cssSelector("#targets a.replay"))).isEmpty();
        screenshot("desk-operator-replayed.png");

        // the same browser: a backfill of the CRM that was down sends it the leads it has not got (parked, not replayed)
        browser.get(connector.managementUri("/desk").toString());
        browser.findElement(By.cssSelector("a.backfill[href='/desk/backfill?target=flaky']")).click();
        wait(Duration.ofSeconds(30)).until(page -> !page.findElements(By.id("count")).isEmpty());
        List<String> missing = List.of(other, partnerHub).stream()
                .filter(id -> Files.exists(connector.deadLetters().resolve(id + "-flaky.json"))).toList();
        assertThat(missing).contains(partnerHub);
        assertThat(browser.findElement(By.id("count")).getText())
                .contains("This will send " + missing.size() + (missing.size() == 1 ? " lead" : " leads") + " to flaky");
        screenshot("desk-backfill-confirmation.png");
        browser.findElement(By.id("confirm")).click();
        wait(Duration.ofSeconds(30)).until(page -> !page.findElements(By.id("backfilled")).isEmpty());
        assertThat(browser.findElement(By.id("backfilled")).getText()).contains(missing.size() + (missing.size() == 1 ? " lead" : " leads") + " queued");

        await().atMost(Duration.ofSeconds(30)).until(() -> FlakyTarget.RECEIVED.containsAll(missing));
        browser.get(connector.managementUri("/desk/leads/" + partnerHub).toString());
        wait(Duration.ofSeconds(30)).until(page -> {
            page.navigate().refresh();
            String timeline = page.findElement(By.id("timeline")).getText();
            return timeline.contains("backfilled at flaky") && timeline.contains("delivered at flaky");
        });
        screenshot("desk-operator-backfilled.png");
    }

    @Test
    @Order(3)
    void theDeskAllowsNothingFromElsewhereAndSendsABrowserWithoutSessionToTheLogin() throws Exception {
        HttpResponse<String> page = ManagementClient.viewer(connector).get("/desk");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "form-action 'self'");
        assertThat(page.body()).doesNotContain("<script>", "style=\"", "http://", "https://");
        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(connector.managementUri("/desk"))
                .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location").orElseThrow()).endsWith("/login");
        // the JSON the page refreshes itself from
        HttpResponse<String> summary = ManagementClient.viewer(connector).get("/desk/summary");
        assertThat(RunningConnector.json(summary.body()).path("today").asInt()).isEqualTo(3);
    }

    /** Waits until the desk lists the lead with this state at this target (the journal writes on its own thread). */
    private WebElement awaitRow(String leadId, String target, String state) {
        wait(Duration.ofSeconds(30)).until(page -> {
            page.navigate().refresh();
            List<WebElement> rows = page.findElements(By.cssSelector("tr.lead[data-lead='" + leadId + "']"));
            return !rows.isEmpty() && targetState(rows.get(0), target).contains(state);
        });
        return browser.findElement(By.cssSelector("tr.lead[data-lead='" + leadId + "']"));
    }

    /** The leads the page lists, in its order. */
    private List<String> listed() {
        return browser.findElements(By.cssSelector("tr.lead")).stream().map(r -> r.getAttribute("data-lead")).toList();
    }

    private static String targetState(WebElement row, String target) {
        List<WebElement> states = row.findElements(By.cssSelector("li[data-target='" + target + "']"));
        return states.isEmpty() ? "" : states.get(0).getText();
    }

    /** The management port sends a browser to the login form; after it, back to the desk. */
    private void logIn(String user, String password) {
        browser.get(connector.managementUri("/desk").toString());
        wait(Duration.ofSeconds(120)).until(page -> page.getCurrentUrl().endsWith("/login"));
        browser.findElement(By.name("username")).sendKeys(user);
        browser.findElement(By.name("password")).sendKeys(password);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait(Duration.ofSeconds(120)).until(page -> URI.create(page.getCurrentUrl()).getPath().equals("/desk"));
    }

    /** A POST to the desk from the page's session, with the CSRF token (header) or forged without it; its status. */
    private int postFromThePage(String path, String form, boolean withToken) {
        Object answer = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const headers = {'Content-Type': 'application/x-www-form-urlencoded'};
                if (arguments[1]) {
                    const token = document.cookie.split('; ').find(c => c.startsWith('XSRF-TOKEN=')).split('=')[1];
                    headers['X-XSRF-TOKEN'] = decodeURIComponent(token);
                }
                fetch(arguments[2], {method: 'POST', body: arguments[0], headers: headers, redirect: 'manual'})
                    .then(r => done(r.status), e => done(-1));
                """, form, withToken, path);
        return ((Number) answer).intValue();
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private WebDriverWait wait(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(browser, timeout);
        wait.pollingEvery(Duration.ofMillis(100)); // Selenium's default look every 500 ms adds up over the waits
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** Debian's Chromium and its driver, as {@link HawtioBrowserTest} uses them. */
    private WebDriver chromium() {
        assertThat(Path.of(HawtioBrowserTest.CHROMIUM)).as("Chromium: run src/test/scripts/ensure-chromium.sh").isExecutable();
        assertThat(Path.of(HawtioBrowserTest.CHROMEDRIVER)).as("chromedriver: run src/test/scripts/ensure-chromium.sh").isExecutable();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(HawtioBrowserTest.CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1300", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(HawtioBrowserTest.CHROMEDRIVER).toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }
}
