package dev.leadconnector.logging;

import ch.qos.logback.core.boolex.PropertyConditionBase;
import java.util.ArrayList;
import java.util.List;

/**
 * A condition for {@code logback-spring.xml}: true when one of its {@code <key>} properties holds
 * something other than blanks. Logback's own {@code IsPropertyDefinedCondition} is not enough there:
 * a {@code <springProperty>} with {@code defaultValue=""} is always defined, and without one it would
 * fall back to Spring Boot's system properties, which keep the first application's value in a JVM.
 */
public class AnyPropertySet extends PropertyConditionBase {

    private final List<String> keys = new ArrayList<>();

    /** One {@code <key>} element each (Logback calls this once per element). */
    public void addKey(String key) {
        keys.add(key);
    }

    @Override
    public void start() {
        if (keys.isEmpty()) {
            addError("AnyPropertySet needs at least one <key>");
            return;
        }
        super.start();
    }

    @Override
    public boolean evaluate() {
        return keys.stream().map(this::property).anyMatch(value -> value != null && !value.isBlank());
    }
}
