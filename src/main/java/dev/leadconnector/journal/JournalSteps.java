package dev.leadconnector.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.dispatch.LeadMessage;
import dev.leadconnector.targets.LeadTargets;
import java.io.IOException;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/** The steps the routes take to keep the journal: dispatch (received, duplicate, routed) and the dead-letter store (parked). */
@Component("journal")
public class JournalSteps {

    private final LeadJournal journal;
    private final LeadTargets targets;
    private final ObjectMapper mapper;

    public JournalSteps(LeadJournal journal, LeadTargets targets, ObjectMapper mapper) {
        this.journal = journal;
        this.targets = targets;
        this.mapper = mapper;
    }

    /** Dispatch took the lead (the body is its canonical JSON). */
    public void received(@Body String canonicalLead) {
        journal.received(canonicalLead);
    }

    public void duplicate(@Header(LeadMessage.ID) String leadId) {
        journal.duplicate(leadId);
    }

    /** The router's decision for this lead: which targets get it, and why the other enabled ones do not. */
    public void routed(@Header(LeadMessage.ID) String leadId, @Header(LeadMessage.ACTION) String action,
                       @Header(LeadMessage.TEST) boolean test, @Header(LeadMessage.OFFER_ID) String offerId,
                       @Header(LeadMessage.OFFER_TITLE) String offerTitle) {
        journal.routed(leadId, targets.targetsFor(action, test, offerId, offerTitle),
                targets.notSent(action, test, offerId, offerTitle));
    }

    /** A dead letter was written (the body is its envelope): the lead is parked at its target, or at the router. */
    public void parked(@Body String envelope) throws IOException {
        JsonNode parked = mapper.readTree(envelope);
        journal.parked(parked.path("leadId").textValue(), parked.path("target").textValue(),
                parked.path("reason").textValue(), parked.path("error").textValue());
    }
}
