package dev.leadconnector.targets.batch;

import java.time.Duration;

/**
 * {@code leads.targets.<name>.batch}: how a target that sends batches fills them. A batch goes once
 * it holds {@code size} leads, once its first lead has waited {@code max-wait}, or at once when the
 * target is idle: no call in flight, no batch sent within {@code max-wait} (see {@link Batches}).
 *
 * @param size the most leads per batch (left out: what the CRM takes per call)
 * @param maxWait the longest a lead waits for others while its target is busy
 */
public record BatchSettings(Integer size, Duration maxWait) {

    public static final BatchSettings DEFAULT = new BatchSettings(null, null);

    public BatchSettings {
        maxWait = maxWait == null ? Duration.ofSeconds(1) : maxWait;
    }
}
