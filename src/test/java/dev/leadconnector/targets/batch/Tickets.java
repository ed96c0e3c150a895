package dev.leadconnector.targets.batch;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

/** Tickets of canonical leads, for unit tests of a BatchedCrm. */
public final class Tickets {

    private Tickets() {
    }

    /** A ticket waiting for nothing: the canonical lead (JSON text), not yet looked up or mapped. */
    public static Ticket of(String lead) {
        DefaultExchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(lead);
        return new Ticket(exchange, doneSync -> { });
    }

    /** A ticket whose lead is already mapped to this record (JSON text). */
    public static Ticket mapped(String record) {
        Ticket ticket = of("{}");
        try {
            ticket.record(new com.fasterxml.jackson.databind.ObjectMapper().readTree(record));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ticket;
    }

    /** The same, as found by the lookup under this record id. */
    public static Ticket found(String lead, String recordId) {
        Ticket ticket = of(lead);
        ticket.found(new Found.Record(recordId, null));
        return ticket;
    }
}
