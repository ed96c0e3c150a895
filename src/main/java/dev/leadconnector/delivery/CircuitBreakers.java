package dev.leadconnector.delivery;

import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.model.Model;
import org.apache.camel.model.Resilience4jConfigurationDefinition;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * One Resilience4j circuit breaker configuration per target, named after it, for the
 * {@code circuitBreaker} step of its deliver-* route ({@code configuration: <target>}). An open
 * breaker fails the call at once (CallNotPermittedException), never silently: the lead then waits
 * for the breaker in {@link DeliveryRetry}, without using up its retries.
 */
@Component
public class CircuitBreakers implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreakers.class);

    private final BreakerSettings defaults;
    private final Map<String, BreakerSettings> perTarget;

    public CircuitBreakers(Environment environment) {
        Binder binder = Binder.get(environment);
        this.defaults = binder.bind("leads.circuit-breaker", BreakerSettings.class).orElse(BreakerSettings.BUILT_IN)
                .orElse(BreakerSettings.BUILT_IN);
        // every target named under leads.targets, whether or not it has a circuit-breaker block of its own
        this.perTarget = binder.bind("leads.targets", Bindable.mapOf(String.class, Object.class)).orElse(Map.of())
                .keySet().stream()
                .collect(Collectors.toMap(target -> target, target -> binder
                        .bind("leads.targets." + target + ".circuit-breaker", BreakerSettings.class)
                        .map(own -> own.orElse(defaults)).orElse(defaults)));
    }

    /** Before the routes are built: each target's configuration, under its name. */
    @Override
    public void beforeApplicationStart(CamelContext camel) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        perTarget.forEach((target, settings) -> model.addResilience4jConfiguration(target, definition(settings)));
        LOG.debug("Circuit breakers: {}", perTarget);
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

    BreakerSettings settings(String target) {
        return perTarget.getOrDefault(target, defaults);
    }

    private static Resilience4jConfigurationDefinition definition(BreakerSettings settings) {
        Resilience4jConfigurationDefinition definition = new Resilience4jConfigurationDefinition();
        definition.setFailureRateThreshold(String.valueOf(settings.failureRateThreshold()));
        definition.setMinimumNumberOfCalls(String.valueOf(settings.minimumNumberOfCalls()));
        definition.setSlidingWindowSize(String.valueOf(settings.slidingWindowSize()));
        definition.setWaitDurationInOpenState(String.valueOf(settings.waitDuration().toSeconds()));
        // after the wait, one trial call decides: closed again if it succeeds, open for another wait if not
        definition.setPermittedNumberOfCallsInHalfOpenState("1");
        // without this, Camel lets an exchange pass an open breaker with no error: a lead would count as delivered
        definition.setThrowExceptionWhenHalfOpenOrOpenState("true");
        return definition;
    }
}
