package dev.leadconnector.management;

import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code leads.management.*}: the two logins of the management port. A viewer watches (health
 * details, metrics, Hawtio, every read); an operator may also act (stop and start routes, replay
 * dead letters, every POST). An empty password means "use the generated one" ({@link GeneratedPasswords}).
 * The defaults are written once, in {@code application.yaml}.
 */
@ConfigurationProperties("leads.management")
public record ManagementUsers(Login viewer, Login operator, String generatedPasswordsFile, FailedLogins failedLogins) {

    public ManagementUsers {
        Objects.requireNonNull(viewer, "leads.management.viewer is not set");
        Objects.requireNonNull(operator, "leads.management.operator is not set");
        Objects.requireNonNull(failedLogins, "leads.management.failed-logins is not set");
    }

    /** An empty username is the login's own name (viewer, operator); an empty password a generated one. */
    public record Login(String username, String password) {
    }

    /** After {@code max} failed logins in a row, a login name is refused from that address for {@code lock}. */
    public record FailedLogins(int max, Duration lock) {
    }
}
