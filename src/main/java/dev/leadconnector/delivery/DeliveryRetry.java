package dev.leadconnector.delivery;

import dev.leadconnector.targets.crm.CrmException;
import dev.leadconnector.targets.salesforce.SalesforceApiException;
import dev.leadconnector.targets.salesforce.SalesforceRequestLimitException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The retry policy of every deliver-* route, used as the {@code retryWhile} of the delivery-errors
 * configuration: it decides whether a failed delivery is tried again and when, and says why when
 * it gives up. Timeouts, refused connections and 5xx are retried with exponential back-off and
 * jitter; a 429 or a CRM's own rate-limit answer waits at least as long as the CRM asked; a
 * permanent refusal (a 4xx: bad field, picklist, validation rule) goes to the dead-letter store at once.
 */
@Component("deliveryRetry")
public class DeliveryRetry {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeliveryRetry.class);

    /** Exchange properties the dead-letter envelope reads. */
    public static final String ATTEMPTS = "leadDeliveryAttempts";
    public static final String FIRST_FAILURE = "leadDeliveryFirstFailure";
    public static final String REASON = "deadLetterReason";

    private final RetrySettings defaults;
    private final Map<String, RetrySettings> perTarget;
    private final Clock clock;
    private final Function<String, Duration> breakerWait;

    @Autowired
    public DeliveryRetry(Environment environment, CircuitBreakers breakers) {
        this(Binder.get(environment).bind("leads.delivery", RetrySettings.class).orElse(RetrySettings.BUILT_IN)
                        .orElse(RetrySettings.BUILT_IN),
                Binder.get(environment).bind("leads.targets", Bindable.mapOf(String.class, TargetRetry.class))
                        .orElse(Map.of()).entrySet().stream()
                        .filter(e -> e.getValue().retry() != null)
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().retry())),
                Clock.systemUTC(), target -> breakers.settings(target).waitDuration());
    }

    DeliveryRetry(RetrySettings defaults, Map<String, RetrySettings> perTarget, Clock clock,
                  Function<String, Duration> breakerWait) {
        this.defaults = defaults;
        this.perTarget = perTarget;
        this.clock = clock;
        this.breakerWait = breakerWait;
    }

    /** Only the {@code retry} block of {@code leads.targets.<name>}. */
    record TargetRetry(RetrySettings retry) {}

    /** Whether to try again; when so, sets the delay Camel waits before the next attempt. */
    public boolean shouldRetry(Exchange exchange) {
        Exception failure = CircuitBreakers.unwrap(exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
        String target = target(exchange);
        RetrySettings settings = settings(target);
        Instant first = exchange.getProperty(FIRST_FAILURE, Instant.class);
        if (first == null) {
            first = clock.instant();
            exchange.setProperty(FIRST_FAILURE, first);
        }
        if (failure instanceof CallNotPermittedException) {
            // the target's circuit breaker is open: no call was made, so no retry is used up; the lead
            // waits (in the inbox, durably) until the breaker lets calls through again
            Duration wait = breakerWait.apply(target);
            if (Duration.between(first, clock.instant()).plus(wait).compareTo(settings.maxElapsed()) > 0) {
                return giveUp(exchange, "circuit breaker of " + target + " open for longer than " + settings.maxElapsed()
                        + " (leads.delivery.max-elapsed)");
            }
            exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, wait.toMillis());
            return true;
        }
        int attempts = exchange.getProperty(ATTEMPTS, 0, Integer.class) + 1;
        exchange.setProperty(ATTEMPTS, attempts);
        if (isPermanent(failure)) {
            return giveUp(exchange, "refused by " + target + " (not retried: the same lead would be refused again)");
        }
        if (attempts > settings.maxRedeliveries()) {
            return giveUp(exchange, "delivery failed after " + settings.maxRedeliveries() + " redeliveries");
        }
        Duration delay = backOff(settings, attempts);
        Duration asked = retryAfter(failure, settings);
        if (asked != null && asked.compareTo(delay) > 0) {
            delay = asked;
        }
        if (Duration.between(first, clock.instant()).plus(delay).compareTo(settings.maxElapsed()) > 0) {
            return giveUp(exchange, "delivery failed for " + settings.maxElapsed() + " (leads.delivery.max-elapsed)");
        }
        exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, delay.toMillis());
        LOG.debug("Delivery to {} failed (attempt {}): next attempt in {} ms", target, attempts, delay.toMillis());
        return true;
    }

    RetrySettings settings(String target) {
        RetrySettings own = perTarget.get(target);
        return own == null ? defaults : own.orElse(defaults);
    }

    /** Exponential back-off, then "equal jitter": between half and all of it, so retries spread out. */
    static Duration backOff(RetrySettings settings, int attempt) {
        long base = settings.redeliveryDelay().toMillis();
        long exponential = base << Math.min(attempt - 1, 30);
        long capped = Math.min(exponential < 0 ? Long.MAX_VALUE : exponential, settings.maxDelay().toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(capped - half + 1));
    }

    static boolean isPermanent(Throwable failure) {
        if (failure instanceof CrmException crm) {
            return crm.isPermanent();
        }
        if (failure instanceof SalesforceApiException salesforce) {
            return !salesforce.isRetryable();
        }
        return false;
    }

    private static Duration retryAfter(Throwable failure, RetrySettings settings) {
        if (failure instanceof CrmException crm) {
            return crm.retryAfter();
        }
        if (failure instanceof SalesforceRequestLimitException) {
            return settings.maxDelay(); // a rolling 24-hour limit: wait as long as we may
        }
        return null;
    }

    private static boolean giveUp(Exchange exchange, String reason) {
        exchange.getIn().setHeader(REASON, reason);
        return false;
    }

    private static String target(Exchange exchange) {
        Route route = exchange.getUnitOfWork() == null ? null : exchange.getUnitOfWork().getRoute();
        String routeId = route == null ? exchange.getProperty(Exchange.FAILURE_ROUTE_ID, "", String.class) : route.getRouteId();
        return routeId.startsWith("deliver-") ? routeId.substring("deliver-".length()) : routeId;
    }
}
