package dev.leadconnector.targets.batch;

import dev.leadconnector.delivery.CircuitBreakers;
import dev.leadconnector.targets.FunnelStatuses;
import dev.leadconnector.targets.Mappings;
import dev.leadconnector.targets.RoutingSettings;
import dev.leadconnector.targets.TargetSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.springframework.stereotype.Component;

/**
 * The {@code crm} component: {@code to: crm:<name>} delivers a lead to the CRM of target {@code <name>}
 * (leads.targets.<name>), in batches, and completes the lead's exchange with its own record's outcome.
 * What is a CRM's own is its {@link BatchedCrm} bean (the one whose {@code name()} is {@code <name>});
 * the batching, the mapping, the token refresh, the circuit breaker and each lead's outcome are the
 * component's (see {@link CrmEndpoint}).
 *
 * <p>An endpoint's options default to the target's settings ({@code leads.targets.<name>.batch.size},
 * {@code batch.max-wait}, {@code mapping}); its circuit breaker is Resilience4j's, configured as Camel's
 * {@code circuitBreaker} EIP is: Camel's default resilience4j configuration ({@code camel.resilience4j.*})
 * with the target's own ({@code camel.resilience4j.configurations.<name>.*}) layered over it
 * ({@link CircuitBreakers#config}).
 * The breakers live in the component's registry, so an edited route keeps its target's breaker state.
 */
@Component("crm")
public class CrmComponent extends DefaultComponent {

    private final Map<String, BatchedCrm> crms;
    private final RoutingSettings settings;
    private final Mappings mappings;
    private final FunnelStatuses funnel;
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();

    public CrmComponent(List<BatchedCrm> crms, RoutingSettings settings, Mappings mappings, FunnelStatuses funnel) {
        this.crms = crms.stream().collect(Collectors.toMap(BatchedCrm::name, Function.identity()));
        this.settings = settings;
        this.mappings = mappings;
        this.funnel = funnel;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        BatchedCrm crm = crms.get(remaining);
        if (crm == null) {
            throw new IllegalArgumentException("crm:" + remaining + ": no BatchedCrm bean is named '" + remaining
                    + "' (the CRMs are " + String.join(", ", crms.keySet().stream().sorted().toList()) + ")");
        }
        TargetSettings target = settings.target(remaining);
        CrmEndpoint endpoint = new CrmEndpoint(uri, this, remaining, crm);
        endpoint.setBatchSize(target.batch().size());
        endpoint.setMaxWait(target.batch().maxWait());
        endpoint.setMapping(target.mapping() == null || target.mapping().isBlank() ? remaining : target.mapping());
        setProperties(endpoint, parameters);
        return endpoint;
    }

    Mappings mappings() {
        return mappings;
    }

    FunnelStatuses funnel() {
        return funnel;
    }

    /** The target's circuit breaker: made once, from Camel's resilience4j configurations (default, then the target's). */
    CircuitBreaker breaker(String target) {
        return breakers.circuitBreaker("crm-" + target, () -> CircuitBreakers.config(getCamelContext(), target));
    }
}
