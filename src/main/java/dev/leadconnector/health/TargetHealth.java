package dev.leadconnector.health;

import dev.leadconnector.targets.RoutingSettings;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

/**
 * {@code targets}: one health entry per enabled target, saying what its CRM answered last time
 * about our credentials. A delivery that succeeds reports {@code succeeded} by itself (see
 * LeadEvents); target code reports {@code targetHealth.failed("salesforce", "invalid_client: ...")}
 * when the CRM refused our credentials (its own error text, never the secret), and may report
 * {@code succeeded} after other calls (a token request). A target with no call yet is UNKNOWN. Not part of readiness: a CRM refusing us does not stop leads coming in.
 */
@Component("targetHealth")
public class TargetHealth {

    private record Report(boolean accepted, String reason, Instant at) {}

    private final Map<String, Report> reports = new ConcurrentHashMap<>();
    private final Map<String, HealthContributor> contributors = new LinkedHashMap<>();

    public TargetHealth(RoutingSettings settings) {
        settings.targets().forEach((name, target) -> {
            if (target.enabled()) {
                contributors.put(name, (HealthIndicator) () -> health(name));
            }
        });
    }

    /** The target's CRM accepted our last call. */
    public void succeeded(String target) {
        reports.put(target, new Report(true, null, Instant.now()));
    }

    /** The target's CRM refused our credentials; {@code reason} is its error text. */
    public void failed(String target, String reason) {
        reports.put(target, new Report(false, reason, Instant.now()));
    }

    private Health health(String target) {
        Report report = reports.get(target);
        if (report == null) {
            return Health.unknown().withDetail("lastCall", "none yet").build();
        }
        Health.Builder health = report.accepted() ? Health.up() : Health.down().withDetail("reason", report.reason());
        return health.withDetail("lastCall", report.at().toString()).build();
    }

    /** The health entries, shown under {@code /actuator/health/targets}. */
    @Configuration(proxyBeanMethods = false)
    static class Entries {
        @Bean("targets")
        CompositeHealthContributor targets(TargetHealth health) {
            return CompositeHealthContributor.fromMap(health.contributors);
        }
    }
}
