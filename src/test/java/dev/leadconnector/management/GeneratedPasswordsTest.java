package dev.leadconnector.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadconnector.support.ManagementClient;
import dev.leadconnector.support.RunningConnector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Issue 25, item 7: a generated management password lasts until the operator sets one, so a
 * bookmark, a Prometheus scrape or a second terminal still logs in after a restart. The file that
 * keeps them is only trusted when it is owner-only.
 */
@ExtendWith(OutputCaptureExtension.class)
class GeneratedPasswordsTest {

    /** ManagementClient's usernames, without its passwords: both are generated. */
    static final String[] NO_PASSWORDS = {"leads.management.viewer.password=", "leads.management.operator.password="};
    static final String OPERATOR_SET = "leads.management.operator.password=" + ManagementClient.OPERATOR_PASSWORD;

    @TempDir
    Path dataDir;

    @Test
    void generatedPasswordsSurviveARestartUntilTheOperatorSetsOne(CapturedOutput output) throws IOException {
        Path file = dataDir.resolve("management-passwords");
        Map<String, String> first;
        try (RunningConnector connector = RunningConnector.start(dataDir, NO_PASSWORDS)) {
            first = read(file);
            assertThat(first).containsOnlyKeys(ManagementClient.VIEWER, ManagementClient.OPERATOR);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(viewerStatus(connector, first.get(ManagementClient.VIEWER))).isEqualTo(200);
        }

        // a restart: the same passwords still log in
        try (RunningConnector connector = RunningConnector.start(dataDir, NO_PASSWORDS)) {
            assertThat(read(file)).isEqualTo(first);
            assertThat(viewerStatus(connector, first.get(ManagementClient.VIEWER))).isEqualTo(200);
            assertThat(ManagementClient.as(connector, ManagementClient.OPERATOR, first.get(ManagementClient.OPERATOR))
                    .post("/actuator/deadletters", "{\"target\":\"nowhere\"}").statusCode()).isNotIn(401, 403);
        }

        // the operator sets its own: its generated line goes, the viewer's stays
        try (RunningConnector connector = RunningConnector.start(dataDir, "leads.management.viewer.password=", OPERATOR_SET)) {
            assertThat(read(file)).containsExactly(Map.entry(ManagementClient.VIEWER, first.get(ManagementClient.VIEWER)));
            assertThat(viewerStatus(connector, first.get(ManagementClient.VIEWER))).isEqualTo(200);
            assertThat(ManagementClient.as(connector, ManagementClient.OPERATOR, first.get(ManagementClient.OPERATOR))
                    .get("/actuator/info").statusCode()).isEqualTo(401);
            assertThat(ManagementClient.operator(connector).get("/actuator/deadletters").statusCode()).isEqualTo(200);
        }

        // no password, generated or configured, ever reaches the log
        assertThat(output.getAll()).doesNotContain(first.get(ManagementClient.VIEWER))
                .doesNotContain(first.get(ManagementClient.OPERATOR));
        // on loopback (the embedded defaults) where they are is news, not a warning (issue 26, item 6)
        assertThat(output.getAll().lines().filter(line -> line.contains("No password set"))).isNotEmpty()
                .allMatch(line -> line.contains(" INFO ") && !line.contains(" WARN "));
    }

    /** Where other machines reach the management port, generated passwords are a warning. */
    @Test
    void generatedPasswordsAreAWarningWhereOtherMachinesReachThePort() {
        assertThat(ManagementSecurity.reachableFromElsewhere("")).isTrue();
        assertThat(ManagementSecurity.reachableFromElsewhere("0.0.0.0")).isTrue();
        assertThat(ManagementSecurity.reachableFromElsewhere("127.0.0.1")).isFalse();
        assertThat(ManagementSecurity.reachableFromElsewhere("::1")).isFalse();
    }

    /**
     * A file others could read may have been read (or written) by them: its passwords are not
     * reused but replaced, and the new file is owner-only again.
     */
    @Test
    void aFileOthersCanReadIsNotTrusted(CapturedOutput output) throws IOException {
        Path file = dataDir.resolve("management-passwords");
        Files.writeString(file, ManagementClient.VIEWER + "=leaked-viewer-password\n"
                + ManagementClient.OPERATOR + "=leaked-operator-password\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        try (RunningConnector connector = RunningConnector.start(dataDir, NO_PASSWORDS)) {
            Map<String, String> generated = read(file);
            assertThat(generated).containsOnlyKeys(ManagementClient.VIEWER, ManagementClient.OPERATOR);
            assertThat(generated.values()).doesNotContain("leaked-viewer-password", "leaked-operator-password");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(viewerStatus(connector, "leaked-viewer-password")).isEqualTo(401);
            assertThat(viewerStatus(connector, generated.get(ManagementClient.VIEWER))).isEqualTo(200);
            assertThat(output.getAll().lines().filter(line -> line.contains(" WARN ") && line.contains(file.toString())
                    && line.contains("group or others"))).hasSize(1);
            assertThat(output.getAll()).doesNotContain(generated.get(ManagementClient.VIEWER));
        }
    }

    private static int viewerStatus(RunningConnector connector, String password) {
        return ManagementClient.as(connector, ManagementClient.VIEWER, password).get("/actuator/info").statusCode();
    }

    private static Map<String, String> read(Path file) throws IOException {
        Map<String, String> logins = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                int equals = line.lastIndexOf('=');
                logins.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return logins;
    }
}
