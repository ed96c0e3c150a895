package dev.leadconnector.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.dispatch.LeadMessage;
import dev.leadconnector.journal.LeadJournal;
import dev.leadconnector.journal.LeadsEndpoint;
import dev.leadconnector.security.SecretValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The dead-letter directory: lists parked leads and re-drives them. A lead parked by a target goes
 * back to that target's route; one parked by the router goes through the router again. Either
 * way the per-target delivery keys keep a target that already has the lead from getting it twice.
 * A replayed envelope moves to {@code replayed/}; if the lead fails again, a fresh envelope says why.
 */
@Component
public class DeadLetterStore {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStore.class);

    /** Which dead letters an operation applies to; a null field matches everything. */
    public record Filter(String target, String leadId, String reason) {
        boolean matches(DeadLetters.Envelope envelope) {
            return (target == null || target.equals(envelope.target() == null ? "router" : envelope.target()))
                    && (leadId == null || leadId.equals(envelope.leadId()))
                    && (reason == null || String.valueOf(envelope.reason()).toLowerCase(Locale.ROOT)
                    .contains(reason.toLowerCase(Locale.ROOT)));
        }
    }

    /** What a dead letter says, without the lead's personal data; {@code journey} is where its whole story is. */
    public record Summary(String leadId, String target, String action, String reason, String error, Instant failedAt,
                          String journey) {}

    /** The outcome of re-driving one dead letter. */
    public record Outcome(String leadId, String target, String result) {}

    private final Path directory;
    private final ObjectMapper mapper;
    private final ProducerTemplate producer;
    private final SecretValues secrets;
    private final LeadJournal journal;

    public DeadLetterStore(@Value("${leads.dead-letter.directory}") Path directory, ObjectMapper mapper,
                           ProducerTemplate producer, SecretValues secrets, LeadJournal journal) {
        this.directory = directory;
        this.mapper = mapper;
        this.producer = producer;
        this.secrets = secrets;
        this.journal = journal;
    }

    public List<Summary> list(Filter filter) {
        return envelopes(filter).stream().map(Parked::summary).toList();
    }

    public List<Outcome> replay(Filter filter) {
        return envelopes(filter).stream().map(this::replay).toList();
    }

    private Outcome replay(Parked parked) {
        DeadLetters.Envelope envelope = parked.envelope();
        String target = envelope.target();
        String endpoint = target == null ? "direct:route-lead" : "direct:deliver-" + target;
        Path replayed = moveToReplayed(parked.file());
        journal.replayed(envelope.leadId(), target);
        Exchange exchange = producer.send(endpoint, e -> {
            e.getMessage().setBody(envelope.lead().toString());
            LeadMessage.setHeaders(e.getMessage(), envelope.lead());
        });
        String who = target == null ? "the router" : target;
        if (exchange.getException() != null) {
            move(replayed, parked.file()); // nothing took it: keep it parked as it was
            LOG.warn("Replay of lead {} to {} failed: {}", envelope.leadId(), who, exchange.getException().toString());
            return new Outcome(envelope.leadId(), target, "failed: " + secrets.redact(exchange.getException().getMessage()));
        }
        if (Files.exists(parked.file())) { // the target or the router parked it again
            LOG.warn("Replay of lead {} to {} failed again: parked anew", envelope.leadId(), who);
            return new Outcome(envelope.leadId(), target, "failed again: parked anew");
        }
        LOG.info("Replayed lead {} to {}", envelope.leadId(), who);
        return new Outcome(envelope.leadId(), target, "replayed");
    }

    private record Parked(Path file, DeadLetters.Envelope envelope) {
        Summary summary() {
            // a lead the router parked names no target: listed as "router", the name ?target= filters it by
            return new Summary(envelope.leadId(), envelope.target() == null ? "router" : envelope.target(), envelope.lead().path("action").asText(null),
                    envelope.reason(), envelope.error(), envelope.failedAt(), LeadsEndpoint.path(envelope.leadId()));
        }
    }

    private List<Parked> envelopes(Filter filter) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json") && !f.getFileName().toString().startsWith("."))
                    .sorted()
                    .map(this::read)
                    .filter(parked -> filter.matches(parked.envelope()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Parked read(Path file) {
        try {
            JsonNode node = mapper.readTree(file.toFile());
            return new Parked(file, mapper.treeToValue(node, DeadLetters.Envelope.class));
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable dead letter " + file.getFileName(), e);
        }
    }

    private Path moveToReplayed(Path file) {
        String name = file.getFileName().toString().replace(".json", "") + "." + System.currentTimeMillis() + ".json";
        Path target = directory.resolve("replayed").resolve(name);
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        move(file, target);
        return target;
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
