package dev.leadconnector.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.leadconnector.security.SecretValues;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Makes every log line safe to keep, whatever logged it (our routes, a CRM error echoing a record,
 * a library's exception), in text and JSON output alike: line breaks in a message or an exception's
 * message are written as {@code \r} and {@code \n}, so no input can start a line of its own;
 * configured secrets are taken out ({@link SecretValues}); e-mail addresses and phone numbers are
 * masked ({@link PersonalDataMasking}; {@code leads.logging.mask-personal-data=false} turns that off
 * for debugging). It wraps the encoders of the appenders Spring Boot configured, right after Spring
 * Boot configured them.
 */
public class SafeLogLines implements SmartApplicationListener {

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
        Environment environment = ((ApplicationEnvironmentPreparedEvent) event).getEnvironment();
        boolean mask = LoggingSettings.of(environment).masks();
        SecretValues secrets = new SecretValues(environment);
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.getLoggerList().forEach(logger -> {
                for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
                    if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender) {
                        Encoder<ILoggingEvent> original = appender.getEncoder() instanceof SafeEncoder safe
                                ? safe.delegate : appender.getEncoder();
                        appender.setEncoder(new SafeEncoder(original, secrets, mask));
                    }
                }
            });
        }
    }

    /** CR and LF as the two characters {@code \r} and {@code \n}. */
    static String escapeLineBreaks(String text) {
        return text == null || (text.indexOf('\n') < 0 && text.indexOf('\r') < 0) ? text
                : text.replace("\r", "\\r").replace("\n", "\\n");
    }

    /** Encodes the event, line breaks escaped, with the original encoder, then takes secrets and personal data out. */
    static final class SafeEncoder extends EncoderBase<ILoggingEvent> {
        final Encoder<ILoggingEvent> delegate;
        private final SecretValues secrets;
        private final boolean mask;

        SafeEncoder(Encoder<ILoggingEvent> delegate, SecretValues secrets, boolean mask) {
            this.delegate = delegate;
            this.secrets = secrets;
            this.mask = mask;
        }

        @Override
        public byte[] headerBytes() {
            return delegate.headerBytes();
        }

        @Override
        public byte[] encode(ILoggingEvent event) {
            byte[] line = delegate.encode(new OneLineEvent(event));
            if (line == null) {
                return null;
            }
            String text = secrets.redact(new String(line, StandardCharsets.UTF_8));
            return (mask ? PersonalDataMasking.mask(text) : text).getBytes(StandardCharsets.UTF_8);
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

    /** The event as logged, but its message and its exceptions' messages without line breaks. */
    record OneLineEvent(ILoggingEvent event) implements ILoggingEvent {
        @Override
        public String getMessage() {
            return escapeLineBreaks(event.getMessage());
        }

        @Override
        public String getFormattedMessage() {
            return escapeLineBreaks(event.getFormattedMessage());
        }

        @Override
        public IThrowableProxy getThrowableProxy() {
            return event.getThrowableProxy() == null ? null : new OneLineThrowable(event.getThrowableProxy());
        }

        @Override
        public String getThreadName() {
            return event.getThreadName();
        }

        @Override
        public Level getLevel() {
            return event.getLevel();
        }

        @Override
        public Object[] getArgumentArray() {
            return event.getArgumentArray();
        }

        @Override
        public String getLoggerName() {
            return event.getLoggerName();
        }

        @Override
        public LoggerContextVO getLoggerContextVO() {
            return event.getLoggerContextVO();
        }

        @Override
        public StackTraceElement[] getCallerData() {
            return event.getCallerData();
        }

        @Override
        public boolean hasCallerData() {
            return event.hasCallerData();
        }

        @Override
        public List<Marker> getMarkerList() {
            return event.getMarkerList();
        }

        @Override
        public Map<String, String> getMDCPropertyMap() {
            return event.getMDCPropertyMap();
        }

        @Override
        @SuppressWarnings("deprecation")
        public Map<String, String> getMdc() {
            return event.getMdc();
        }

        @Override
        public long getTimeStamp() {
            return event.getTimeStamp();
        }

        @Override
        public int getNanoseconds() {
            return event.getNanoseconds();
        }

        @Override
        public long getSequenceNumber() {
            return event.getSequenceNumber();
        }

        @Override
        public List<KeyValuePair> getKeyValuePairs() {
            return event.getKeyValuePairs();
        }

        @Override
        public void prepareForDeferredProcessing() {
            event.prepareForDeferredProcessing();
        }
    }

    record OneLineThrowable(IThrowableProxy throwable) implements IThrowableProxy {
        @Override
        public String getMessage() {
            return escapeLineBreaks(throwable.getMessage());
        }

        @Override
        public IThrowableProxy getCause() {
            return throwable.getCause() == null ? null : new OneLineThrowable(throwable.getCause());
        }

        @Override
        public IThrowableProxy[] getSuppressed() {
            return throwable.getSuppressed() == null ? null
                    : Arrays.stream(throwable.getSuppressed()).map(OneLineThrowable::new).toArray(IThrowableProxy[]::new);
        }

        @Override
        public String getClassName() {
            return throwable.getClassName();
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            return throwable.getStackTraceElementProxyArray();
        }

        @Override
        public int getCommonFrames() {
            return throwable.getCommonFrames();
        }

        @Override
        public boolean isCyclic() {
            return throwable.isCyclic();
        }
    }
}
