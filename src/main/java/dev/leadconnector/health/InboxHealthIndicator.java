package dev.leadconnector.health;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/** {@code inbox}: UP while leads can be put in the inbox; part of readiness (a 202 promises that). */
@Component("inbox")
public class InboxHealthIndicator extends AbstractHealthIndicator {

    private final InboxProbe inbox;

    public InboxHealthIndicator(InboxProbe inbox) {
        super("Inbox unreachable");
        this.inbox = inbox;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) throws Exception {
        health.up().withDetail("location", inbox.location()).withDetail("waiting", inbox.depth());
    }
}
