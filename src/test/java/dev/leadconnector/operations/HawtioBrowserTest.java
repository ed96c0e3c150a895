package dev.leadconnector.operations;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.leadconnector.management.OperatorOnlyRestrictor;
import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.LoggerFactory;

/**
 * A real browser (headless Chromium) on Hawtio: log in on the management port, open the Camel
 * routes, find the connector's routes; the operator can stop one from Hawtio, the viewer cannot.
 */
class HawtioBrowserTest {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    @TempDir
    static Path dataDir;
    @TempDir
    Path profile;
    static RunningConnector connector;
    WebDriver browser;

    @BeforeAll
    static void start() {
        connector = RunningConnector.start(dataDir);
    }

    @AfterAll
    static void stop() {
        connector.close();
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /**
     * What Hawtio's views call for a viewer, recorded from the Jolokia policy's decisions while a
     * viewer opens each Camel tab, the threads and the Spring Boot views: nothing they call is
     * refused (so the policy's allow-list is what Hawtio needs), and the calls are kept as build
     * output (target/hawtio-viewer-operations.txt) for the allow-list's review.
     */
    @Test
    void everyViewAViewerOpensCallsOnlyWhatThePolicyAllows() throws IOException {
        ch.qos.logback.classic.Logger policy = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(OperatorOnlyRestrictor.class);
        ListAppender<ILoggingEvent> decisions = new ListAppender<>();
        decisions.start();
        Level level = policy.getLevel();
        policy.setLevel(Level.DEBUG);
        policy.addAppender(decisions);
        try {
            browser = chromium();
            logIn(ManagementClient.VIEWER, ManagementClient.VIEWER_PASSWORD);
            openCamelRoutes();
            Set<String> views = new TreeSet<>();
            for (WebElement link : browser.findElements(By.cssSelector("a[href*='/camel/']"))) {
                views.add(link.getAttribute("href"));
            }
            views.add(connector.managementUri("/actuator/hawtio/runtime/threads").toString());
            views.add(connector.managementUri("/actuator/hawtio/springboot/health").toString());
            views.add(connector.managementUri("/actuator/hawtio/springboot/info").toString());
            for (String view : views) {
                int before = decisions.list.size();
                browser.get(view);
                awaitQuiet(decisions, before);
            }
            List<String> calls = decisions.list.stream().map(ILoggingEvent::getFormattedMessage).distinct().sorted().toList();
            Files.createDirectories(Path.of("target"));
            Files.write(Path.of("target/hawtio-viewer-operations.txt"), calls);
            assertThat(calls).as("Hawtio called operations").isNotEmpty();
            assertThat(calls).as("what Hawtio's views call, refused").noneMatch(call -> call.contains("may not call"));
        } finally {
            policy.detachAppender(decisions);
            policy.setLevel(level);
        }
    }

    /**
     * A view has loaded once the policy has been asked something since it opened and then nothing for a second.
     * Looked at every 100 ms, so the second of quiet is measured from the last decision rather than rounded up to
     * whole-second looks (which made each view cost two seconds or more).
     */
    private static void awaitQuiet(ListAppender<ILoggingEvent> decisions, int before) {
        long[] seen = {-1, System.nanoTime()}; // the count last looked at, and since when it has been that
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    int now = decisions.list.size();
                    if (now != seen[0]) {
                        seen[0] = now;
                        seen[1] = System.nanoTime();
                        return false;
                    }
                    return now > before && System.nanoTime() - seen[1] >= Duration.ofSeconds(1).toNanos();
                });
    }

    @Test
    void anOperatorSeesEveryRouteInHawtioAndStopsOneAViewerCannot() {
        browser = chromium();

        logIn(ManagementClient.OPERATOR, ManagementClient.OPERATOR_PASSWORD);
        openCamelRoutes();
        for (String route : new String[] {"lead-intake", "lead-dispatch", "deliver-archive", "lead-dead-letter", "dedup-expiry"}) {
            assertThat(routeRow(route).getText()).as(route).contains("Started");
        }
        // the operator's Stop button works (so the viewer's refusal below is the policy, not the test)
        clickStop("deliver-archive");
        awaitRouteState("deliver-archive", "Stopped");
        operator().execOnRoute("deliver-archive", "start()");
        awaitRouteState("deliver-archive", "Started");

        browser.manage().deleteAllCookies();
        logIn(ManagementClient.VIEWER, ManagementClient.VIEWER_PASSWORD);
        openCamelRoutes();
        assertThat(routeRow("lead-dispatch").getText()).contains("Started");
        // Hawtio is told a viewer may not stop a route (RoleAwareJmxSecurity, asked as the JMX tree loads): with
        // the route selected, as the operator had it, the Stop button stays disabled
        WebElement selected = routeRow("lead-dispatch").findElement(By.cssSelector("input[type=checkbox]"));
        selected.click();
        wait(Duration.ofSeconds(10)).until(page -> selected.isSelected());
        // as long as the operator's took to be enabled, and more: it never is (a state that does not come can
        // only be watched for a while)
        WebElement stop = browser.findElement(By.xpath("//button[normalize-space()='Stop']"));
        org.awaitility.Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(200)).until(() -> !stop.isEnabled());
        // the same request Hawtio would send, forged from the viewer's session: Jolokia refuses it
        String answer = jolokiaFromThePage(
                "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=lead-connector,type=routes,name=\\\"lead-dispatch\\\"\","
                        + "\"operation\":\"stop()\"}");
        assertThat(RunningConnector.json(answer).path("status").asInt()).as(answer).isEqualTo(403);
        assertThat(operator().readRoute("lead-dispatch", "State").path("value").asText()).isEqualTo("Started");
        browser.navigate().refresh();
        wait(Duration.ofSeconds(30)).until(page -> routeRowOrNull("lead-dispatch") != null);
        assertThat(routeRow("lead-dispatch").getText()).contains("Started");
    }

    /** The management port sends a browser to the login form; after it, Hawtio. */
    private void logIn(String user, String password) {
        browser.get(connector.managementUri("/actuator/hawtio/").toString());
        wait(Duration.ofSeconds(120)).until(page -> page.getCurrentUrl().endsWith("/login"));
        browser.findElement(By.name("username")).sendKeys(user);
        browser.findElement(By.name("password")).sendKeys(password);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        // generous: on a loaded 2-core machine the redirect after the password check can take a while
        wait(Duration.ofSeconds(120)).until(page -> page.getCurrentUrl().contains("/actuator/hawtio/"));
    }

    private void openCamelRoutes() {
        browser.get(connector.managementUri("/actuator/hawtio/camel/routes").toString());
        try {
            // generous: Hawtio's first load reads the whole JMX tree, slow on a busy 2-core machine
            wait(Duration.ofSeconds(120)).until(page -> routeRowOrNull("lead-intake") != null
                    && routeRowOrNull("lead-dispatch") != null && routeRowOrNull("deliver-archive") != null);
        } catch (TimeoutException notShown) {
            try {
                Files.write(Path.of("target/hawtio-routes-not-shown.png"),
                        ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            } catch (IOException | RuntimeException ignored) {
                // the timeout says enough
            }
            throw notShown;
        }
    }

    private void clickStop(String route) {
        routeRow(route).findElement(By.cssSelector("input[type=checkbox]")).click();
        WebElement stop = browser.findElement(By.xpath("//button[normalize-space()='Stop']"));
        wait(Duration.ofSeconds(10)).until(page -> stop.isEnabled());
        stop.click();
    }

    private void awaitRouteState(String route, String state) {
        wait(Duration.ofSeconds(30)).until(page -> state.equals(operator().readRoute(route, "State").path("value").asText()));
    }

    private WebElement routeRow(String route) {
        WebElement row = routeRowOrNull(route);
        assertThat(row).as("row of route " + route).isNotNull();
        return row;
    }

    private WebElement routeRowOrNull(String route) {
        List<WebElement> rows = browser.findElements(By.xpath("//table//tr[td[normalize-space()='" + route + "']]"));
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** POSTs to Jolokia with the page's session and CSRF token, as Hawtio does; answers the body. */
    private String jolokiaFromThePage(String request) {
        Object answer = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const token = document.cookie.split('; ').find(c => c.startsWith('XSRF-TOKEN=')).split('=')[1];
                fetch('/actuator/jolokia', {method: 'POST', body: arguments[0],
                        headers: {'Content-Type': 'application/json', 'X-XSRF-TOKEN': decodeURIComponent(token)}})
                    .then(r => r.text()).then(done, e => done('failed: ' + e));
                """, request);
        return String.valueOf(answer);
    }

    private WebDriverWait wait(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(browser, timeout);
        wait.pollingEvery(Duration.ofMillis(100)); // Selenium's default look every 500 ms adds up over the waits
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private static ManagementClient operator() {
        return ManagementClient.operator(connector);
    }

    /** Debian's Chromium and its driver, installed by src/test/scripts/ensure-chromium.sh (run by mvn verify). */
    private WebDriver chromium() {
        assertThat(Path.of(CHROMIUM)).as("Chromium: run src/test/scripts/ensure-chromium.sh").isExecutable();
        assertThat(Path.of(CHROMEDRIVER)).as("chromedriver: run src/test/scripts/ensure-chromium.sh").isExecutable();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }
}
