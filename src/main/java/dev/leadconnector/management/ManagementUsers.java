package dev.leadconnector.management;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code leads.management.*}: the two logins of the management port. A viewer watches (health
 * details, metrics, Hawtio, every read); an operator may also act (stop and start routes, replay
 * dead letters, every POST). An empty password means "use the generated one" ({@link GeneratedPasswords}).
 */
@ConfigurationProperties("leads.management")
public record ManagementUsers(
        @DefaultValue Login viewer,
        @DefaultValue Login operator,
        @DefaultValue("") String generatedPasswordsFile,
        @DefaultValue FailedLogins failedLogins) {

    public record Login(@DefaultValue("") String username, @DefaultValue("") String password) {
    }

    /** After {@code max} failed logins in a row, a login name is refused from that address for {@code lock}. */
    public record FailedLogins(@DefaultValue("5") int max, @DefaultValue("5m") Duration lock) {
    }
}
