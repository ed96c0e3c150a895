package dev.leadconnector.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.SmartApplicationListener;

/**
 * Masks e-mail addresses and phone numbers in every log line, whatever logged them (our routes, a
 * CRM error echoing a record, a library's exception), in text and JSON output alike. It wraps the
 * encoders of the appenders Spring Boot configured, right after Spring Boot configured them.
 * {@code leads.logging.mask-personal-data=false} turns it off for debugging.
 * Names cannot be recognised in free text: they are kept out of logs by logging lead ids only.
 */
public class PersonalDataMasking implements SmartApplicationListener {

    static final String SETTING = "leads.logging.mask-personal-data";

    /** user@domain.tld, as loosely as addresses are written. */
    static final Pattern EMAIL = Pattern.compile("[\\w.%+'-]+@[\\w-]+(\\.[\\w-]+)+");
    /**
     * An optional +, then 7 to 15 digits, possibly grouped by spaces, dots, dashes or parentheses,
     * standing alone (not part of an id, a version, a timestamp or a bracketed error code).
     */
    static final Pattern PHONE = Pattern.compile("(?<![\\w.:/+\\[-])\\+?\\(?\\d(?:[\\d ().-]{5,18})\\d(?![\\w:/-])");

    public static String mask(String text) {
        // most lines hold no address: skip the costly pattern (the benchmark's profile showed masking
        // at 8% of intake CPU)
        String masked = text.indexOf('@') < 0 ? text : EMAIL.matcher(text).replaceAll("***@***");
        return PHONE.matcher(masked).replaceAll(match -> digits(match.group()) >= 7 && !looksLikeADate(match.group())
                ? "***phone***" : Matcher.quoteReplacement(match.group()));
    }

    private static int digits(String text) {
        return (int) text.chars().filter(Character::isDigit).count();
    }

    private static boolean looksLikeADate(String text) {
        return text.matches("\\d{4}-\\d{2}-\\d{2}.*") || text.matches("\\d+\\.\\d+(\\.\\d+)*");
    }

    @Override
    public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
        return ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(eventType);
    }

    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        boolean enabled = ((ApplicationEnvironmentPreparedEvent) event).getEnvironment()
                .getProperty(SETTING, Boolean.class, true);
        if (enabled && LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.getLoggerList().forEach(logger -> {
                for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
                    if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender
                            && !(appender.getEncoder() instanceof MaskingEncoder)) {
                        appender.setEncoder(new MaskingEncoder(appender.getEncoder()));
                    }
                }
            });
        }
    }

    /** Encodes with the original encoder, then masks the text it produced. */
    static final class MaskingEncoder extends EncoderBase<ILoggingEvent> {
        private final Encoder<ILoggingEvent> delegate;

        MaskingEncoder(Encoder<ILoggingEvent> delegate) {
            this.delegate = delegate;
        }

        @Override
        public byte[] headerBytes() {
            return delegate.headerBytes();
        }

        @Override
        public byte[] encode(ILoggingEvent event) {
            byte[] line = delegate.encode(event);
            return line == null ? null : mask(new String(line, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] footerBytes() {
            return delegate.footerBytes();
        }

        @Override
        public void start() {
            delegate.start();
            super.start();
        }

        @Override
        public void stop() {
            delegate.stop();
            super.stop();
        }
    }
}
