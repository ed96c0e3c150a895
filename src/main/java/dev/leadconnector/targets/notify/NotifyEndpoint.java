package dev.leadconnector.targets.notify;

import dev.leadconnector.targets.Mappings;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code notify:<channel>}: one channel, its pace and its digest ({@link Channel} says the rule). Every
 * option defaults to the channel's settings ({@code leads.targets.<channel>.pace, window, digest-every,
 * digest-max}). The lead (the exchange's body, the canonical lead) is made into a notification by the
 * channel's mapping ({@code leads.targets.<channel>.mapping}, {@code routes/mappings/notification.jslt}), and
 * each message is sent through the channel's circuit breaker ({@code camel.resilience4j.configurations.<channel>},
 * else {@code camel.resilience4j}).
 */
@UriEndpoint(firstVersion = "4.17.0", scheme = NotifyComponent.SCHEME, title = "Notify", syntax = "notify:channel",
        producerOnly = true, remote = true, category = {Category.CHAT, Category.MAIL})
public class NotifyEndpoint extends DefaultEndpoint {

    @UriPath(description = "The channel: email, teams or slack (leads.targets.<channel>)")
    @Metadata(required = true)
    private final String channel;

    @UriParam(description = "The most messages the channel sends within any window; beyond it leads wait and go as a"
            + " digest (default: leads.targets.<channel>.pace; Slack 1, Teams 4, e-mail 10)")
    private int pace;

    @UriParam(description = "The window messages are counted in, e.g. 1s, 1m or PT1M (default:"
            + " leads.targets.<channel>.window; Slack and Teams 1s, e-mail 1m)")
    private Duration window;

    @UriParam(description = "The least time between two digests while a burst lasts, e.g. 3s (default:"
            + " leads.targets.<channel>.digest-every, 3s)")
    private Duration digestEvery;

    @UriParam(description = "The most leads a digest lists in full; the rest are counted and named by id (default:"
            + " leads.targets.<channel>.digest-max, 20)")
    private int digestMax;

    private final Notifier notifier;
    private final Mappings mappings;
    private final CircuitBreaker breaker;
    private ProducerTemplate template;
    private Channel state;

    NotifyEndpoint(String uri, NotifyComponent component, Notifier notifier, Mappings mappings, CircuitBreakerConfig breaker) {
        super(uri, component);
        this.channel = notifier.name();
        this.notifier = notifier;
        this.mappings = mappings;
        Pace defaults = notifier.pace();
        this.pace = defaults.messages();
        this.window = defaults.window();
        this.digestEvery = defaults.digestEvery();
        this.digestMax = defaults.digestMax();
        this.breaker = CircuitBreaker.of("notify-" + channel, breaker);
    }

    @Override
    public Producer createProducer() {
        return new NotifyProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("notify:" + channel + " only sends");
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        template = getCamelContext().createProducerTemplate();
        template.start();
        ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, task -> {
            Thread worker = new Thread(task, "notify-" + channel);
            worker.setDaemon(true);
            return worker;
        });
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        thread.setRemoveOnCancelPolicy(true);
        state = new Channel(notifier, pace(), this::send, thread);
    }

    @Override
    protected void doStop() throws Exception {
        if (state != null) {
            state.close();
            state = null;
        }
        if (template != null) {
            template.stop();
        }
        super.doStop();
    }

    /** The endpoint's pace and digest, as its options say. */
    Pace pace() {
        return new Pace(pace, window, digestEvery, digestMax);
    }

    Channel channel() {
        return state;
    }

    Notifier notifier() {
        return notifier;
    }

    Mappings mappings() {
        return mappings;
    }

    /** One message, through the channel's circuit breaker (an open breaker fails it at once: no call is made). */
    private void send(ChannelMessage message) throws Exception {
        if (!breaker.tryAcquirePermission()) {
            throw CallNotPermittedException.createCallNotPermittedException(breaker);
        }
        long start = System.nanoTime();
        try {
            Exchange answer = template.send(message.uri(), request -> {
                message.headers().forEach(request.getMessage()::setHeader);
                request.getMessage().setBody(message.body());
            });
            if (answer.getException() != null) {
                throw answer.getException();
            }
            notifier.check(answer);
        } catch (Exception failed) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, failed);
            throw failed;
        }
        breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    public String getChannel() {
        return channel;
    }

    public int getPace() {
        return pace;
    }

    public void setPace(int pace) {
        this.pace = pace;
    }

    public Duration getWindow() {
        return window;
    }

    public void setWindow(Duration window) {
        this.window = window;
    }

    public Duration getDigestEvery() {
        return digestEvery;
    }

    public void setDigestEvery(Duration digestEvery) {
        this.digestEvery = digestEvery;
    }

    public int getDigestMax() {
        return digestMax;
    }

    public void setDigestMax(int digestMax) {
        this.digestMax = digestMax;
    }
}
