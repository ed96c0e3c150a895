package dev.leadconnector.targets.notify;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.Exchange;
import org.apache.camel.component.mail.MailComponent;
import org.apache.camel.component.mail.MailConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

/**
 * Target "email" (routes/deliver-email.camel.yaml): a plain-text e-mail over SMTP (camel-mail) to the
 * {@code to} list, from {@code from}, with the {@code subject} template's subject; the body lists each lead
 * with its facts, then the rest counted and named by id. The connection is the mail component
 * {@value #COMPONENT}, configured here from the settings, so the password is in no endpoint URI (Camel
 * lists those over JMX) and in no log line. A refused login or address is permanent; no connection or a
 * transient SMTP error is retried.
 */
@Component
public class EmailNotifier extends Notifier {

    /** The Camel component the e-mails go through: camel-mail's SMTP, configured from leads.targets.email. */
    static final String COMPONENT = "notificationMail";

    /** {@code leads.targets.email.*}: the target's own settings, bound once (application.yaml documents each). */
    @ConfigurationProperties("leads.targets.email")
    public record Settings(String host, int port, String username, String password, boolean starttls, String from,
                           String to, String subject, int pace, Duration window, Duration digestEvery, int digestMax)
            implements PaceSettings {}

    private final Settings settings;

    public EmailNotifier(Settings settings) {
        super("email");
        this.settings = settings;
    }

    @Override
    public Pace pace() {
        return settings.pacing();
    }

    @Override
    protected ChannelMessage render(Digest digest) {
        StringBuilder body = new StringBuilder(digest.title()).append("\n");
        // plain text: a lead's texts are one line each (Notification), so no field can start a line of its
        // own and forge a lead or a fact; the description's own lines stay indented under its label
        for (Notification lead : digest.listed()) {
            body.append("\n").append(lead.headline()).append("\n");
            lead.facts().forEach((fact, value) -> body.append("  ").append(fact).append(": ")
                    .append(value.replace("\n", "\n    ")).append("\n"));
        }
        if (!digest.rest().isEmpty()) {
            // four ids a line: SMTP lines stay short, so no transfer encoding breaks an id
            body.append("\n").append(digest.restSummary()).append("\nLead ids:");
            List<String> ids = digest.restIds();
            for (int i = 0; i < ids.size(); i += 4) {
                body.append("\n  ").append(String.join(", ", ids.subList(i, Math.min(ids.size(), i + 4))));
            }
            body.append("\n");
        }
        body.append("\n-- \nlead-connector\n");
        return new ChannelMessage(COMPONENT + "://" + require("host", settings.host()) + ":" + settings.port(),
                Map.of(org.apache.camel.Exchange.CONTENT_TYPE, "text/plain; charset=UTF-8"), body.toString(), 0)
                .header("Subject", subject(digest))
                .header("From", require("from", settings.from()))
                .header("To", require("to", settings.to()));
    }

    /** The template for the first lead ({company}, {offer}, {action}); a digest says how many. */
    String subject(Digest digest) {
        Notification first = digest.listed().get(0);
        String subject = settings.subject()
                .replace("{company}", first.company() == null ? "a customer" : first.company())
                .replace("{offer}", first.offer() == null ? "an offer" : first.offer())
                .replace("{action}", first.did() == null ? "sent a lead" : first.did());
        String count = digest.size() > 1 ? "[" + digest.size() + " leads] " : "";
        // a header line: no line break (a forged header) from the template either
        return (first.test() ? "[TEST] " : "") + count + subject.replaceAll("[\\r\\n]+", " ");
    }

    /** An e-mail has no size limit worth splitting a digest for. */
    @Override
    protected boolean fits(ChannelMessage message) {
        return true;
    }

    /** Sent is accepted by the SMTP server: there is no answer to check. */
    @Override
    public void check(Exchange answer) {
        // camel-mail throws when the server refuses: see failure
    }

    /** The SMTP server's refusal in its words: a refused login or address is permanent, the rest retried. */
    @Override
    public Exception failure(Exception thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthenticationFailedException) {
                return NotifyException.permanent("email: the SMTP server refused the login of leads.targets.email.username: "
                        + cause.getMessage());
            }
            if (cause instanceof SendFailedException refused && refused.getInvalidAddresses() != null
                    && refused.getInvalidAddresses().length > 0) {
                return NotifyException.permanent("email: the SMTP server refused the address(es) of leads.targets.email.to: "
                        + cause.getMessage());
            }
            if (cause instanceof MessagingException mail) {
                return NotifyException.notSent("email", mail);
            }
        }
        return super.failure(thrown);
    }

    private static String require(String name, String value) {
        if (value == null || value.isBlank()) {
            throw NotifyException.permanent("email: leads.targets.email." + name + " is not set");
        }
        return value;
    }

    /** The SMTP connection, from the settings: STARTTLS required when on, a login when a username is set. */
    @Configuration(proxyBeanMethods = false)
    static class Connection {

        @Bean(COMPONENT)
        MailComponent notificationMail(Settings settings) {
            MailConfiguration configuration = new MailConfiguration();
            configuration.configureProtocol("smtp");
            configuration.setIgnoreUriScheme(true);
            configuration.setConnectionTimeout(10_000);
            Properties properties = new Properties();
            properties.setProperty("mail.smtp.starttls.enable", String.valueOf(settings.starttls()));
            properties.setProperty("mail.smtp.starttls.required", String.valueOf(settings.starttls()));
            properties.setProperty("mail.smtp.timeout", "30000");
            properties.setProperty("mail.smtp.writetimeout", "30000");
            if (!settings.username().isBlank()) {
                configuration.setUsername(settings.username());
                configuration.setPassword(settings.password());
                properties.setProperty("mail.smtp.auth", "true");
            }
            configuration.setAdditionalJavaMailProperties(properties);
            return new MailComponent(configuration);
        }
    }
}
