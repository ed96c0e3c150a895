package dev.leadconnector.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadconnector.management.ManagementUsers.FailedLogins;
import dev.leadconnector.support.MovableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.password.NoOpPasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/** The lock after failed logins: how many, for how long, and what a success does. */
class LoginThrottleTest {

    final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));
    final LoginThrottle throttle = new LoginThrottle(passwords(), new FailedLogins(3, Duration.ofMinutes(5)), clock);

    @Test
    void afterTheLastFailureAllowedTheNameIsLockedForTheLockDurationThenFree() {
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> throttle.authenticate(login("wrong"))).isInstanceOf(BadCredentialsException.class);
        }
        assertThatThrownBy(() -> throttle.authenticate(login("right"))).isInstanceOf(LockedException.class);
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertThatThrownBy(() -> throttle.authenticate(login("right"))).isInstanceOf(LockedException.class);
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.authenticate(login("right")).isAuthenticated()).isTrue();
    }

    @Test
    void aSuccessStartsTheCountAgain() {
        for (int round = 0; round < 3; round++) {
            assertThatThrownBy(() -> throttle.authenticate(login("wrong"))).isInstanceOf(BadCredentialsException.class);
            assertThatThrownBy(() -> throttle.authenticate(login("wrong"))).isInstanceOf(BadCredentialsException.class);
            assertThat(throttle.authenticate(login("right")).isAuthenticated()).isTrue();
        }
    }

    private static Authentication login(String password) {
        return UsernamePasswordAuthenticationToken.unauthenticated("ops", password);
    }

    @SuppressWarnings("deprecation")
    private static DaoAuthenticationProvider passwords() {
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(
                new InMemoryUserDetailsManager(User.withUsername("ops").password("right").roles("OPERATOR").build()));
        provider.setPasswordEncoder(NoOpPasswordEncoder.getInstance());
        return provider;
    }
}
