package dev.leadconnector.delivery;

import dev.leadconnector.journal.LeadJournal;
import dev.leadconnector.targets.LeadTarget;
import dev.leadconnector.targets.RoutingSettings;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The retry policy of every deliver-* route, used as the {@code retryWhile} of the delivery-errors
 * configuration: it decides whether a failed delivery is tried again and when, and says why when
 * it gives up. Timeouts, refused connections and 5xx are retried with exponential back-off and
 * jitter; a 429 or a CRM's own rate-limit answer waits at least as long as the CRM asked; a
 * permanent refusal (a 4xx: bad field, picklist, validation rule) goes to the dead-letter store at once.
 * It reads failures as {@link DeliveryFailure}s only: each target (a CRM, a notification channel) says its
 * own errors that way.
 */
@Component("deliveryRetry")
public class DeliveryRetry {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeliveryRetry.class);

    /** Exchange properties the dead-letter envelope reads. */
    public static final String ATTEMPTS = "leadDeliveryAttempts";
    public static final String FIRST_FAILURE = "leadDeliveryFirstFailure";
    public static final String REASON = "deadLetterReason";

    private final Function<String, RetrySettings> settings;
    private final Clock clock;
    private final Function<String, Duration> breakerWait;
    private final LeadJournal journal;

    /** An open breaker's wait is its target's resilience4j configuration's (wait-duration-in-open-state). */
    @Autowired
    public DeliveryRetry(RoutingSettings settings, LeadJournal journal, CamelContext camel) {
        this(settings::retry, Clock.systemUTC(), target -> CircuitBreakers.waitInOpenState(camel, target), journal);
    }

    DeliveryRetry(Function<String, RetrySettings> settings, Clock clock, Function<String, Duration> breakerWait,
                  LeadJournal journal) {
        this.settings = settings;
        this.clock = clock;
        this.breakerWait = breakerWait;
        this.journal = journal;
    }

    /** Whether to try again; when so, sets the delay Camel waits before the next attempt. */
    public boolean shouldRetry(Exchange exchange) {
        Exception failure = CircuitBreakers.unwrap(exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
        String target = LeadTarget.of(exchange);
        RetrySettings settings = this.settings.apply(target);
        Instant first = exchange.getProperty(FIRST_FAILURE, Instant.class);
        if (first == null) {
            first = clock.instant();
            exchange.setProperty(FIRST_FAILURE, first);
        }
        int attempts = exchange.getProperty(ATTEMPTS, 0, Integer.class);
        if (failure instanceof CallNotPermittedException) {
            // the target's circuit breaker is open: no call was made, so no retry is used up; the lead
            // waits (in the inbox, durably) until the breaker lets calls through again
            Duration wait = breakerWait.apply(target);
            if (Duration.between(first, clock.instant()).plus(wait).compareTo(settings.maxElapsed()) > 0) {
                return giveUp(exchange, target, attempts, LeadJournal.BREAKER_OPEN, failure, "circuit breaker of "
                        + target + " open for longer than " + settings.maxElapsed() + " (leads.delivery.max-elapsed)");
            }
            return retryIn(exchange, target, attempts, LeadJournal.BREAKER_OPEN, failure, wait);
        }
        exchange.setProperty(ATTEMPTS, ++attempts);
        if (isPermanent(failure)) {
            return giveUp(exchange, target, attempts, LeadJournal.FAILED, failure,
                    "refused by " + target + " (not retried: the same lead would be refused again)");
        }
        if (attempts > settings.maxRedeliveries()) {
            return giveUp(exchange, target, attempts, LeadJournal.FAILED, failure,
                    "delivery failed after " + settings.maxRedeliveries() + " redeliveries");
        }
        Duration delay = backOff(settings, attempts);
        Duration asked = retryAfter(failure, settings);
        if (asked != null && asked.compareTo(delay) > 0) {
            delay = asked;
        }
        if (Duration.between(first, clock.instant()).plus(delay).compareTo(settings.maxElapsed()) > 0) {
            return giveUp(exchange, target, attempts, LeadJournal.FAILED, failure,
                    "delivery failed for " + settings.maxElapsed() + " (leads.delivery.max-elapsed)");
        }
        LOG.debug("Delivery to {} failed (attempt {}): next attempt in {} ms", target, attempts, delay.toMillis());
        return retryIn(exchange, target, attempts, LeadJournal.FAILED, failure, delay);
    }

    private boolean retryIn(Exchange exchange, String target, int attempt, String outcome, Exception failure,
                            Duration delay) {
        exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, delay.toMillis());
        journal.attempt(leadId(exchange), target, attempt, outcome, String.valueOf(failure),
                "next attempt in " + delay.toMillis() + " ms");
        return true;
    }

    private boolean giveUp(Exchange exchange, String target, int attempt, String outcome, Exception failure,
                           String reason) {
        exchange.getIn().setHeader(REASON, reason);
        journal.attempt(leadId(exchange), target, attempt, outcome, String.valueOf(failure), "parked: " + reason);
        return false;
    }

    private static String leadId(Exchange exchange) {
        return exchange.getIn().getHeader("leadId", String.class);
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
        return failure instanceof DeliveryFailure target && target.isPermanent();
    }

    /** What the CRM asked for: its Retry-After, or as long as we may when its quota is used up. */
    private static Duration retryAfter(Throwable failure, RetrySettings settings) {
        if (failure instanceof DeliveryFailure target) {
            return target.quotaUsedUp() ? settings.maxDelay() : target.retryAfter();
        }
        return null;
    }
}
