package dev.leadconnector.delivery;

import dev.leadconnector.targets.RoutingSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.resilience4j.ResilienceConstants;
import org.apache.camel.model.Model;
import org.apache.camel.model.Resilience4jConfigurationDefinition;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The targets' circuit breakers are Resilience4j's, configured by camel-resilience4j-starter:
 * {@code camel.resilience4j.*} is the default configuration and {@code camel.resilience4j.configurations.<target>.*}
 * a target's own, which a route's {@code circuitBreaker} step names ({@code configuration: <target>}) and the
 * components that call Resilience4j themselves (crm:, notify:) read through {@link #config}, layered over the
 * default as Camel layers it. What stays here is only what the starter does not do:
 * <ul>
 * <li>a target with no configuration of its own gets an empty one under its name, so it takes the default:
 *     Camel refuses to start a route whose {@code circuitBreaker} names a configuration that does not exist
 *     (NoSuchBeanException);</li>
 * <li>the start fails when a target's breaker would let an exchange pass while it is open (a lead counted as
 *     delivered): {@code throw-exception-when-half-open-or-open-state} must be true, and Camel's default for
 *     a configuration that leaves it out is false;</li>
 * <li>the start fails when a key of the former {@code leads.circuit-breaker} or
 *     {@code leads.targets.<name>.circuit-breaker} blocks is still set, so no one's setting is silently ignored;</li>
 * <li>a configuration named after no target is reported at start (a typo such as {@code salesforse} would
 *     leave that target on the default); it is not refused: a route a user added may name it.</li>
 * </ul>
 * An open breaker fails the call at once (CallNotPermittedException): the lead then waits for the breaker in
 * {@link DeliveryRetry}, without using up its retries.
 */
@Component
public class CircuitBreakers implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreakers.class);
    /** The keys the connector read before issue 27 (relaxed: environment variables come as dotted names). */
    private static final Pattern FORMER_KEY = Pattern.compile("leads\\.(targets\\..+\\.)?circuit[.-]?breaker(\\..*)?");

    private final RoutingSettings settings;

    public CircuitBreakers(RoutingSettings settings, Environment environment) {
        this.settings = settings;
        Set<String> former = formerKeys(environment);
        if (!former.isEmpty()) {
            throw new IllegalStateException("lead-connector cannot start: " + String.join(", ", former)
                    + " is no longer read. The circuit breakers are Resilience4j's own configuration now:"
                    + " camel.resilience4j.* for every target, camel.resilience4j.configurations.<target>.* for one"
                    + " (wait-duration is wait-duration-in-open-state, in seconds); see docs/settings.md");
        }
    }

    /** Before the routes are built: an empty configuration for each target without one, then the checks. */
    @Override
    public void beforeApplicationStart(CamelContext camel) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        Set<String> noTargets = new TreeSet<>(camel.getRegistry().findByTypeWithName(Resilience4jConfigurationDefinition.class).keySet());
        noTargets.remove(ResilienceConstants.DEFAULT_RESILIENCE_CONFIGURATION_ID);
        noTargets.removeAll(settings.targets().keySet());
        for (String name : noTargets) {
            LOG.warn("camel.resilience4j.configurations.{} names no target (targets: {}): no target's breaker uses it,"
                    + " only a route that names it", name, String.join(", ", new TreeSet<>(settings.targets().keySet())));
        }
        for (String target : settings.targets().keySet()) {
            if (own(camel, target) == null) {
                model.addResilience4jConfiguration(target, new Resilience4jConfigurationDefinition());
            }
            String throwing = new Layered(camel, own(camel, target), own(camel, null))
                    .value(Resilience4jConfigurationDefinition::getThrowExceptionWhenHalfOpenOrOpenState);
            if (!"true".equals(throwing)) {
                String key = camel.getRegistry().lookupByNameAndType(target, Resilience4jConfigurationDefinition.class) != null
                        ? "camel.resilience4j.configurations." + target : "camel.resilience4j";
                throw new IllegalStateException("lead-connector cannot start: the circuit breaker of target " + target
                        + " would let a lead pass while it is open, as if delivered: set " + key
                        + ".throw-exception-when-half-open-or-open-state: true (a configuration that leaves it out"
                        + " takes Camel's default, false)");
            }
        }
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

    /**
     * A target's breaker for a component that calls Resilience4j itself (crm:, notify:), configured as
     * Camel's {@code circuitBreaker} step is: the target's own configuration layered over the default.
     */
    public static CircuitBreakerConfig config(CamelContext camel, String target) {
        CircuitBreakerConfig.Builder config = CircuitBreakerConfig.custom();
        Layered layered = new Layered(camel, own(camel, target), own(camel, null));
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

    /** How long a target's breaker stays open before a trial call (Resilience4j's default: 60 s). */
    public static Duration waitInOpenState(CamelContext camel, String target) {
        String seconds = new Layered(camel, own(camel, target), own(camel, null))
                .value(Resilience4jConfigurationDefinition::getWaitDurationInOpenState);
        return Duration.ofSeconds(seconds == null ? 60 : Long.parseLong(seconds));
    }

    /**
     * A configuration as Camel's reifier finds it: the one added to Camel's model, else the bean the starter
     * registered ({@code resilience4j-configuration} for the default, the configuration's name for the others).
     */
    private static Resilience4jConfigurationDefinition own(CamelContext camel, String name) {
        Resilience4jConfigurationDefinition own = camel.getCamelContextExtension().getContextPlugin(Model.class)
                .getResilience4jConfiguration(name);
        return own != null ? own : camel.getRegistry().lookupByNameAndType(
                name == null ? ResilienceConstants.DEFAULT_RESILIENCE_CONFIGURATION_ID : name,
                Resilience4jConfigurationDefinition.class);
    }

    /** The keys of the former leads.circuit-breaker blocks that are set, from any source (file, environment, argument). */
    static Set<String> formerKeys(Environment environment) {
        Set<String> found = new TreeSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.stream().map(ConfigurationPropertyName::toString)
                        .filter(name -> FORMER_KEY.matcher(name).matches()).forEach(found::add);
            }
        }
        return found;
    }

    /** A configuration key: the target's own value, else the default configuration's, placeholders resolved. */
    private record Layered(CamelContext camel, Resilience4jConfigurationDefinition own,
                           Resilience4jConfigurationDefinition defaults) {
        String value(Function<Resilience4jConfigurationDefinition, String> key) {
            String value = own == null ? null : key.apply(own);
            if (value == null && defaults != null) {
                value = key.apply(defaults);
            }
            return value == null ? null : camel.resolvePropertyPlaceholders(value);
        }

        void set(Function<Resilience4jConfigurationDefinition, String> key, Consumer<String> apply) {
            String value = value(key);
            if (value != null) {
                apply.accept(value);
            }
        }
    }
}
