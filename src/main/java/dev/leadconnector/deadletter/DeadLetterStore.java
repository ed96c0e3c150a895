package dev.leadconnector.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.dispatch.LeadMessage;
import dev.leadconnector.journal.LeadJournal;
import dev.leadconnector.journal.LeadsEndpoint;
import dev.leadconnector.security.SecretValues;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The dead-letter directory: lists parked leads and re-drives them. A lead parked by a target goes
 * back to that target's route; one parked by the router goes through the router again. Either
 * way the per-target delivery keys keep a target that already has the lead from getting it twice.
 * A replayed envelope moves to {@code replayed/}; if the lead fails again, a fresh envelope says why.
 *
 * <p>The list is paged in file-name order ({@code <lead id>-<target>.json}: by lead id, then target),
 * which is deterministic and lets a cursor (the last name of a page) stay valid while letters are
 * replayed or parked. A page lists the names (cheap), keeps those after the cursor that the target
 * and lead id filters can match by name, and reads only as many files as the page needs (a reason
 * filter is in the file, so it reads until the page is full, at most {@code max-page-size} files).
 * Replay goes over every matching letter, one file at a time, never through the paged list.
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

    /** One page of the list; {@code next}, the cursor for the following page ({@code after}), is null on the last. */
    public record Page(List<Summary> letters, String next) {}

    /** The outcome of re-driving one dead letter. */
    public record Outcome(String leadId, String target, String result) {}

    private final Path directory;
    private final ObjectMapper mapper;
    private final ProducerTemplate producer;
    private final SecretValues secrets;
    private final LeadJournal journal;
    private final DeadLetterListSettings paging;

    @Autowired
    public DeadLetterStore(DeadLetterSettings settings, ObjectMapper mapper, ProducerTemplate producer,
                           SecretValues secrets, LeadJournal journal, DeadLetterListSettings paging) {
        this(settings.directory(), mapper, producer, secrets, journal, paging);
    }

    DeadLetterStore(Path directory, ObjectMapper mapper, ProducerTemplate producer, SecretValues secrets,
                    LeadJournal journal, DeadLetterListSettings paging) {
        this.paging = paging;
        this.directory = directory;
        this.mapper = mapper;
        this.producer = producer;
        this.secrets = secrets;
        this.journal = journal;
    }

    /** The page of letters matching {@code filter} after the cursor {@code after} (null: the first page). */
    public Page list(Filter filter, Integer limit, String after) {
        int size = paging.pageOf(limit);
        List<String> names = names(filter, after);
        List<Summary> page = new ArrayList<>(Math.min(size, names.size()));
        String last = null;
        int read = 0;
        for (String name : names) {
            if (page.size() == size || read == paging.maxPageSize()) {
                break;
            }
            last = name;
            read++;
            Parked parked = read(directory.resolve(name));
            if (parked != null && filter.matches(parked.envelope())) {
                page.add(parked.summary());
            }
        }
        boolean more = last != null && !last.equals(names.get(names.size() - 1));
        return new Page(page, more ? last : null);
    }

    /**
     * How many letters are parked per target ({@code router} for the router's), told from the file names
     * alone ({@code <lead id>-<target>.json}: no letter is read). At most {@code most} names are looked at:
     * beyond that the counts are a floor.
     */
    public Map<String, Long> parkedPerTarget(int most) {
        Map<String, Long> perTarget = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return perTarget;
        }
        int looked = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".json") || name.startsWith(".")) {
                    continue; // a letter being written, or the replayed folder
                }
                if (looked++ == most) {
                    return perTarget;
                }
                Matcher parts = NAME.matcher(name);
                // a poison message's letter (its id no lead id) is always the router's
                perTarget.merge(parts.matches() ? parts.group(2) : "router", 1L, Long::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return perTarget;
    }

    /** Re-drives every letter matching {@code filter}, each file read when its turn comes. */
    public List<Outcome> replay(Filter filter) {
        List<Outcome> outcomes = new ArrayList<>();
        for (String name : names(filter, null)) {
            Parked parked = read(directory.resolve(name));
            if (parked != null && filter.matches(parked.envelope())) {
                outcomes.add(replay(parked));
            }
        }
        return outcomes;
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

    /** A letter's file name when its lead id is a lead id (32 hex digits): lead id and target exactly. */
    private static final Pattern NAME = Pattern.compile("([0-9a-f]{32})-(.+)\\.json");

    /**
     * The letters' file names after {@code after}, sorted, that {@code filter} may match by name alone
     * ({@code <lead id>-<target>.json}); the envelope decides the rest (and for a poison message's letter,
     * whose id is no lead id and may hold a '-', everything).
     */
    private List<String> names(Filter filter, String after) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".json") && !name.startsWith(".")
                            && (after == null || name.compareTo(after) > 0) && mayMatch(name, filter))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean mayMatch(String name, Filter filter) {
        Matcher parts = NAME.matcher(name);
        if (parts.matches()) {
            return (filter.target() == null || filter.target().equals(parts.group(2)))
                    && (filter.leadId() == null || filter.leadId().equals(parts.group(1)));
        }
        return (filter.target() == null || name.endsWith("-" + filter.target() + ".json"))
                && (filter.leadId() == null || name.startsWith(filter.leadId() + "-"));
    }

    /** The letter in {@code file}, or null when it is gone (replayed meanwhile). */
    private Parked read(Path file) {
        try {
            JsonNode node = mapper.readTree(file.toFile());
            return new Parked(file, mapper.treeToValue(node, DeadLetters.Envelope.class));
        } catch (FileNotFoundException | NoSuchFileException gone) {
            if (Files.exists(file)) {
                throw new UncheckedIOException("Unreadable dead letter " + file.getFileName(), gone);
            }
            return null;
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
