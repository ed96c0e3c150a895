package dev.leadconnector.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadconnector.targets.crm.CrmException;
import dev.leadconnector.targets.crm.RetryAfter;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.RepeatedTest;
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
        DeliveryRetry retry = new DeliveryRetry(settings,
                Map.of("marketo", new RetrySettings(null, Duration.ofSeconds(20), null, null)), Clock.systemUTC());
        assertThat(retry.settings("marketo")).isEqualTo(new RetrySettings(5, Duration.ofSeconds(20), Duration.ofSeconds(1),
                Duration.ofMinutes(1)));
        assertThat(retry.settings("dynamics")).isEqualTo(settings);
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        assertThat(RetryAfter.parse("120")).isEqualTo(Duration.ofMinutes(2));
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("soon")).isNull();
        assertThat(RetryAfter.parse(null)).isNull();
    }
}
