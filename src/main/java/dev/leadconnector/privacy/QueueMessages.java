package dev.leadconnector.privacy;

import java.util.function.Predicate;

/**
 * The messages a queue inbox and a queue dead-letter store hold (profile azure), for an erasure: deletes
 * those {@code erased} matches (it gets each message's text) among the ones no instance is handling now.
 */
public interface QueueMessages {

    /** Messages deleted from the inbox queue. */
    int eraseInbox(Predicate<String> erased);

    /** Messages deleted from the dead-letter queue. */
    int eraseDeadLetters(Predicate<String> erased);
}
