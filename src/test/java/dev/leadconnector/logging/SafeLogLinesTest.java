package dev.leadconnector.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;

/**
 * The converters logback-spring.xml registers for text lines and the JSON members' value processor,
 * on one event that carries everything a careless caller might log: a line break that would start a
 * forged line, a configured secret, an e-mail address and a phone number, in the message, in an
 * exception's message and its cause's, in the MDC.
 */
class SafeLogLinesTest {

    static final String SECRET = "client-secret-9f3e1a";
    static final String MESSAGE = "lead for ada@contoso.example, +1 (425) 555-0142\nX: forged with " + SECRET;

    final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    final String key = Environment.class.getName();
    Object environmentBefore;

    @BeforeEach
    void environment() {
        environmentBefore = context.getObject(key);
        context.putObject(key, new MockEnvironment()
                .withProperty("leads.targets.careless.client-secret", SECRET)
                .withProperty("spring.application.name", "safe-log-lines-test"));
    }

    @AfterEach
    void restore() {
        if (environmentBefore != null) {
            context.putObject(key, environmentBefore);
        } else {
            context.removeObject(key);
        }
    }

    @Test
    void aTextMessageIsOneLineWithoutSecretsOrPersonalData() {
        SafeMessageConverter message = new SafeMessageConverter();
        message.setContext(context);
        message.start();
        assertThat(message.convert(event()))
                .isEqualTo("lead for ***@***, ***phone***\\nX: forged with [redacted]");
    }

    @Test
    void aTextStackTraceKeepsItsFramesButNoExceptionMessageStartsALine() {
        SafeThrowableConverter throwable = new SafeThrowableConverter();
        throwable.setContext(context);
        throwable.start();
        String trace = throwable.convert(event());
        assertThat(trace).contains("IllegalStateException: refused\\nX: forged", "RuntimeException: echo [redacted] ***@***")
                .contains("\n\tat dev.leadconnector.logging.SafeLogLinesTest")
                .doesNotContain(SECRET, "ada@contoso.example")
                .doesNotContain("\nX: forged");
    }

    @Test
    void everyJsonValueIsMaskedAndOnlyStackTracesKeepTheirLines() throws Exception {
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setContext(context);
        encoder.setFormat("ecs");
        encoder.start();
        String line = new String(encoder.encode(event()), StandardCharsets.UTF_8);
        assertThat(line).doesNotContain(SECRET, "ada@contoso.example", "555-0142").endsWith("\n");
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("message").asText()).isEqualTo("lead for ***@***, ***phone***\\nX: forged with [redacted]");
        assertThat(json.path("leadId").asText()).isEqualTo("f118194ff7e2b1902f66635d7e5a6188");
        assertThat(json.path("note").asText()).isEqualTo("from ***@***\\nY: forged");
        assertThat(json.path("error").path("message").asText()).isEqualTo("refused\\nX: forged [redacted]");
        assertThat(json.path("error").path("stack_trace").asText())
                .contains("\n\tat dev.leadconnector.logging.SafeLogLinesTest", "echo [redacted] ***@***")
                .doesNotContain(SECRET, "ada@contoso.example");
    }

    private LoggingEvent event() {
        RuntimeException cause = new RuntimeException("echo " + SECRET + " ada@contoso.example");
        LoggingEvent event = new LoggingEvent(SafeLogLinesTest.class.getName(), context.getLogger("careless"), Level.WARN,
                MESSAGE, new IllegalStateException("refused\nX: forged " + SECRET, cause), null);
        event.setMDCPropertyMap(Map.of("leadId", "f118194ff7e2b1902f66635d7e5a6188", "note", "from ada@contoso.example\nY: forged"));
        return event;
    }
}
