package dev.leadconnector.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadconnector.support.ConnectorProcess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An orchestrator probes readiness all through start-up (ConnectorProcess probes every 200 ms until
 * it answers 200): each not-ready answer may log a line, never a stack trace, and the inbox, whose
 * folder does not exist until Camel starts, says so once.
 */
class ReadinessDuringStartUpTest {

    @Test
    void probesDuringStartUpLogNoStackTrace(@TempDir Path dir) throws Exception {
        ConnectorProcess connector = ConnectorProcess.start("starting", dir.resolve("connector.log"),
                "leads.data-dir=" + dir.resolve("data"), "leads.routes.reload=false");
        List<String> lines;
        try {
            // what it logged until it was ready (shutting down is another story)
            lines = connector.awaitReady().log().lines().toList();
        } finally {
            connector.close();
        }
        assertThat(lines).as("readiness probes answered not ready while starting")
                .anyMatch(line -> line.contains("Probe in group 'camel'") || line.contains("Inbox not reachable yet"));
        assertThat(lines).as("stack trace lines").noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by:"));
        assertThat(lines.stream().filter(line -> line.contains("Inbox")).count()).as("lines about the inbox").isLessThanOrEqualTo(1);
    }
}
