package dev.leadconnector.targets.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.targets.FunnelStatuses;
import dev.leadconnector.targets.Mappings;
import dev.leadconnector.targets.crm.CrmException;
import java.io.IOException;
import java.util.List;
import java.util.HashMap;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One batch of a {@code crm:} endpoint, start to end: the lookup (page by page), each lead's record (the
 * funnel only moves forward, then the mapping), the writes, and each lead's outcome. A lead whose mapping
 * fails fails alone; a write that fails fails the leads it carried; a lookup that fails fails the batch.
 * Every lead gets exactly one outcome.
 */
final class BatchRun {

    private static final Logger LOG = LoggerFactory.getLogger(BatchRun.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String target;
    private final BatchedCrm crm;
    private final String mapping;
    private final Mappings mappings;
    private final FunnelStatuses funnel;
    private final CrmCaller caller;

    BatchRun(String target, BatchedCrm crm, String mapping, Mappings mappings, FunnelStatuses funnel, CrmCaller caller) {
        this.target = target;
        this.crm = crm;
        this.mapping = mapping;
        this.mappings = mappings;
        this.funnel = funnel;
        this.caller = caller;
    }

    void run(List<Ticket> batch, Runnable finished) {
        LOG.info("A batch of {} leads goes to {}", batch.size(), target);
        try {
            // 1. the customers' records, in one lookup, page by page (none when no lead has an e-mail)
            Found found = new Found();
            for (CrmCall call = crm.lookup(batch); call != null; ) {
                call = crm.lookedUp(call, caller.call(call), found);
            }
            // 2. each lead's record: the funnel only moves forward, then routes/mappings/<mapping>.jslt
            batch.forEach(lead -> map(lead, found));
            // 3. the writes; each answer gives the leads it carried their outcomes, a failed write fails them
            List<Ticket> waiting = batch.stream().filter(lead -> !lead.isDone() && lead.record() != null).toList();
            for (CrmCall write : waiting.isEmpty() ? List.<CrmCall>of() : crm.writes(waiting)) {
                try {
                    crm.outcomes(write, caller.call(write));
                } catch (Exception failed) {
                    Exception failure = crm.failure(failed);
                    write.leads().forEach(lead -> lead.failed(failure));
                }
            }
        } catch (Exception failed) {
            // the lookup failed (outage, rate limit, refused request): every lead fails with it, in the CRM's words
            Exception failure = crm.failure(failed);
            batch.forEach(lead -> lead.failed(failure));
        } finally {
            batch.stream().filter(lead -> !lead.isDone()).forEach(lead -> lead.failed(
                    new IllegalStateException("the batch ended without an outcome for this lead")));
            finished.run();
        }
    }

    /**
     * The lead's record: its mapping sees the lead's headers, the record the lookup found ({@code crmRecordId},
     * {@code crmStatus}), its {@code leadStage}, the status to set ({@code crmNewStatus}, only when the lead
     * moves the record forward) and the CRM's own headers ({@link BatchedCrm#beforeMapping}).
     */
    private void map(Ticket lead, Found found) {
        try {
            lead.found(found.of(crm.key(lead)));
            Message message = new DefaultMessage(lead.exchange().getContext());
            message.setHeaders(new HashMap<>(lead.exchange().getMessage().getHeaders()));
            String stage = lead.lead().path("stage").asText(null);
            String status = lead.found() == null ? null : lead.found().status();
            put(message, "leadStage", stage);
            put(message, Ticket.RECORD_ID, lead.recordId());
            put(message, "crmStatus", status);
            crm.beforeMapping(message);
            if (funnel.advances(target, status, stage)) {
                put(message, "crmNewStatus", funnel.statusFor(target, stage));
            }
            lead.record(record(mappings.mapWith(mapping, lead.body(), message.getHeaders())));
        } catch (Exception failed) {
            lead.failed(failed);
        }
    }

    /** The mapped record, which must be a JSON object. */
    private JsonNode record(String mapped) {
        JsonNode record;
        try {
            record = mapped == null ? null : JSON.readTree(mapped);
        } catch (IOException e) {
            record = null;
        }
        if (record == null || !record.isObject()) {
            throw CrmException.permanent(target + ": not sent, routes/mappings/" + mapping
                    + ".jslt made no JSON object of the lead");
        }
        return record;
    }

    private static void put(Message message, String header, Object value) {
        if (value == null) {
            message.removeHeader(header);
        } else {
            message.setHeader(header, value);
        }
    }
}
