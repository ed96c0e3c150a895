package dev.leadconnector.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %m} (and {@code %msg}, {@code %message}) in text output, as {@code logback-spring.xml} registers
 * it: the message on one line, without secrets or personal data ({@link SafeLogText}).
 */
public class SafeMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return SafeLogText.of(getContext()).oneLine(super.convert(event));
    }
}
