package dev.leadconnector.targets;

import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.camel.spring.boot.CamelConfigurationProperties;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Leaves the route files of disabled targets and sources ({@code routes/deliver-<name>.camel.yaml},
 * {@code routes/source-<name>.camel.yaml}) out when Camel loads the routes folder, whatever they
 * hold: their routes, endpoints and clients are neither created nor started. Enabling one is
 * setting {@code leads.targets.<name>.enabled} (or {@code leads.sources.<name>.enabled}), nothing
 * else. Adds to {@code camel.main.routes-exclude-pattern}, so exclusions of one's own still apply.
 */
@Component
public class DisabledRouteFiles implements BeanPostProcessor {

    private final Environment environment;

    public DisabledRouteFiles(Environment environment) {
        this.environment = environment;
    }

    /** Switched on or off; nothing else of a target's or source's settings is read here. */
    record Switch(@DefaultValue("false") boolean enabled) {}

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof CamelConfigurationProperties camel) {
            TreeSet<String> patterns = new TreeSet<>();
            String own = camel.getMain().getRoutesExcludePattern();
            if (own != null && !own.isBlank()) {
                patterns.add(own);
            }
            disabled("leads.targets").map(name -> "**/deliver-" + name + ".camel.yaml").forEach(patterns::add);
            disabled("leads.sources").map(name -> "**/source-" + name + ".camel.yaml").forEach(patterns::add);
            camel.getMain().setRoutesExcludePattern(patterns.isEmpty() ? null : String.join(",", patterns));
        }
        return bean;
    }

    /** The names under {@code prefix} whose {@code enabled} is not true. */
    Stream<String> disabled(String prefix) {
        Map<String, Switch> switches = Binder.get(environment)
                .bind(prefix, Bindable.mapOf(String.class, Switch.class))
                .orElse(Map.of());
        return switches.entrySet().stream().filter(e -> !e.getValue().enabled()).map(Map.Entry::getKey);
    }
}
