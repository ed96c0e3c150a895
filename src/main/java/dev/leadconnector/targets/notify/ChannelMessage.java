package dev.leadconnector.targets.notify;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One message to a channel, as the Camel endpoint that sends it takes it: that endpoint's URI (no secret in it:
 * Camel lists endpoints over JMX), the message's headers (a webhook's path and query, an e-mail's Subject, From
 * and To), its body, and how many of the leads it was made for it carries (the first {@code leads}).
 */
public record ChannelMessage(String uri, Map<String, String> headers, String body, int leads) {

    public ChannelMessage {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** The same message with one more header. */
    public ChannelMessage header(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ChannelMessage(uri, more, body, leads);
    }

    /** The same message, saying it carries the first {@code leads} leads. */
    ChannelMessage carrying(int leads) {
        return new ChannelMessage(uri, headers, body, leads);
    }
}
