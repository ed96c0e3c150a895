package dev.leadconnector.targets.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pace rule of a channel ({@link Channel}), on its own: a channel whose transport records each message
 * (and may refuse it), leads offered as the producer offers them. Waits are conditions; the figures printed
 * are for the report, bounds asserted loosely.
 */
class NotifyChannelPaceTest {

    /** A message of the fake channel: the ids it names, when it went (ms, monotonic). */
    record Sent(List<String> ids, long at) {}

    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final Map<String, Exchange> done = new ConcurrentHashMap<>();
    final AtomicInteger refuse = new AtomicInteger();
    final DefaultCamelContext camel = new DefaultCamelContext();
    Channel channel;

    /** Renders a message naming each lead's id; any number fits. */
    static final class FakeNotifier extends Notifier {
        FakeNotifier() {
            super("fake");
        }

        @Override
        public Pace pace() {
            throw new UnsupportedOperationException();
        }

        @Override
        protected ChannelMessage render(Digest digest) {
            List<String> all = new ArrayList<>();
            digest.listed().forEach(n -> all.add(n.leadId()));
            all.addAll(digest.restIds());
            return new ChannelMessage("fake:channel", Map.of(), String.join(",", all), 0);
        }

        @Override
        protected boolean fits(ChannelMessage message) {
            return true;
        }
    }

    Channel channel(Pace pace) {
        ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1);
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        channel = new Channel(new FakeNotifier(), pace, message -> {
            if (refuse.getAndDecrement() > 0) {
                throw NotifyException.answered("fake", 429, "1", "rate_limited");
            }
            sent.add(new Sent(List.of(message.body().split(",")), now()));
        }, thread);
        return channel;
    }

    @AfterEach
    void close() {
        if (channel != null) {
            channel.close();
        }
    }

    void offer(String id) {
        Exchange exchange = new DefaultExchange(camel);
        Notification notification = new Notification(id, false, "clicked Get it now", null, null, id, Map.of());
        channel.offer(new Channel.Waiting(exchange, doneSync -> done.put(id, exchange), notification));
    }

    @Test
    void aTrickleIsAMessagePerLeadAtOnce() {
        channel(new Pace(1, Duration.ofSeconds(1), Duration.ofSeconds(3), 20));
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = "trickle-" + i;
            long offered = now();
            offer(id);
            await().atMost(Duration.ofSeconds(2)).until(() -> done.containsKey(id));
            delays.add(sent.get(sent.size() - 1).at() - offered);
            await().pollDelay(Duration.ofMillis(1100)).until(() -> true);
        }
        System.out.printf("pace 1/1s, leads 1.1 s apart: sent after %s ms%n", delays);
        assertThat(sent).extracting(Sent::ids).containsExactly(List.of("trickle-0"), List.of("trickle-1"), List.of("trickle-2"),
                List.of("trickle-3"));
        assertThat(done.values()).allSatisfy(e -> assertThat(e.getMessage().getHeader(Channel.OUTCOME))
                .isEqualTo("notified in a message of 1 lead"));
    }

    @Test
    void aBurstIsAHandfulOfMessagesWithinThePaceAndEveryLeadInOne() {
        Pace pace = new Pace(2, Duration.ofMillis(500), Duration.ofSeconds(1), 20);
        channel(pace);
        List<String> ids = IntStream.range(0, 200).mapToObj(i -> "burst-" + i).toList();
        long start = now();
        // the burst comes over about two seconds, as dispatch hands it on
        for (int i = 0; i < ids.size(); i++) {
            offer(ids.get(i));
            if (i % 20 == 19) {
                await().pollDelay(Duration.ofMillis(200)).until(() -> true);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == ids.size());
        System.out.printf("pace 2/500ms, digest-every 1s, 200 leads over %d ms: %d messages of %s leads at %s ms%n",
                now() - start, sent.size(), sent.stream().map(s -> s.ids().size()).toList(),
                sent.stream().map(s -> s.at() - start).toList());
        assertThat(sent.size()).as("a handful").isBetween(2, 10);
        assertThat(sent.stream().flatMap(s -> s.ids().stream()).sorted().toList()).as("every lead once")
                .isEqualTo(ids.stream().sorted().toList());
        assertThat(done.values()).allSatisfy(e -> assertThat(e.getException()).isNull());
        for (int i = pace.messages(); i < sent.size(); i++) {
            assertThat(sent.get(i).at() - sent.get(i - pace.messages()).at()).as("within the pace")
                    .isGreaterThanOrEqualTo(pace.window().toMillis());
        }
    }

    @Test
    void aRefusedMessageFailsEveryLeadItCarriedAndARetryAfterPausesTheChannel() {
        channel(new Pace(5, Duration.ofSeconds(1), Duration.ZERO, 20));
        refuse.set(1);
        long start = now();
        offer("refused");
        await().atMost(Duration.ofSeconds(2)).until(() -> done.containsKey("refused"));
        assertThat(done.get("refused").getException()).isInstanceOf(NotifyException.class)
                .hasMessage("fake answered 429: rate_limited");
        assertThat(((NotifyException) done.get("refused").getException()).retryAfter()).isEqualTo(Duration.ofSeconds(1));
        offer("after");
        await().atMost(Duration.ofSeconds(3)).until(() -> done.containsKey("after"));
        assertThat(sent.get(0).at() - start).as("no message before the Retry-After").isGreaterThanOrEqualTo(1000);
    }

    @Test
    void closingFailsWhatWaits() {
        channel(new Pace(1, Duration.ofMinutes(1), Duration.ZERO, 20));
        offer("first");
        await().atMost(Duration.ofSeconds(2)).until(() -> done.containsKey("first"));
        offer("waits");
        channel.close();
        assertThat(done.get("waits").getException()).isInstanceOf(NotifyException.class).hasMessageContaining("stopped");
        channel = null;
    }

    @Test
    void anEndpointsOptionsDefaultToTheChannelsSettingsAndMayBeSetOnTheUri() throws Exception {
        dev.leadconnector.targets.RoutingSettings settings = new dev.leadconnector.targets.RoutingSettings(null, null, null);
        NotifyComponent component = new NotifyComponent(List.of(new SlackNotifier(new SlackNotifier.Settings(
                "https://hooks.slack.com/services/T1/B2/abc", 1, Duration.ofSeconds(1), Duration.ofSeconds(3), 20),
                new com.fasterxml.jackson.databind.ObjectMapper())),
                new dev.leadconnector.targets.Mappings(
                        new dev.leadconnector.routes.RoutesSettings(false, java.nio.file.Path.of("routes/mappings")), settings));
        camel.addComponent("notify", component);
        NotifyEndpoint defaults = camel.getEndpoint("notify:slack", NotifyEndpoint.class);
        assertThat(defaults.pace()).isEqualTo(new Pace(1, Duration.ofSeconds(1), Duration.ofSeconds(3), 20));
        NotifyEndpoint own = camel.getEndpoint("notify:slack?pace=2&window=2s&digestEvery=PT0.5S&digestMax=5", NotifyEndpoint.class);
        assertThat(own.pace()).isEqualTo(new Pace(2, Duration.ofSeconds(2), Duration.ofMillis(500), 5));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> camel.getEndpoint("notify:pager"))
                .hasMessageContaining("there is no channel named 'pager' (one of [slack])");
    }

    static long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }
}
