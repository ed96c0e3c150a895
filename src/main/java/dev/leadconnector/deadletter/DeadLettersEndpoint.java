package dev.leadconnector.deadletter;

import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

/**
 * Dead letters on the management surface, over HTTP ({@code GET/POST /actuator/deadletters}) and
 * JMX (so Hawtio can list and replay them): all, or by target ("router" for leads the router
 * parked), lead id, or a part of the reason. The list is paged ({@code limit}, and {@code after} the
 * previous page's {@code next}; see {@link DeadLetterStore}); a replay goes over every matching letter.
 */
@Component
@Endpoint(id = "deadletters")
public class DeadLettersEndpoint {

    private final DeadLetterStore store;

    public DeadLettersEndpoint(DeadLetterStore store) {
        this.store = store;
    }

    @ReadOperation
    public DeadLetterStore.Page list(@Nullable String target, @Nullable String leadId, @Nullable String reason,
                                     @Nullable Integer limit, @Nullable String after) {
        return store.list(new DeadLetterStore.Filter(target, leadId, reason), limit, after);
    }

    @WriteOperation
    public Map<String, Object> replay(@Nullable String target, @Nullable String leadId, @Nullable String reason) {
        List<DeadLetterStore.Outcome> outcomes = store.replay(new DeadLetterStore.Filter(target, leadId, reason));
        long replayed = outcomes.stream().filter(o -> o.result().equals("replayed")).count();
        return Map.of("replayed", replayed, "failed", outcomes.size() - replayed, "outcomes", outcomes);
    }
}
