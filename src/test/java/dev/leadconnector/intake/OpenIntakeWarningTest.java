package dev.leadconnector.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadconnector.support.RunningConnector;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Issue 25, item 6: a connector that takes leads from anyone who reaches it (no intake token, on
 * an address other machines reach) says so once at start, naming the setting that closes it.
 */
@ExtendWith(OutputCaptureExtension.class)
class OpenIntakeWarningTest {

    static final String TOKEN = "open-intake-test-token-4f1a";

    @TempDir
    Path dataDir;

    @Test
    void noTokenOnLoopbackIsNotWarnedAbout(CapturedOutput output) {
        try (RunningConnector connector = RunningConnector.start(dataDir, "server.address=127.0.0.1", "leads.intake.token=")) {
            assertThat(warnings(output)).isEmpty();
        }
    }

    @Test
    void noTokenOnEveryInterfaceIsWarnedAboutOnce(CapturedOutput output) {
        // 0.0.0.0: every interface, as with server.address unset (the test sends nothing elsewhere)
        try (RunningConnector connector = RunningConnector.start(dataDir, "server.address=0.0.0.0", "leads.intake.token=")) {
            assertThat(warnings(output)).singleElement().satisfies(line -> assertThat(line)
                    .contains(" WARN ").contains("leads.intake.token").contains("LEADS_INTAKE_TOKEN"));
        }
    }

    @Test
    void aTokenOnEveryInterfaceIsNotWarnedAbout(CapturedOutput output) {
        try (RunningConnector connector = RunningConnector.start(dataDir, "server.address=0.0.0.0", "leads.intake.token=" + TOKEN)) {
            assertThat(warnings(output)).isEmpty();
            assertThat(output.getAll()).doesNotContain(TOKEN);
        }
    }

    /** The lines that warn about the intake token. */
    private static List<String> warnings(CapturedOutput output) {
        return output.getAll().lines().filter(line -> line.contains("WARN") && line.contains("leads.intake.token")).toList();
    }
}
