package dev.leadconnector.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.journal.LeadJournal;
import dev.leadconnector.security.SecretValues;
import dev.leadconnector.support.MovableClock;
import dev.leadconnector.targets.LeadTarget;
import dev.leadconnector.targets.RoutingSettings;
import dev.leadconnector.targets.TargetSettings;
import dev.leadconnector.targets.crm.CrmException;
import dev.leadconnector.targets.crm.RetryAfter;
import java.net.ConnectException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.RepeatedTest;
import org.springframework.core.env.StandardEnvironment;
import org.junit.jupiter.api.Test;

class DeliveryRetryTest {

    private final RetrySettings settings = new RetrySettings(5, Duration.ofMillis(100), Duration.ofSeconds(1),
            Duration.ofMinutes(1));

    @RepeatedTest(20)
    void backOffDoublesWithEqualJitterUpToTheCap() {
        for (int attempt = 1; attempt <= 6; attempt++) {
            long full = Math.min(100L << (attempt - 1), 1000);
            assertThat(DeliveryRetry.backOff(settings, attempt).toMillis()).isBetween(full / 2, full);
        }
    }

    /** A journal that is never started: what it is handed stays in its queue. */
    static final LeadJournal NO_JOURNAL = new LeadJournal(null, new ObjectMapper(), "",
            new SecretValues(new StandardEnvironment()), Clock.systemUTC());

    @Test
    void fourHundredsArePermanentExceptTimeoutTooEarlyAndRateLimit() {
        assertThat(DeliveryRetry.isPermanent(new CrmException("x", 400, null, null))).isTrue();
        assertThat(DeliveryRetry.isPermanent(new CrmException("x", 404, null, null))).isTrue();
        assertThat(DeliveryRetry.isPermanent(new CrmException("x", 408, null, null))).isFalse();
        assertThat(DeliveryRetry.isPermanent(new CrmException("x", 429, null, null))).isFalse();
        assertThat(DeliveryRetry.isPermanent(new CrmException("x", 503, null, null))).isFalse();
        assertThat(DeliveryRetry.isPermanent(new CrmException("no answer"))).isFalse();
        assertThat(DeliveryRetry.isPermanent(new ConnectException())).isFalse();
    }

    @Test
    void aTargetsOwnSettingsFillTheirGapsFromTheDefaults() {
        RoutingSettings bound = new RoutingSettings(Map.of("marketo", new TargetSettings(true, List.of("INS"), null, true,
                null, new RetrySettings(null, Duration.ofSeconds(20), null, null), null, null)), null, settings);
        assertThat(bound.retry("marketo")).isEqualTo(new RetrySettings(5, Duration.ofSeconds(20), Duration.ofSeconds(1),
                Duration.ofMinutes(1)));
        assertThat(bound.retry("dynamics")).isEqualTo(settings);
    }

    @Test
    void aCrmsQuotaAnswerWaitsAsLongAsAllowedAndIsNotPermanent() {
        DeliveryRetry retry = new DeliveryRetry(target -> settings, Clock.systemUTC(), target -> Duration.ofSeconds(30), NO_JOURNAL);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        LeadTarget.set(exchange, "salesforce");
        exchange.setException(CrmException.quotaUsedUp("salesforce: REQUEST_LIMIT_EXCEEDED", 403));
        assertThat(retry.shouldRetry(exchange)).isTrue();
        assertThat(exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class)).isEqualTo(1000L);
    }

    @Test
    void anOpenBreakerMakesTheLeadWaitWithoutUsingUpARetryButNotBeyondMaxElapsed() {
        MovableClock clock = new MovableClock(Instant.parse("2026-11-28T00:00:00Z"));
        DeliveryRetry retry = new DeliveryRetry(target -> settings, clock, target -> Duration.ofSeconds(20), NO_JOURNAL);
        CircuitBreaker breaker = CircuitBreaker.ofDefaults("https");
        breaker.transitionToOpenState();
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        LeadTarget.set(exchange, "https");
        exchange.setException(CallNotPermittedException.createCallNotPermittedException(breaker));

        for (int wait = 0; wait < 10; wait++) {
            assertThat(retry.shouldRetry(exchange)).as("more waits than max-redeliveries (5)").isTrue();
        }
        assertThat(exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class)).isEqualTo(20_000L);
        assertThat(exchange.getProperty(DeliveryRetry.ATTEMPTS)).as("no call made, no retry used").isNull();

        clock.advance(Duration.ofSeconds(40)); // 40 s + a 20 s wait: still within max-elapsed (1 min)
        assertThat(retry.shouldRetry(exchange)).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(retry.shouldRetry(exchange)).isFalse();
        assertThat(exchange.getIn().getHeader(DeliveryRetry.REASON, String.class))
                .isEqualTo("circuit breaker of https open for longer than PT1M (leads.delivery.max-elapsed)");
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        assertThat(RetryAfter.parse("120")).isEqualTo(Duration.ofMinutes(2));
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("soon")).isNull();
        assertThat(RetryAfter.parse(null)).isNull();
    }
}
