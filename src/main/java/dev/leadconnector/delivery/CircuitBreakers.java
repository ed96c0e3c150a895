package dev.leadconnector.delivery;

import dev.leadconnector.targets.RoutingSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.model.Model;
import org.apache.camel.model.Resilience4jConfigurationDefinition;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

/**
 * The targets' circuit breakers as camel-resilience4j configurations: {@code leads.circuit-breaker} is
 * Camel's default configuration, and each target (the {@code circuitBreaker} step's
 * {@code configuration: <target>}) has a configuration of its own holding only what its
 * {@code leads.targets.<name>.circuit-breaker} block sets; Camel layers it over the default. An open
 * breaker fails the call at once (CallNotPermittedException), never silently: the lead then waits for
 * the breaker in {@link DeliveryRetry}, without using up its retries.
 */
@Component
public class CircuitBreakers implements CamelContextConfiguration {

    private final RoutingSettings settings;

    public CircuitBreakers(RoutingSettings settings) {
        this.settings = settings;
    }

    /** Before the routes are built: the default configuration, and each target's under its name. */
    @Override
    public void beforeApplicationStart(CamelContext camel) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        Resilience4jConfigurationDefinition defaults = definition(settings.circuitBreaker());
        // after the wait, one trial call decides: closed again if it succeeds, open for another wait if not
        defaults.setPermittedNumberOfCallsInHalfOpenState("1");
        // without this, Camel lets an exchange pass an open breaker with no error: a lead would count as delivered
        defaults.setThrowExceptionWhenHalfOpenOrOpenState("true");
        model.setResilience4jConfiguration(defaults);
        settings.targets().forEach((target, own) -> model.addResilience4jConfiguration(target,
                definition(own.circuitBreaker() == null ? new BreakerSettings(null, null, null, null) : own.circuitBreaker())));
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
        // nothing to do once started
    }

    /** The failure itself: a circuit breaker hands checked exceptions on wrapped in a RuntimeCamelException. */
    public static Exception unwrap(Exception failure) {
        Exception unwrapped = failure;
        while (unwrapped instanceof RuntimeCamelException && unwrapped.getCause() instanceof Exception cause) {
            unwrapped = cause;
        }
        return unwrapped;
    }

    /** Only the keys these settings give: Camel takes the others from the default configuration. */
    private static Resilience4jConfigurationDefinition definition(BreakerSettings settings) {
        Resilience4jConfigurationDefinition definition = new Resilience4jConfigurationDefinition();
        if (settings.failureRateThreshold() != null) {
            definition.setFailureRateThreshold(String.valueOf(settings.failureRateThreshold()));
        }
        if (settings.minimumNumberOfCalls() != null) {
            definition.setMinimumNumberOfCalls(String.valueOf(settings.minimumNumberOfCalls()));
        }
        if (settings.slidingWindowSize() != null) {
            definition.setSlidingWindowSize(String.valueOf(settings.slidingWindowSize()));
        }
        if (settings.waitDuration() != null) {
            definition.setWaitDurationInOpenState(String.valueOf(settings.waitDuration().toSeconds()));
        }
        return definition;
    }

    /**
     * A target's breaker for a component that calls Resilience4j itself (crm:, notify:), configured as
     * Camel's {@code circuitBreaker} step is: the target's own configuration layered over the default.
     */
    public static CircuitBreakerConfig config(CamelContext camel, String target) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        Resilience4jConfigurationDefinition defaults = model.getResilience4jConfiguration(null);
        Resilience4jConfigurationDefinition own = model.getResilience4jConfiguration(target);
        CircuitBreakerConfig.Builder config = CircuitBreakerConfig.custom();
        Layered layered = new Layered(camel, own, defaults);
        layered.set(Resilience4jConfigurationDefinition::getFailureRateThreshold, v -> config.failureRateThreshold(Float.parseFloat(v)));
        layered.set(Resilience4jConfigurationDefinition::getPermittedNumberOfCallsInHalfOpenState,
                v -> config.permittedNumberOfCallsInHalfOpenState(Integer.parseInt(v)));
        layered.set(Resilience4jConfigurationDefinition::getSlidingWindowType,
                v -> config.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.valueOf(v)));
        layered.set(Resilience4jConfigurationDefinition::getSlidingWindowSize, v -> config.slidingWindowSize(Integer.parseInt(v)));
        layered.set(Resilience4jConfigurationDefinition::getMinimumNumberOfCalls, v -> config.minimumNumberOfCalls(Integer.parseInt(v)));
        layered.set(Resilience4jConfigurationDefinition::getWritableStackTraceEnabled,
                v -> config.writableStackTraceEnabled(Boolean.parseBoolean(v)));
        layered.set(Resilience4jConfigurationDefinition::getWaitDurationInOpenState,
                v -> config.waitDurationInOpenState(Duration.ofSeconds(Long.parseLong(v))));
        layered.set(Resilience4jConfigurationDefinition::getAutomaticTransitionFromOpenToHalfOpenEnabled,
                v -> config.automaticTransitionFromOpenToHalfOpenEnabled(Boolean.parseBoolean(v)));
        layered.set(Resilience4jConfigurationDefinition::getSlowCallRateThreshold, v -> config.slowCallRateThreshold(Float.parseFloat(v)));
        layered.set(Resilience4jConfigurationDefinition::getSlowCallDurationThreshold,
                v -> config.slowCallDurationThreshold(Duration.ofSeconds(Long.parseLong(v))));
        return config.build();
    }

    /** A configuration key: the target's own value, else the default configuration's, placeholders resolved. */
    private record Layered(CamelContext camel, Resilience4jConfigurationDefinition own,
                           Resilience4jConfigurationDefinition defaults) {
        void set(Function<Resilience4jConfigurationDefinition, String> key, Consumer<String> apply) {
            String value = own == null ? null : key.apply(own);
            if (value == null && defaults != null) {
                value = key.apply(defaults);
            }
            if (value != null) {
                apply.accept(camel.resolvePropertyPlaceholders(value));
            }
        }
    }
}
