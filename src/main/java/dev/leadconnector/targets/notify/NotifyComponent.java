package dev.leadconnector.targets.notify;

import dev.leadconnector.delivery.CircuitBreakers;
import dev.leadconnector.targets.Mappings;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code notify:} component: {@code notify:<channel>} tells people of a lead on one channel (e-mail, Teams,
 * Slack: each a {@link Notifier} bean), with a pace and a digest ({@link Channel}). An endpoint's options
 * default to its channel's settings, {@code leads.targets.<channel>.*}; a route may set them on the URI
 * ({@code notify:slack?pace=1&window=1s}).
 */
@org.springframework.stereotype.Component(NotifyComponent.SCHEME)
public class NotifyComponent extends DefaultComponent {

    static final String SCHEME = "notify";

    private final Map<String, Notifier> channels = new TreeMap<>();
    private final Mappings mappings;

    public NotifyComponent(List<Notifier> notifiers, Mappings mappings) {
        notifiers.forEach(notifier -> channels.put(notifier.name(), notifier));
        this.mappings = mappings;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        Notifier notifier = channels.get(remaining);
        if (notifier == null) {
            throw new IllegalArgumentException("notify:" + remaining + ": there is no channel named '" + remaining
                    + "' (one of " + channels.keySet() + ")");
        }
        NotifyEndpoint endpoint = new NotifyEndpoint(uri, this, notifier, mappings,
                CircuitBreakers.config(getCamelContext(), remaining));
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
