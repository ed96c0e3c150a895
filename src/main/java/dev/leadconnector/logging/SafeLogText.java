package dev.leadconnector.logging;

import ch.qos.logback.core.Context;
import dev.leadconnector.security.SecretValues;
import org.springframework.core.env.Environment;

/**
 * What makes a piece of a log line safe to keep, for the text converters ({@link SafeMessageConverter},
 * {@link SafeThrowableConverter}) and the JSON members ({@link SafeJsonMembers}) alike: configured
 * secrets taken out ({@link SecretValues}), e-mail addresses and phone numbers masked
 * ({@link PersonalDataMasking}, unless {@code leads.logging.mask-personal-data=false}) and, in a text
 * that must stay on one line, line breaks written as {@code \r} and {@code \n}.
 *
 * <p>The settings are those of the application that last initialised logging: Spring Boot puts its
 * {@link Environment} in Logback's context (also when a second application in the same JVM finds logging
 * already set up), and {@link #of(Context)} reads them again whenever that environment changes.
 */
final class SafeLogText {

    private static volatile SafeLogText last = new SafeLogText(null);

    private final Environment environment;
    private final SecretValues secrets;
    private final boolean mask;

    private SafeLogText(Environment environment) {
        this.environment = environment;
        this.secrets = environment == null ? null : new SecretValues(environment);
        this.mask = environment == null || LoggingSettings.of(environment).masks();
    }

    /** The rules for the Spring environment Logback's context holds now (none yet: masking, no secrets known). */
    static SafeLogText of(Context context) {
        Object environment = context == null ? null : context.getObject(Environment.class.getName());
        SafeLogText rules = last;
        if (environment instanceof Environment spring && rules.environment != spring) {
            rules = new SafeLogText(spring);
            last = rules;
        }
        return rules;
    }

    /** A message, an exception's message, a JSON value: one line, no secret, no personal data. */
    String oneLine(String text) {
        return clean(escapeLineBreaks(text));
    }

    /** A text whose line breaks are its own (a stack trace): no secret, no personal data. */
    String clean(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String redacted = secrets == null ? text : secrets.redact(text);
        return mask ? PersonalDataMasking.mask(redacted) : redacted;
    }

    /** CR and LF as the two characters {@code \r} and {@code \n}. */
    static String escapeLineBreaks(String text) {
        return text == null || (text.indexOf('\n') < 0 && text.indexOf('\r') < 0) ? text
                : text.replace("\r", "\\r").replace("\n", "\\n");
    }
}
