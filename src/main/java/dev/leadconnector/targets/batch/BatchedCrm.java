package dev.leadconnector.targets.batch;

import dev.leadconnector.targets.crm.CrmException;
import java.util.List;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * What is a CRM's own in a target that delivers in batches; the {@code crm} component
 * ({@link CrmComponent}: {@code to: crm:<name>}) does the rest (the batching, the funnel, the mapping, the
 * circuit breaker, one token refresh, each lead's outcome). A Spring bean implementing this, a route file
 * ending in {@code to: crm:<name>}, a mapping and a settings block make a batched target.
 *
 * <p>Per batch: {@link #lookup} (and {@link #lookedUp}, page by page) finds the customers' records; each
 * lead is mapped with {@code routes/mappings/<name>.jslt} (headers {@code crmRecordId}, {@code crmStatus},
 * {@code crmNewStatus} set); {@link #writes} makes the write calls; {@link #outcomes} gives each lead its
 * own. Every call goes through {@link #authorize} and {@link #check}; errors are {@link CrmException}s.
 * Nothing passes through exchange properties: each method is given what it needs.
 */
public interface BatchedCrm {

    /** The target's name: {@code leads.targets.<name>}, {@code routes/deliver-<name>.camel.yaml}, {@code mappings/<name>.jslt}. */
    String name();

    /** The most leads the CRM takes per call: {@code batch.size} above it stops the start, and it is the default. */
    int maxBatchSize();

    /** Leads of different groups never share a batch (Marketo: leads without an e-mail are created apart). */
    default String group(Ticket lead) {
        return name();
    }

    /** The customer key a lead's record is found under: its lower-case e-mail, or null (nothing to look up by). */
    default String key(Ticket lead) {
        return lead.email() == null ? null : lead.email().toLowerCase(Locale.ROOT);
    }

    /** The first call of the batch's lookup, or null when no lead has anything to look it up by. */
    CrmCall lookup(List<Ticket> batch);

    /**
     * Reads one lookup answer (the body of {@code answer}) to {@code asked} into {@code found}; the call for
     * its next page, or null.
     */
    CrmCall lookedUp(CrmCall asked, Exchange answer, Found found);

    /** Headers of its own the mapping reads, set on each lead before it is mapped (none by default). */
    default void beforeMapping(Message lead) {
    }

    /** The write calls for these leads (each mapped, with the record found for it), each carrying its leads. */
    List<CrmCall> writes(List<Ticket> leads);

    /** A write's answer (the body of {@code answer}): each lead it carried delivered or failed, in order. */
    void outcomes(CrmCall write, Exchange answer);

    /** What every call to this CRM carries besides the call's own: the access token (none by default). */
    default void authorize(Message call) {
    }

    /**
     * Whether the call's answer is a success: throws a {@link CrmException} with the CRM's own words when it
     * is not, a {@link dev.leadconnector.targets.crm.TokenRejectedException} when the access token was
     * refused (the call is made once more with a new one). {@code call} is the call answered.
     */
    void check(CrmCall call, Exchange answer);

    /** A call that failed without an answer to check (no connection, the component's own error), in the CRM's words. */
    default Exception failure(Exception thrown) {
        return thrown;
    }
}
