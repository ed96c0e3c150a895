package dev.leadconnector.management;

import dev.leadconnector.management.ManagementUsers.FailedLogins;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
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
 * <p>
 * What it keeps is bounded whatever a stranger sends: only the names of real logins are counted (a
 * made-up name has no password to guess, and keeping it would let a flood of names fill the heap),
 * a name longer than {@link #MAX_NAME_LENGTH} is refused before anything else, and at most
 * {@link #MAX_TRACKED} (name, address) pairs are kept. When that many are counted, the stale ones
 * go; a lock never does: failures from addresses beyond the bound share one count per name.
 */
public final class LoginThrottle implements AuthenticationProvider {

    /** No login name is longer; a longer one is refused unread (no count, no password check). */
    static final int MAX_NAME_LENGTH = 256;
    static final int MAX_TRACKED = 10_000;
    /** The count that failures from addresses beyond {@link #MAX_TRACKED} share, per name. */
    static final String OTHER_ADDRESSES = "*";

    record Key(String username, String address) {}

    record Failures(int count, Instant last, Instant lockedUntil) {}

    private final AuthenticationProvider passwords;
    private final Predicate<String> isLoginName;
    private final FailedLogins settings;
    private final Clock clock;
    private final int maxTracked;
    private final Map<Key, Failures> failures = new ConcurrentHashMap<>();

    LoginThrottle(AuthenticationProvider passwords, Predicate<String> isLoginName, FailedLogins settings, Clock clock) {
        this(passwords, isLoginName, settings, clock, MAX_TRACKED);
    }

    LoginThrottle(AuthenticationProvider passwords, Predicate<String> isLoginName, FailedLogins settings, Clock clock,
                  int maxTracked) {
        this.passwords = passwords;
        this.isLoginName = isLoginName;
        this.settings = settings;
        this.clock = clock;
        this.maxTracked = maxTracked;
    }

    @Override
    public Authentication authenticate(Authentication login) {
        String name = login.getName();
        if (name == null || name.length() > MAX_NAME_LENGTH) {
            throw new BadCredentialsException("Bad credentials");
        }
        if (!isLoginName.test(name)) {
            return passwords.authenticate(login); // refused, and nothing of it kept
        }
        Key key = key(name, login.getDetails() instanceof WebAuthenticationDetails web ? web.getRemoteAddress() : null);
        if (locked(key)) {
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

    /** How many (name, address) pairs are counted now: what the throttle holds on the heap. */
    public int tracked() {
        return failures.size();
    }

    private boolean locked(Key key) {
        Failures failed = failures.get(key);
        return failed != null && failed.lockedUntil() != null && clock.instant().isBefore(failed.lockedUntil());
    }

    /** The pair itself while there is room for it, else the name's shared count. */
    private Key key(String name, String address) {
        Key key = new Key(name, address);
        if (failures.containsKey(key) || failures.size() < maxTracked) {
            return key;
        }
        forgetStale();
        return failures.size() < maxTracked ? key : new Key(name, OTHER_ADDRESSES);
    }

    /** Locks that ended, and counts whose last failure is older than a lock: never a lock in force. */
    private void forgetStale() {
        Instant now = clock.instant();
        failures.values().removeIf(failed -> failed.lockedUntil() != null
                ? !now.isBefore(failed.lockedUntil())
                : failed.last().plus(settings.lock()).isBefore(now));
    }

    private void count(Key key) {
        Instant now = clock.instant();
        failures.compute(key, (k, before) -> {
            int count = (before == null || before.lockedUntil() != null ? 0 : before.count()) + 1;
            return new Failures(count, now, count >= settings.max() ? now.plus(settings.lock()) : null);
        });
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return passwords.supports(authentication);
    }
}
