package dev.leadconnector.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * logging.file.name and logging.file.path write a log file, as in any Spring Boot application, through
 * the same converters as the console: one line per message, secrets redacted, e-mail addresses and
 * phone numbers masked; as JSON with logging.structured.format.file. Only Spring Boot's logging is
 * started (an application without beans), which is what reads logback-spring.xml.
 */
class LogFileTest {

    static final String SECRET = "file-client-secret-7c21d0";
    static final String MESSAGE = "lead for ada@contoso.example, +1 (425) 555-0142\nX: forged with " + SECRET;

    /** No beans: the application only starts Spring Boot's logging. */
    @Configuration(proxyBeanMethods = false)
    static class LoggingOnly {
    }

    final org.slf4j.Logger log = LoggerFactory.getLogger("careless");
    final String logFileBefore = System.getProperty("LOG_FILE");
    final String logPathBefore = System.getProperty("LOG_PATH");

    static ConfigurableApplicationContext start(String... settings) {
        return new SpringApplicationBuilder(LoggingOnly.class).web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF)
                .properties("leads.targets.careless.client-secret=" + SECRET).properties(settings).run();
    }

    @AfterEach
    void noFileLeftOpen() {
        // the logging stays as the last application configured it until the next one starts
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
        Appender<?> file = root.getAppender("FILE");
        if (file != null) {
            root.detachAppender("FILE");
            file.stop();
        }
        // Spring Boot's LOG_FILE and LOG_PATH outlive the application that set them
        restore("LOG_FILE", logFileBefore);
        restore("LOG_PATH", logPathBefore);
    }

    @Test
    void aTextLogFileHoldsMaskedSingleLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("connector.log");
        try (ConfigurableApplicationContext app = start("logging.file.name=" + file)) {
            log.warn(MESSAGE, new IllegalStateException("refused\nX: forged " + SECRET));
        }
        assertThat(file).exists();
        String text = Files.readString(file);
        assertThat(text).contains("lead for ***@***, ***phone***\\nX: forged with [redacted]", "refused\\nX: forged [redacted]")
                .doesNotContain(SECRET, "ada@contoso.example", "555-0142", "\nX: forged");

        // a second application in this JVM without logging.file.* writes no file, not even the first one's
        try (ConfigurableApplicationContext app = start()) {
            log.warn("second application");
        }
        assertThat(Files.readString(file)).doesNotContain("second application");
    }

    @Test
    void aJsonLogFileInTheLogFolderHoldsMaskedValues(@TempDir Path dir) throws Exception {
        try (ConfigurableApplicationContext app = start("logging.file.path=" + dir, "logging.structured.format.file=ecs")) {
            log.warn(MESSAGE);
        }
        Path file = dir.resolve("spring.log");
        assertThat(file).exists();
        List<String> lines = Files.readAllLines(file).stream().filter(line -> line.contains("lead for")).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).doesNotContain(SECRET, "ada@contoso.example", "555-0142");
        JsonNode json = new ObjectMapper().readTree(lines.get(0));
        assertThat(json.path("message").asText()).isEqualTo("lead for ***@***, ***phone***\\nX: forged with [redacted]");
        assertThat(json.path("log").path("logger").asText()).isEqualTo("careless");
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}
