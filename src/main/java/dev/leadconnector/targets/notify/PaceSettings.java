package dev.leadconnector.targets.notify;

import java.time.Duration;

/**
 * The settings every channel is paced by ({@code leads.targets.<channel>.pace, window, digest-every,
 * digest-max}): each channel's own settings record implements this, so they are read into a {@link Pace} in
 * one place.
 */
interface PaceSettings {

    int pace();

    Duration window();

    Duration digestEvery();

    int digestMax();

    /** Checked when asked for, not when bound: a channel that is off may leave its pace unset. */
    default Pace pacing() {
        return new Pace(pace(), window(), digestEvery(), digestMax());
    }
}
