package dev.leadconnector.targets.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A channel reached by posting JSON to a webhook URL (Slack, Teams): what such channels share is their
 * settings (the URL and the pace) and the mapper their messages are built with; how a message looks is each
 * channel's own.
 */
abstract class WebhookNotifier extends Notifier {

    /** {@code leads.targets.<channel>.url} and the channel's pace. */
    interface Settings extends PaceSettings {
        String url();
    }

    private final Settings settings;
    protected final ObjectMapper mapper;

    WebhookNotifier(String name, Settings settings, ObjectMapper mapper) {
        super(name);
        this.settings = settings;
        this.mapper = mapper;
    }

    @Override
    public Pace pace() {
        return settings.pacing();
    }

    /** The message, to be posted to the channel's webhook URL. */
    protected ChannelMessage post(ObjectNode message) {
        return webhook(settings.url(), message.toString());
    }
}
