package dev.leadconnector.logging;

import ch.qos.logback.core.Context;
import java.time.temporal.TemporalAccessor;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.json.JsonWriter.MemberPath;
import org.springframework.boot.json.JsonWriter.ValueProcessor;
import org.springframework.boot.json.WritableJson;
import org.springframework.boot.logging.structured.StructuredLoggingJsonMembersCustomizer;

/**
 * Structured (JSON) output ({@code leads.logging.json-format}: ecs, logstash, gelf) made as safe as the
 * text lines, through Spring Boot's own hook: every value a line writes (message, exception type and
 * message, stack trace, MDC entries, key-value pairs, thread and logger names) passes through
 * {@link SafeLogText} before it is written: secrets out, personal data masked, and line breaks written as
 * {@code \r} and {@code \n}, except in a stack trace ({@code stack_trace}, GELF's {@code full_message}),
 * whose lines are its own (the JSON string escapes them; no value can start a line of its own).
 *
 * <p>Registered in {@code META-INF/spring.factories}, not with {@code logging.structured.json.customizer}:
 * a setting given elsewhere would replace the one in {@code application.yaml}, and with it the masking.
 */
public class SafeJsonMembers implements StructuredLoggingJsonMembersCustomizer<Object> {

    @Override
    public void customize(JsonWriter.Members<Object> members) {
        members.applyingValueProcessor(SafeJsonMembers::safe);
    }

    private static Object safe(MemberPath path, Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof TemporalAccessor
                || value instanceof WritableJson || value instanceof Iterable || value instanceof Map
                || value.getClass().isArray()) {
            return value; // not text, or its elements and entries come through here one by one
        }
        SafeLogText rules = SafeLogText.of((Context) LoggerFactory.getILoggerFactory());
        String text = value.toString();
        return isStackTrace(path) ? rules.clean(text) : rules.oneLine(text);
    }

    private static boolean isStackTrace(MemberPath path) {
        for (MemberPath at = path; at != null; at = at.parent()) {
            if (at.name() != null) {
                return at.name().endsWith("stack_trace") || at.name().equals("full_message");
            }
        }
        return false;
    }
}
