package dev.leadconnector.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadconnector.targets.RoutingSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.resilience.springboot.ResilienceAutoConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * The targets' circuit breakers come from camel-resilience4j-starter's own keys: application.yaml's
 * {@code camel.resilience4j.*} is every target's, {@code camel.resilience4j.configurations.<target>.*} one
 * target's, and the start fails rather than let a breaker pass a lead while open, or ignore a former
 * {@code leads.*.circuit-breaker} key.
 */
@ExtendWith(OutputCaptureExtension.class)
class CircuitBreakerSettingsTest {

    /** Camel and the starter, application.yaml's breaker and target keys, and {@link CircuitBreakers}. */
    private final ApplicationContextRunner connector = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CamelAutoConfiguration.class, ResilienceAutoConfiguration.class))
            .withUserConfiguration(Breakers.class)
            .withInitializer(context -> context.getEnvironment().getPropertySources().addLast(shipped()))
            .withPropertyValues("camel.main.jmx-enabled=false", "camel.main.routes-include-pattern=classpath:none/*");

    @Test
    void theShippedDefaultIsEveryTargetsBreaker() {
        connector.run(context -> {
            assertThat(context).hasNotFailed();
            CamelContext camel = context.getBean(CamelContext.class);
            for (String target : new String[] {"salesforce", "hubspot", "slack", "https"}) {
                CircuitBreakerConfig config = CircuitBreakers.config(camel, target);
                assertThat(config.getFailureRateThreshold()).as(target).isEqualTo(50f);
                assertThat(config.getMinimumNumberOfCalls()).as(target).isEqualTo(10);
                assertThat(config.getSlidingWindowSize()).as(target).isEqualTo(20);
                assertThat(config.getPermittedNumberOfCallsInHalfOpenState()).as(target).isEqualTo(1);
                assertThat(CircuitBreakers.waitInOpenState(camel, target)).as(target).isEqualTo(Duration.ofSeconds(30));
            }
            // a route's circuitBreaker step naming a target without a configuration of its own finds an empty one
            assertThat(camel.getCamelContextExtension().getContextPlugin(Model.class).getResilience4jConfiguration("https"))
                    .isNotNull();
        });
    }

    @Test
    void aTargetsOwnConfigurationIsLayeredOverTheDefaultAsCamelLayersIt() {
        connector.withPropertyValues(
                "camel.resilience4j.configurations.https.minimum-number-of-calls=4",
                "camel.resilience4j.configurations.https.wait-duration-in-open-state=3",
                "camel.resilience4j.configurations.https.throw-exception-when-half-open-or-open-state=true").run(context -> {
            assertThat(context).hasNotFailed();
            CamelContext camel = context.getBean(CamelContext.class);
            CircuitBreakerConfig https = CircuitBreakers.config(camel, "https");
            assertThat(https.getMinimumNumberOfCalls()).isEqualTo(4);
            assertThat(CircuitBreakers.waitInOpenState(camel, "https")).isEqualTo(Duration.ofSeconds(3));
            assertThat(https.getFailureRateThreshold()).as("a key Camel has no default for: the default configuration's")
                    .isEqualTo(50f);
            assertThat(https.getSlidingWindowSize()).as("a key the starter defaults: Camel's value, not camel.resilience4j's")
                    .isEqualTo(100);
            assertThat(CircuitBreakers.config(camel, "salesforce").getMinimumNumberOfCalls()).isEqualTo(10);
        });
    }

    @Test
    void aConfigurationThatWouldLetALeadPassAnOpenBreakerStopsTheStart() {
        connector.withPropertyValues("camel.resilience4j.configurations.https.minimum-number-of-calls=4").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("the circuit breaker of target https would"
                        + " let a lead pass while it is open, as if delivered: set camel.resilience4j.configurations.https"
                        + ".throw-exception-when-half-open-or-open-state: true"));
        connector.withPropertyValues("camel.resilience4j.throw-exception-when-half-open-or-open-state=false").run(context ->
                assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("set camel.resilience4j.throw-exception-when-half-open-or-open-state: true"));
    }

    @Test
    void aFormerBreakerKeyStopsTheStartNamingIt() {
        connector.withPropertyValues("leads.targets.https.circuit-breaker.wait-duration=3s").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining(
                        "lead-connector cannot start: leads.targets.https.circuit-breaker.wait-duration is no longer read")
                        .hasMessageContaining("camel.resilience4j.configurations.<target>"));
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
                "LEADS_CIRCUIT_BREAKER_WAIT_DURATION", "10s", "LEADS_TARGETS_AZURE_TABLE_CIRCUIT_BREAKER_SLIDING_WINDOW_SIZE", "5",
                "LEADS_DELIVERY_MAX_DELAY", "1m")));
        assertThat(CircuitBreakers.formerKeys(environment)).as("environment variables").hasSize(2);
    }

    @Test
    void aConfigurationNamedAfterNoTargetIsReportedNotSilentlyUnused(CapturedOutput output) {
        connector.withPropertyValues(
                "camel.resilience4j.configurations.salesforse.wait-duration-in-open-state=5",
                "camel.resilience4j.configurations.salesforse.throw-exception-when-half-open-or-open-state=true").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(CircuitBreakers.waitInOpenState(context.getBean(CamelContext.class), "salesforce"))
                    .as("the target the typo meant keeps the default").isEqualTo(Duration.ofSeconds(30));
        });
        assertThat(output).contains("camel.resilience4j.configurations.salesforse names no target (targets: ")
                .doesNotContain("configurations.salesforce names no target")
                .doesNotContain("configurations.resilience4j-configuration names no target");
    }

    /** What Camel does itself when a route's circuitBreaker names a configuration nobody declared. */
    @Test
    void camelRefusesARouteWhoseBreakerNamesAnUndeclaredConfiguration() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:deliver").circuitBreaker().configuration("nobody").to("log:x").end();
                }
            });
            assertThatThrownBy(camel::start).rootCause().hasMessageContaining("nobody");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(RoutingSettings.class)
    @Import(CircuitBreakers.class)
    static class Breakers {
    }

    /** application.yaml's camel.resilience4j and leads.targets keys, as shipped. */
    private static PropertySource<?> shipped() {
        try {
            Map<String, Object> keys = new LinkedHashMap<>();
            for (PropertySource<?> source : new YamlPropertySourceLoader().load("application.yaml",
                    new FileSystemResource("application.yaml"))) {
                EnumerablePropertySource<?> file = (EnumerablePropertySource<?>) source;
                for (String name : file.getPropertyNames()) {
                    if (name.startsWith("camel.resilience4j.") || name.startsWith("leads.targets.")) {
                        keys.put(name, file.getProperty(name));
                    }
                }
            }
            return new MapPropertySource("application.yaml", keys);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
