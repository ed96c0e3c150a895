package dev.leadconnector.management;

import dev.leadconnector.management.ManagementUsers.FailedLogins;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Slows down password guessing on the management port: after {@code leads.management.failed-logins.max}
 * failed logins in a row for one login name from one address, that name is refused from that address,
 * right password or not, for {@code leads.management.failed-logins.lock}. A successful login clears
 * the count. Keyed by address too, so a guesser elsewhere cannot lock the operator out.
 */
final class LoginThrottle implements AuthenticationProvider {

    /** Beyond this many names being counted, the ones not locked are forgotten (a flood of made-up names). */
    static final int MAX_TRACKED = 10_000;

    record Key(String username, String address) {}

    record Failures(int count, Instant lockedUntil) {}

    private final AuthenticationProvider passwords;
    private final FailedLogins settings;
    private final Clock clock;
    private final Map<Key, Failures> failures = new ConcurrentHashMap<>();

    LoginThrottle(AuthenticationProvider passwords, FailedLogins settings, Clock clock) {
        this.passwords = passwords;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public Authentication authenticate(Authentication login) {
        Key key = new Key(login.getName(), login.getDetails() instanceof WebAuthenticationDetails web
                ? web.getRemoteAddress() : null);
        Failures failed = failures.get(key);
        if (failed != null && failed.lockedUntil() != null && clock.instant().isBefore(failed.lockedUntil())) {
            throw new LockedException("Too many failed logins: try again later");
        }
        try {
            Authentication user = passwords.authenticate(login);
            failures.remove(key);
            return user;
        } catch (BadCredentialsException wrong) {
            count(key);
            throw wrong;
        }
    }

    private void count(Key key) {
        if (failures.size() >= MAX_TRACKED) {
            Instant now = clock.instant();
            failures.values().removeIf(f -> f.lockedUntil() == null || !now.isBefore(f.lockedUntil()));
        }
        failures.compute(key, (k, before) -> {
            int count = (before == null || before.lockedUntil() != null ? 0 : before.count()) + 1;
            return new Failures(count, count >= settings.max() ? clock.instant().plus(settings.lock()) : null);
        });
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return passwords.supports(authentication);
    }
}
