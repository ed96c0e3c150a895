package dev.leadconnector.targets.notify;

import java.time.Duration;

/**
 * A channel's pace and digest ({@code leads.targets.<channel>.pace, window, digest-every, digest-max}, the
 * {@code notify:} endpoint's options): how many messages it may send per window, how often a digest may go
 * while a burst lasts, and how many leads a digest lists in full. {@link Channel} says how they are used.
 *
 * @param messages the most messages the channel sends within any {@code window}
 * @param window the window the messages are counted in
 * @param digestEvery the least time between two digests (messages of more than one lead)
 * @param digestMax the most leads a digest lists in full; the rest are counted and named by id
 */
public record Pace(int messages, Duration window, Duration digestEvery, int digestMax) {

    public Pace {
        if (messages < 1) {
            throw new IllegalArgumentException("pace must be at least 1 message per window, not " + messages);
        }
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, not " + window);
        }
        digestEvery = digestEvery == null || digestEvery.isNegative() ? Duration.ZERO : digestEvery;
        digestMax = Math.max(1, digestMax);
    }
}
