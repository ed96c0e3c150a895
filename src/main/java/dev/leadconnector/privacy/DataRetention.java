package dev.leadconnector.privacy;

import dev.leadconnector.deadletter.DeadLetterSettings;
import dev.leadconnector.targets.ArchiveSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Retention of the connector's own files ({@code leads.retention}), run by
 * {@code routes/data-retention.camel.yaml}: archived leads and dead letters (parked and replayed) older
 * than their store's setting are deleted, by the time their file was written. One log line per run says
 * how many went from each store, never which; {@code leads.retention.removed{store}} counts them, the
 * journal's too ({@link #journalPruned}, from routes/dedup-expiry.camel.yaml).
 */
@Component("dataRetention")
public class DataRetention implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DataRetention.class);
    public static final String ARCHIVE = "archive";
    public static final String DEAD_LETTERS = "dead-letters";
    public static final String JOURNAL = "journal";

    /** What one run removed. */
    public record Pruned(int archive, int deadLetters) {}

    private final RetentionSettings settings;
    private final Path archive;
    private final Path deadLetters;
    private final MeterRegistry registry;
    private final Clock clock;

    @Autowired
    public DataRetention(RetentionSettings settings, ArchiveSettings archive, DeadLetterSettings deadLetters,
                         MeterRegistry registry) {
        this(settings, archive.directory(), deadLetters.directory(), registry, Clock.systemUTC());
    }

    DataRetention(RetentionSettings settings, Path archive, Path deadLetters, MeterRegistry registry, Clock clock) {
        this.settings = settings;
        this.archive = archive;
        this.deadLetters = deadLetters;
        this.registry = registry;
        this.clock = clock;
        for (String store : List.of(ARCHIVE, DEAD_LETTERS, JOURNAL)) {
            counter(store); // each series from the start, at 0
        }
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().setBody(prune());
    }

    /** One run: removes what is older than each store keeps, counts and logs it in one line. */
    public Pruned prune() {
        Instant now = clock.instant();
        int archived = prune(archive, settings.archive(), now);
        int letters = prune(deadLetters, settings.deadLetters(), now)
                + prune(deadLetters.resolve("replayed"), settings.deadLetters(), now);
        counter(ARCHIVE).increment(archived);
        counter(DEAD_LETTERS).increment(letters);
        LOG.info("Retention: removed {} archived leads ({}) and {} dead letters ({})", archived, kept(settings.archive()),
                letters, kept(settings.deadLetters()));
        return new Pruned(archived, letters);
    }

    /** Counts what routes/dedup-expiry.camel.yaml forgot of the journal (leads.dedup.window); it logs its own line. */
    public void journalPruned(@Header("forgottenJourneys") Integer leads) {
        counter(JOURNAL).increment(leads == null ? 0 : leads);
    }

    private static String kept(Duration retention) {
        if (retention == null) {
            return "kept for ever";
        }
        long days = retention.toDays();
        return "older than " + (retention.equals(Duration.ofDays(days)) ? "P" + days + "D" : retention.toString());
    }

    private Counter counter(String store) {
        return Counter.builder("leads.retention.removed").tag("store", store)
                .description("items removed by retention, per store").register(registry);
    }

    /** Deletes the {@code .json} files in {@code folder} (not its sub-folders) written before {@code now - keep}. */
    private static int prune(Path folder, Duration keep, Instant now) {
        if (keep == null || !Files.isDirectory(folder)) {
            return 0;
        }
        Instant cutoff = now.minus(keep);
        int removed = 0;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".json") || name.startsWith(".")) {
                    continue; // a file being written (.inflight-) is not the store's yet
                }
                try {
                    if (Files.isRegularFile(file) && Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)
                            && Files.deleteIfExists(file)) {
                        removed++;
                    }
                } catch (NoSuchFileException gone) {
                    // replayed or erased meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return removed;
    }
}
