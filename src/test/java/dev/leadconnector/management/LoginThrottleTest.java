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
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/** The lock after failed logins: how many, for how long, what a success does, and what a stranger can make it keep. */
class LoginThrottleTest {

    final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));
    final InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(
            User.withUsername("ops").password("right").roles("OPERATOR").build());
    final FailedLogins settings = new FailedLogins(3, Duration.ofMinutes(5));
    final LoginThrottle throttle = new LoginThrottle(passwords(), users::userExists, settings, clock);

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

    /** Issue 25, item 2: 40 failed logins with 1 MB names kept 40 MB of heap. */
    @Test
    void hugeOrMadeUpNamesAreRefusedAndNothingOfThemIsKept() {
        String megabyte = "x".repeat(1 << 20);
        for (int i = 0; i < 40; i++) {
            String name = megabyte + i;
            String madeUp = "made-up-" + i;
            assertThatThrownBy(() -> throttle.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(name, "guess")))
                    .isInstanceOf(BadCredentialsException.class);
            assertThatThrownBy(() -> throttle.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(madeUp, "guess")))
                    .isInstanceOf(BadCredentialsException.class);
        }
        assertThat(throttle.tracked()).isZero();
    }

    /** Issue 25, item 2: spraying names, or addresses, evicted the real account's count and so its lock. */
    @Test
    void noFloodOfNamesOrAddressesLiftsALock() {
        LoginThrottle small = new LoginThrottle(passwords(), users::userExists, settings, clock, 100);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> small.authenticate(loginFrom("10.0.0.1", "wrong"))).isInstanceOf(BadCredentialsException.class);
        }
        assertThatThrownBy(() -> small.authenticate(loginFrom("10.0.0.1", "right"))).isInstanceOf(LockedException.class);
        for (int i = 0; i < 5_000; i++) {
            int n = i;
            assertThatThrownBy(() -> small.authenticate(UsernamePasswordAuthenticationToken.unauthenticated("name-" + n, "x")))
                    .isInstanceOf(BadCredentialsException.class);
        }
        // the real name from many more addresses than are kept: they share one count, and it locks too
        for (int i = 0; i < 300; i++) {
            String address = "10.1." + (i / 250) + "." + (i % 250);
            assertThatThrownBy(() -> small.authenticate(loginFrom(address, "wrong")))
                    .isInstanceOfAny(BadCredentialsException.class, LockedException.class);
        }
        assertThat(small.tracked()).as("the pairs kept, and the name's shared count").isLessThanOrEqualTo(100 + 1);
        assertThatThrownBy(() -> small.authenticate(loginFrom("10.0.0.1", "right"))).isInstanceOf(LockedException.class);
        assertThatThrownBy(() -> small.authenticate(loginFrom("10.9.9.9", "right"))).as("an address beyond the bound")
                .isInstanceOf(LockedException.class);
        // once the locks end, the stale counts make room again
        clock.advance(Duration.ofMinutes(6));
        assertThat(small.authenticate(loginFrom("10.0.0.1", "right")).isAuthenticated()).isTrue();
        assertThat(small.authenticate(loginFrom("10.9.9.9", "right")).isAuthenticated()).isTrue();
    }

    private static Authentication login(String password) {
        return UsernamePasswordAuthenticationToken.unauthenticated("ops", password);
    }

    private static Authentication loginFrom(String address, String password) {
        UsernamePasswordAuthenticationToken login = UsernamePasswordAuthenticationToken.unauthenticated("ops", password);
        login.setDetails(new WebAuthenticationDetails(address, null));
        return login;
    }

    @SuppressWarnings("deprecation")
    private DaoAuthenticationProvider passwords() {
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
        provider.setPasswordEncoder(NoOpPasswordEncoder.getInstance());
        return provider;
    }
}
