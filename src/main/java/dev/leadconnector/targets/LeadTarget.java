package dev.leadconnector.targets;

import org.apache.camel.Exchange;

/**
 * The target a lead's exchange is being delivered to, as the exchange property {@code leadTarget}: set
 * once, by the first step of the target's {@code deliver-<name>} route, whoever sends the lead
 * there (the router, a replay, the validate endpoint), and read by the retry policy, the dead-letter
 * envelope and the metrics. Nothing reads a target's name out of a route id.
 */
public final class LeadTarget {

    public static final String PROPERTY = "leadTarget";

    private LeadTarget() {
    }

    /** The target's name, or null when the exchange is not (yet) a delivery (e.g. the router's own). */
    public static String of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, String.class);
    }

    /** Names the target this exchange is delivered to. */
    public static void set(Exchange exchange, String target) {
        exchange.setProperty(PROPERTY, target);
    }
}
