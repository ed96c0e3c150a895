package dev.leadconnector.targets.crm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * An OAuth 2.0 access token kept until a minute before it expires and shared by every call to one CRM;
 * forgotten when the CRM rejects it, so the next call fetches a new one.
 */
public final class CachedToken {

    private static final Duration MARGIN = Duration.ofSeconds(60);

    /** A token and the moment it stops being valid. */
    public record Token(String value, Instant expiresAt) {}

    private final Supplier<Token> fetch;
    private final Clock clock;
    private Token current;

    public CachedToken(Supplier<Token> fetch, Clock clock) {
        this.fetch = fetch;
        this.clock = clock;
    }

    /** The {@code Authorization} header value: {@code Bearer <token>}. */
    public synchronized String bearer() {
        if (current == null || clock.instant().isAfter(current.expiresAt().minus(MARGIN))) {
            current = fetch.get();
        }
        return "Bearer " + current.value();
    }

    public synchronized void forget() {
        current = null;
    }
}
