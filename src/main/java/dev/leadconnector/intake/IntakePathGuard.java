package dev.leadconnector.intake;

import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * HTTP routes that route files add ({@code from: platform-http:/ping}) are served on the lead port
 * through Spring MVC; intake keeps its own servlet, mapped to {@code leads.intake.path} alone, which
 * the container always prefers. A {@code platform-http} route on the intake path itself would never
 * be called, so it is refused when it starts, saying why and what to use instead. (Paths under the
 * intake path are allowed: {@link IntakeGate} checks them as it checks intake.)
 */
@Component
public class IntakePathGuard implements BeanPostProcessor {

    private final ObjectProvider<IntakeSettings> settings;

    public IntakePathGuard(ObjectProvider<IntakeSettings> settings) {
        this.settings = settings;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof PlatformHttpEngine engine && !(bean instanceof Guarded)) {
            return new Guarded(engine, settings);
        }
        return bean;
    }

    static String refusal(String path, String intake) {
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (!trimmed.equalsIgnoreCase(intake)) {
            return null;
        }
        return "platform-http:" + path + " is refused: " + intake + " is the intake path (leads.intake.path), served by"
                + " the intake servlet, so this route would never be called. Take another path, or one under "
                + intake + "/ (such as " + intake + "/partner) to take leads with the intake's token, size and"
                + " content-type checks.";
    }

    /** The engine Camel's Spring Boot starter made, refusing the intake path. */
    record Guarded(PlatformHttpEngine engine, ObjectProvider<IntakeSettings> settings) implements PlatformHttpEngine {
        @Override
        public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
            String refusal = refusal(endpoint.getPath(), settings.getObject().path());
            if (refusal != null) {
                throw new IllegalArgumentException(refusal);
            }
            return engine.createConsumer(endpoint, processor);
        }

        @Override
        public int getServerPort() {
            return engine.getServerPort();
        }

        @Override
        public String getScheme() {
            return engine.getScheme();
        }
    }
}
