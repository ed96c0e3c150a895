package dev.leadconnector.logging;

import ch.qos.logback.core.boolex.PropertyConditionBase;

/**
 * The condition {@code logback-spring.xml} chooses the console appender by, as Spring Boot's own
 * configuration does: JSON when {@code logging.structured.format.console} names a format
 * ({@code leads.logging.json-format}), text when it is empty or unset.
 */
public class StructuredFormatChosen extends PropertyConditionBase {

    static final String PROPERTY = "CONSOLE_STRUCTURED_FORMAT";

    @Override
    public boolean evaluate() {
        String format = property(PROPERTY);
        return format != null && !format.isBlank();
    }
}
