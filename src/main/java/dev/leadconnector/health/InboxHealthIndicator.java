package dev.leadconnector.health;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * {@code inbox}: UP while leads can be put in the inbox; part of readiness (a 202 promises that).
 * An unreachable inbox is logged as one line when it goes down (not once per probe, and without a
 * stack trace: while Camel starts, the file inbox's folder does not exist yet). The inbox is asked
 * within {@code leads.health.timeout} (BoundedCheck): a queue service that hangs makes it DOWN,
 * not the probe slow.
 */
@Component("inbox")
public class InboxHealthIndicator extends AbstractHealthIndicator {

    private static final Logger LOG = LoggerFactory.getLogger(InboxHealthIndicator.class);

    private final InboxProbe inbox;
    private final BoundedCheck bound;
    private volatile boolean everUp;
    private volatile boolean down;

    public InboxHealthIndicator(InboxProbe inbox, HealthSettings settings) {
        this.inbox = inbox;
        this.bound = new BoundedCheck(settings.timeout());
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        health.withDetail("location", inbox.location());
        try {
            health.up().withDetail("waiting", bound.<Long>call(inbox::depth));
            if (down && everUp) {
                LOG.info("Inbox reachable again");
            }
            everUp = true;
            down = false;
        } catch (Exception unreachable) {
            health.down().withDetail("error", String.valueOf(unreachable.getMessage()));
            if (!down && everUp) {
                LOG.warn("Inbox unreachable: {}", unreachable instanceof BoundedCheck.TimedOut
                        ? "it gave " + unreachable.getMessage() : unreachable.toString());
            } else if (!down) {
                LOG.info("Inbox not reachable yet: {}", unreachable.getMessage());
            }
            down = true;
        }
    }
}
