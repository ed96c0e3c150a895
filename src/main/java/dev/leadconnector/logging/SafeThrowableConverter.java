package dev.leadconnector.logging;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.util.Arrays;
import org.springframework.boot.logging.logback.ExtendedWhitespaceThrowableProxyConverter;

/**
 * {@code %wEx}, Spring Boot's exception word in its text patterns, as {@code logback-spring.xml}
 * registers it: the stack trace as Spring Boot writes it, but each exception's message on one line, and
 * no secrets or personal data anywhere in it ({@link SafeLogText}).
 */
public class SafeThrowableConverter extends ExtendedWhitespaceThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy throwable) {
        return SafeLogText.of(getContext()).clean(super.throwableProxyToString(new OneLineThrowable(throwable)));
    }

    /** The exception as thrown, but its message, its causes' and its suppressed exceptions' without line breaks. */
    record OneLineThrowable(IThrowableProxy throwable) implements IThrowableProxy {
        @Override
        public String getMessage() {
            return SafeLogText.escapeLineBreaks(throwable.getMessage());
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
