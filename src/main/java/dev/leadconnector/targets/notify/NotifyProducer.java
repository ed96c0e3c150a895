package dev.leadconnector.targets.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.delivery.DeliveryFailure;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * Hands a lead to its channel: the lead is made into a notification (the channel's mapping) and waits,
 * holding no thread, for the message that carries it; the exchange then completes with that message's
 * outcome or its failure ({@link Channel}).
 */
public class NotifyProducer extends DefaultAsyncProducer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NotifyEndpoint endpoint;

    NotifyProducer(NotifyEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        String channel = endpoint.getChannel();
        Notification notification;
        try {
            String mapped = endpoint.mappings().map(channel, exchange.getMessage().getBody(String.class),
                    exchange.getMessage().getHeaders());
            JsonNode record = mapped == null ? null : JSON.readTree(mapped);
            if (record == null || !record.isObject()) {
                throw NotifyException.permanent(channel + ": not sent, the mapping made no JSON object of the lead");
            }
            notification = Notification.of(record);
        } catch (Exception unmapped) {
            exchange.setException(unmapped instanceof DeliveryFailure ? unmapped
                    : new NotifyException(channel + ": not sent, the lead could not be mapped: " + unmapped.getMessage(),
                            0, null, true, unmapped));
            callback.done(true);
            return true;
        }
        endpoint.channel().offer(new Channel.Waiting(exchange, callback, notification));
        return false;
    }
}
