package dev.leadconnector.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WireMock calls held in flight until the test releases them, for a WireMock fake (register it with
 * {@code options().extensions(heldCalls)}): a stub names a hold with
 * {@code withServeEventListener(HeldCalls.NAME, hold.parameters())}. A call it matches is in WireMock's
 * journal at once (the listener runs just after WireMock logged it), and its answer goes only once the test
 * {@linkplain Hold#release() releases} the hold: a call in flight exactly as long as the test needs, where a
 * fixed delay had to be long enough for the slowest machine. Held at most {@link #LIMIT}, so a failed test
 * never leaves a call hanging.
 */
public final class HeldCalls implements ServeEventListener {

    public static final String NAME = "held-calls";
    static final Duration LIMIT = Duration.ofSeconds(60);

    private final Map<String, Hold> holds = new ConcurrentHashMap<>();

    /** A new hold, closed: the calls its stubs match wait until it is released. */
    public Hold hold() {
        Hold hold = new Hold(UUID.randomUUID().toString());
        holds.put(hold.key, hold);
        return hold;
    }

    /** A new hold on the calls {@code stub} matches, stubbed on {@code server}: they wait until it is released. */
    public Hold hold(WireMockServer server, MappingBuilder stub) {
        Hold hold = hold();
        server.stubFor(stub.withServeEventListener(NAME, hold.parameters()));
        return hold;
    }

    /** Every hold released (a test's cleanup, whatever became of it). */
    public void releaseAll() {
        holds.values().forEach(Hold::release);
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public void beforeResponseSent(ServeEvent serveEvent, Parameters parameters) {
        Hold hold = holds.get(parameters.getString("hold"));
        if (hold != null) {
            hold.await();
        }
    }

    /** One hold: closed until {@link #release()}, then every call it matched (and will match) is answered. */
    public static final class Hold {

        private final String key;
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicInteger waiting = new AtomicInteger();

        private Hold(String key) {
            this.key = key;
        }

        /** What a stub names with {@code withServeEventListener(HeldCalls.NAME, ...)}. */
        public Parameters parameters() {
            return Parameters.one("hold", key);
        }

        /** Whether a call is held now: WireMock has it and has not answered it. */
        public boolean holding() {
            return waiting.get() > 0;
        }

        public void release() {
            released.countDown();
        }

        private void await() {
            waiting.incrementAndGet();
            try {
                released.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                waiting.decrementAndGet();
            }
        }
    }
}
